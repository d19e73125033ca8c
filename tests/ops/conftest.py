"""Ops tests get a registry of their own (a copy of the session model plus small versions)."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from flask import Flask

from service import db, store
from tests.conftest import DATA_DIR

GATE_LIMIT = "200"  # rows per test set for gate figures: seconds, and still far apart


@pytest.fixture(scope="session")
def model_dir(model_dir: tuple[Path, str], tmp_path_factory) -> tuple[Path, str]:
    """The session model, copied so the versions these tests add do not reach other tests."""
    root, version = model_dir
    copy = tmp_path_factory.mktemp("ops-models")
    shutil.copytree(root / version, copy / version)
    return copy, version


@pytest.fixture(scope="session")
def tiny_version(model_dir: tuple[Path, str]) -> str:
    """A deliberately worse version: trained on 30 rows per source."""
    from models.registry import Registry
    from models.training import train

    return Registry(model_dir[0]).save(train(DATA_DIR, max_rows_per_source=30, seed=0))


def add_comment(app: Flask, site_id: str, text: str, external_id: str) -> str:
    fields = {
        "external_id": external_id,
        "text": text,
        "article_id": "a1",
        "author_id": "u1",
    }
    with app.extensions["db_engine"].begin() as conn:
        row, _ = store.insert_comment(conn, site_id, fields)
    return row["id"]


def moderate(
    app: Flask,
    site_id: str,
    decisions: list[tuple[str, str, str | None]],
    moderator: str = "mod@example.org",
) -> list[str]:
    """Store comments with a moderator's (text, action, guideline) on each; their ids.

    Moderator decisions are what the moderator UI (issue 5) stores through
    store.record_moderator_decision; until its endpoints land, tests make them here.
    """
    ids = []
    for text, action, guideline in decisions:
        comment_id = add_comment(app, site_id, text, f"mod-{uuid.uuid4().hex}")
        with app.extensions["db_engine"].begin() as conn:
            store.record_moderator_decision(
                conn, comment_id, action=action, moderator=moderator, guideline=guideline
            )
        ids.append(comment_id)
    return ids


def decisions_of(app: Flask, comment_id: str, kind: str) -> list[dict]:
    import sqlalchemy as sa

    with app.extensions["db_engine"].connect() as conn:
        rows = conn.execute(
            sa.select(db.decisions)
            .where(db.decisions.c.comment_id == comment_id, db.decisions.c.kind == kind)
            .order_by(db.decisions.c.id)
        )
        return [dict(r._mapping) for r in rows]

"""The batch path: posting many comments, counting decisions, a rule finder that breaks."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Flask

from models.rules import find_rules
from service.storage import db
from tests.helpers.apps import make_site
from tests.helpers.comments import ABUSIVE, comment_body, post


def machine_decisions(app: Flask) -> dict[str, int]:
    with app.extensions["db_engine"].connect() as conn:
        rows = conn.execute(
            sa.select(db.decisions.c.comment_id, sa.func.count())
            .where(db.decisions.c.kind == "machine")
            .group_by(db.decisions.c.comment_id)
        )
        return dict(rows.all())


def post_many(app: Flask, n: int) -> list[str]:
    client = app.test_client()
    _, key = make_site(app)
    return [post(client, key, comment_body(f"c{i}", ABUSIVE)).json["id"] for i in range(n)]


# Backtracking that takes seconds on any machine (about 8 s here): the scoring stall of issue 16
# without depending on a rule that is still slow.
RUNAWAY = re.compile(r"(a+)+b")


def poisoned(text: str, *args, **kwargs):
    if "POISON" in text:
        raise ValueError("a rule broke on this text")
    if "STALL" in text:
        RUNAWAY.search("a" * 26)
    return find_rules(text, *args, **kwargs)

"""Transactions are atomic on both databases: a savepoint's work goes when its outer
transaction rolls back, and the autocommit engine still commits each statement on its own."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from models.policy import Policy, Threshold
from service.storage import db, policies


class Boom(Exception):
    pass


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tx.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = db.make_engine(url)
    db.create_schema(engine)
    yield engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            names = ", ".join(t.name for t in db.metadata.sorted_tables)
            conn.execute(sa.text(f"TRUNCATE {names} CASCADE"))
    engine.dispose()


def _state(engine: sa.Engine, key: str) -> str | None:
    with engine.connect() as conn:
        return db.get_state(conn, key)


def _add_site(engine: sa.Engine, site_id: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            db.sites.insert().values(
                id=site_id,
                name="Example",
                key_hash=site_id.ljust(64, "0"),
                key_prefix="k",
                created_at=db.utcnow(),
            )
        )


def test_a_savepoints_write_is_rolled_back_with_its_outer_transaction(engine) -> None:
    with pytest.raises(Boom), engine.begin() as conn:
        # A read first: on SQLite's legacy transaction handling no BEGIN had been sent yet.
        db.get_state(conn, "nested")
        with conn.begin_nested():
            db.set_state(conn, "nested", "written")
        raise Boom
    assert _state(engine, "nested") is None


def test_a_rolled_back_savepoint_keeps_the_outer_transactions_work(engine) -> None:
    with engine.begin() as conn:
        db.set_state(conn, "outer", "kept")
        with pytest.raises(Boom), conn.begin_nested():
            db.set_state(conn, "inner", "undone")
            raise Boom
    assert _state(engine, "outer") == "kept"
    assert _state(engine, "inner") is None


def test_set_policy_stores_nothing_when_its_caller_rolls_back(engine) -> None:
    _add_site(engine, "site-a")
    stricter = dataclasses.replace(
        Policy(), thresholds={**Policy().thresholds, "spam": Threshold(hold=0.3, reject=0.8)}
    )
    with pytest.raises(Boom), engine.begin() as conn:
        _, changed = policies.set_policy(conn, "site-a", stricter, created_by="test")
        assert changed
        raise Boom
    with engine.connect() as conn:
        assert policies.current_version_number(conn, "site-a") == 0
        assert [v["version"] for v in policies.list_versions(conn, "site-a")] == [0]


def test_the_autocommit_engine_commits_each_statement_and_leaves_the_pool_transactional(
    engine,
) -> None:
    app = Flask(__name__)
    app.extensions["db_engine"] = engine
    # No commit: in autocommit mode the statement is committed as it runs.
    with app.app_context(), db.autocommit_engine().connect() as conn:
        db.set_state(conn, "auto", "committed")
    assert _state(engine, "auto") == "committed"
    # The same pooled connections, back in ordinary use, are still transactional.
    test_a_savepoints_write_is_rolled_back_with_its_outer_transaction(engine)


def test_a_transaction_that_read_before_another_connections_write_can_still_write(
    engine,
) -> None:
    """SQLite: reads before the first write hold no snapshot, so no "database is locked"."""
    with engine.begin() as conn:
        db.get_state(conn, "mine")
        with engine.connect() as other:
            db.set_state(other, "theirs", "first")
            other.commit()
        db.set_state(conn, "mine", "second")
    assert _state(engine, "theirs") == "first" and _state(engine, "mine") == "second"

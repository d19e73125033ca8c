"""A database made by a version before comment lifecycles still starts, and gains the columns."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from service.storage import db, lifecycle, store
from tests.helpers.apps import fresh_postgres_database

# What the lifecycle work added to tables that existed before it.
ADDED = {("comments", "revision"), ("comments", "text_state"), ("comments", "erased_at")}
ADDED |= {("decisions", "revision")}
NEW_TABLES = {lifecycle.comment_revisions.name, lifecycle.erasure_jobs.name}


def old_metadata() -> sa.MetaData:
    old = sa.MetaData()
    for table in db.metadata.sorted_tables:
        if table.name in NEW_TABLES:
            continue
        columns = [
            sa.Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
            for c in table.columns
            if (table.name, c.name) not in ADDED
        ]
        sa.Table(table.name, old, *columns)
    return old


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    with fresh_postgres_database("moderation_upgrade") as url:
        yield url


def test_old_database_gains_the_new_columns_and_keeps_its_rows(old_database):
    engine = db.make_engine(old_database)
    old_metadata().create_all(engine)
    now = db.utcnow()
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO sites (id, name, key_hash, key_prefix, created_at) "
                "VALUES ('s1', 'Old', 'h', 'p', :now)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO comments (id, site_id, external_id, text, article_id, author_id,"
                " status, created_at, updated_at) VALUES ('cmt_old', 's1', 'x1', 'old text',"
                " 'a1', 'u1', 'approved', :now, :now)"
            ),
            {"now": now},
        )
    db.create_schema(engine)
    db.create_schema(engine)  # and again: nothing left to add, nothing fails
    inspector = sa.inspect(engine)
    for table, column in ADDED:
        assert column in {c["name"] for c in inspector.get_columns(table)}
    assert set(inspector.get_table_names()) >= NEW_TABLES
    with engine.begin() as conn:
        comment = store.get_comment(conn, "cmt_old")
        assert store.comment_view(conn, comment)["revision"] == 1
        edited = lifecycle.store_revision(conn, comment, "new text", {})
    assert edited["revision"] == 2
    engine.dispose()

"""The worker's view of an author's standing: one lookup, kept for a few seconds."""

from __future__ import annotations

import time
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from service.storage import authors, db
from tests.helpers.apps import make_site
from workers import author_context


def test_standing_is_read_again_only_after_the_cache_time(app: Flask) -> None:
    site, _ = make_site(app)
    engine = app.extensions["db_engine"]
    with engine.connect() as conn:
        assert author_context.standing_of(conn, site, "u-cache", 60) == ""
    with engine.begin() as conn:
        authors.set_standing(conn, site, "u-cache", "banned", by="test")
    with engine.connect() as conn:
        assert author_context.standing_of(conn, site, "u-cache", 60) == ""  # still cached
        assert author_context.standing_of(conn, site, "u-cache", 0) == "banned"  # read again
        assert author_context.standing_of(conn, site, "u-other", 60) == ""


def test_set_standing_replaces_and_logs(app: Flask) -> None:
    site, _ = make_site(app)
    with app.app_context(), db.engine().begin() as conn:
        authors.set_standing(conn, site, "u-1", "always_hold", by="alice", reason="first warning")
        authors.set_standing(conn, site, "u-1", "banned", by="bob")
        assert authors.get_standing(conn, site, "u-1")["standing"] == "banned"
        log = authors.standing_log(conn, site, "u-1")
    assert [(e["standing"], e["previous_standing"], e["by"]) for e in log] == [
        ("banned", "always_hold", "bob"),
        ("always_hold", None, "alice"),
    ]


def test_an_existing_database_gains_the_author_tables_and_the_thread_index(app: Flask) -> None:
    """A database made before these tables existed gets them (and the index) at the next start."""
    engine = app.extensions["db_engine"]
    with engine.begin() as conn:
        for table in ("author_notes", "author_log", "author_standings"):
            conn.execute(sa.text(f"DROP TABLE {table}"))
        conn.execute(sa.text("DROP INDEX ix_comments_site_parent"))
    db.create_schema(engine)
    inspector = sa.inspect(engine)
    assert {"author_notes", "author_log", "author_standings"} <= set(inspector.get_table_names())
    assert "ix_comments_site_parent" in {i["name"] for i in inspector.get_indexes("comments")}


def test_a_cached_suspension_ends_at_its_expiry(app: Flask) -> None:
    site, _ = make_site(app)
    engine = app.extensions["db_engine"]
    with engine.begin() as conn:
        authors.set_standing(
            conn, site, "u-susp", "banned", by="test", expires_at=db.utcnow() + timedelta(seconds=1)
        )
    with engine.connect() as conn:
        assert author_context.standing_of(conn, site, "u-susp", 60) == "banned"
        time.sleep(1.2)
        assert author_context.standing_of(conn, site, "u-susp", 60) == ""  # cached, but over


def test_a_batch_reads_its_authors_standings_in_one_query(app: Flask) -> None:
    """prefetch_standings reads every author of a batch at once (an expired suspension as
    none); standing_of then answers from what it read, without asking the database again."""
    site, _ = make_site(app)
    engine = app.extensions["db_engine"]
    past = db.utcnow() - timedelta(seconds=1)
    with engine.begin() as conn:
        authors.set_standing(conn, site, "u-pre-banned", "banned", by="test")
        authors.set_standing(conn, site, "u-pre-over", "banned", by="test", expires_at=past)
    batch = ["u-pre-banned", "u-pre-over", "u-pre-none", "u-pre-banned"]
    queries: list[str] = []
    with engine.connect() as conn:
        sa.event.listen(conn, "before_cursor_execute", lambda *a: queries.append(a[2]))
        author_context.prefetch_standings(conn, {site: batch}, 60)
        assert len(queries) == 1
        assert [author_context.standing_of(conn, site, a, 60) for a in batch] == [
            "banned",
            "",
            "",
            "banned",
        ]
    assert len(queries) == 1

"""The PostgreSQL pool pings only connections that sat idle, and replaces dead ones."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from service.storage import db


def _backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(postgres_url: str, pid: int) -> None:
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    admin.dispose()


def test_a_connection_killed_while_idle_is_replaced_without_an_error(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = db.make_engine(postgres_url)
    try:
        first = _backend_pid(engine)
        _terminate(postgres_url, first)
        # Idle longer than the threshold (here: any idle time counts), so checkout pings it.
        monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)
        second = _backend_pid(engine)
        assert second != first
    finally:
        engine.dispose()


def test_a_connection_back_in_use_at_once_is_not_pinged(postgres_url: str) -> None:
    engine = db.make_engine(postgres_url)
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    try:
        _backend_pid(engine)
        statements.clear()
        pings = []
        original = engine.dialect.do_ping
        engine.dialect.do_ping = lambda conn: pings.append(conn) or original(conn)
        _backend_pid(engine)  # checked in a moment ago: no ping round trip
        assert pings == []
        assert statements == ["SELECT pg_backend_pid()"]
    finally:
        engine.dispose()


def test_autocommit_connections_leave_no_transaction_to_commit(postgres_url: str) -> None:
    """The autocommit engine sends each statement on its own: no BEGIN, no COMMIT."""
    engine = db.make_engine(postgres_url)
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    try:
        with autocommit.connect() as conn:
            conn.execute(sa.text("CREATE TEMP TABLE t (x int)"))
            conn.execute(sa.text("INSERT INTO t VALUES (1)"))
            dbapi = conn.connection.dbapi_connection
            assert dbapi.info.transaction_status.name == "IDLE"  # nothing left to COMMIT
        # The pool hands the same connection back in its usual, transactional mode.
        with engine.connect() as conn:
            assert conn.connection.dbapi_connection.autocommit is False
    finally:
        engine.dispose()

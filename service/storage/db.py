"""Storage: the SQLAlchemy engine and the schema (SQLAlchemy Core tables, SQLite or PostgreSQL).

The database is the record of every comment and decision; Redis is only transport.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.engine import Engine

metadata = sa.MetaData()

sites = sa.Table(
    "sites",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    # sha256 of the key: keys are long random tokens, so a fast hash is safe and can be looked up.
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("key_prefix", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

comments = sa.Table(
    "comments",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), nullable=False),
    sa.Column("external_id", sa.String(200), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("article_id", sa.String(200), nullable=False),
    sa.Column("article_title", sa.Text),
    sa.Column("article_url", sa.Text),
    sa.Column("author_id", sa.String(200), nullable=False),
    sa.Column("author_name", sa.Text),
    sa.Column("parent_id", sa.String(200)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("decision_id", sa.Integer),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # Added after the first release (create_schema adds them to older databases, so each is
    # nullable): the current revision (NULL = 1, never edited); why `text` is empty (NULL = it
    # is stored; see service.storage.lifecycle); when the text was erased.
    sa.Column("revision", sa.Integer),
    sa.Column("text_state", sa.String(16)),
    sa.Column("erased_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("site_id", "external_id", name="uq_comments_site_external"),
    sa.Index("ix_comments_site_status_created", "site_id", "status", "created_at"),
    sa.Index("ix_comments_status_updated", "status", "updated_at"),
)

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "comment_id", sa.String(40), sa.ForeignKey("comments.id"), nullable=False, index=True
    ),
    # machine: the active model's decision; moderator: a person's; shadow: a candidate model's.
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("scores", sa.JSON),
    sa.Column("reasons", sa.JSON),
    sa.Column("model_version", sa.String(80)),
    sa.Column("policy_version", sa.Integer),
    sa.Column("moderator", sa.String(200)),
    sa.Column("note", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # "machine:<version>" makes a second machine decision by the same model impossible (jobs are
    # idempotent even when RQ or the sweeper runs one twice). NULL for people, who may decide again.
    sa.Column("dedupe_key", sa.String(120)),
    # The comment revision this decision judged (NULL = 1); added later, hence nullable.
    sa.Column("revision", sa.Integer),
    sa.UniqueConstraint("comment_id", "dedupe_key", name="uq_decisions_once"),
)

# Small key/value state shared by every process: e.g. which model version is active.
app_state = sa.Table(
    "app_state",
    metadata,
    sa.Column("key", sa.String(80), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes, which we stored as UTC; PostgreSQL aware ones."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def isoformat(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z."""
    if value is None:
        return None
    return aware(value).astimezone(UTC).isoformat().replace("+00:00", "Z")


def dialect_insert(conn: sa.Connection, table: sa.Table):
    """INSERT with ON CONFLICT support: both databases we run on have it, in their own dialect."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            # WAL lets the web and worker processes read while another writes.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @sa.event.listens_for(engine, "savepoint")
        def _sqlite_savepoint(conn: sa.Connection, _name: str) -> None:
            # pysqlite's legacy transaction handling sends BEGIN only before INSERT, UPDATE or
            # DELETE: a SAVEPOINT before the first of them ran outside any transaction, and its
            # RELEASE committed for good whatever the outer transaction did later. So BEGIN goes
            # first. Not SQLAlchemy's recipe (BEGIN at every transaction's start): with it a
            # transaction that reads, then writes, fails at once with "database is locked" when
            # another connection wrote in between, which legacy handling never does (the reads
            # hold no snapshot); docs/reliability.md has the figures. isolation_level None is
            # autocommit (autocommit_engine), where there is no transaction to begin.
            dbapi_conn = conn.connection.dbapi_connection
            if dbapi_conn.isolation_level is not None and not dbapi_conn.in_transaction:
                conn.exec_driver_sql("BEGIN")

        return engine
    engine = sa.create_engine(url, pool_size=5, max_overflow=10)
    _ping_idle_connections(engine)
    return engine


# A pooled connection back in use within this many seconds is taken to be alive: SQLAlchemy's
# pool_pre_ping would spend a round trip on every checkout, one of five on the comment POST.
# After a server restart the first use of a fresher connection fails once (a 503); the pool
# then drops every connection it held, so the next request connects anew.
PING_AFTER_IDLE_SECONDS = 2.0


def _ping_idle_connections(engine: Engine) -> None:
    @sa.event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn, record) -> None:
        record.info["checked_in_at"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn, record, _proxy) -> None:
        checked_in = record.info.get("checked_in_at")
        if checked_in is not None and time.monotonic() - checked_in < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            # The pool discards this connection and checks out another (or connects anew).
            raise sa.exc.DisconnectionError(type(exc).__name__) from exc


def autocommit_engine() -> Engine:
    """The engine with each statement its own transaction: no BEGIN and COMMIT round trips, for
    requests whose writes are single statements (the comment POST)."""
    base = engine()
    # Derived once per engine (tests swap the engine to simulate an outage); shares its pool.
    cached = current_app.extensions.get("db_autocommit")
    if cached is None or cached[0] is not base:
        cached = (base, base.execution_options(isolation_level="AUTOCOMMIT"))
        current_app.extensions["db_autocommit"] = cached
    return cached[1]


# pg_advisory_lock key for schema creation (any constant that no other lock of ours uses).
_SCHEMA_LOCK = 0x6D6F6465


def create_schema(engine: Engine) -> None:
    """Create missing tables and indexes; safe to run any number of times, in any number of
    processes at once (web and workers start together: each checks, then creates)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": _SCHEMA_LOCK})
            try:
                _create_missing(conn)
                conn.commit()
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": _SCHEMA_LOCK})
                conn.commit()
        return
    for attempt in range(20):
        try:
            _create_missing(engine)
            return
        except sa.exc.OperationalError as exc:
            # SQLite: another process created a table between our check and our CREATE, or
            # holds the write lock (a lock upgrade fails at once, not after the busy timeout).
            transient = any(
                sign in str(exc)
                for sign in ("already exists", "database is locked", "duplicate column")
            )
            if not transient or attempt == 19:
                raise
            time.sleep(0.05)


def _create_missing(bind: Engine | sa.Connection) -> None:
    metadata.create_all(bind, checkfirst=True)
    _add_missing_columns(bind)
    # create_all skips the indexes of tables that already exist; a later part may add one.
    for table in metadata.sorted_tables:
        for index in table.indexes:
            index.create(bind, checkfirst=True)


def _add_missing_columns(bind: Engine | sa.Connection) -> None:
    """ALTER TABLE ... ADD COLUMN for columns a later version added to an existing table.

    The only schema change this project makes to existing tables: a new column must be nullable
    with no default, so adding it rewrites nothing and old rows read as "not set".
    """
    inspector = sa.inspect(bind)
    existing_tables = set(inspector.get_table_names())
    for table in metadata.sorted_tables:
        if table.name not in existing_tables:
            continue
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            if not column.nullable or column.server_default is not None:
                raise RuntimeError(f"{table.name}.{column.name} must be nullable to be added")
            _add_column(bind, table, column)


def _add_column(bind: Engine | sa.Connection, table: sa.Table, column: sa.Column) -> None:
    preparer = bind.dialect.identifier_preparer
    statement = sa.text(
        f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN "
        f"{preparer.format_column(column)} {column.type.compile(dialect=bind.dialect)}"
    )
    if isinstance(bind, sa.Connection):
        bind.execute(statement)
    else:
        with bind.begin() as conn:
            conn.execute(statement)


def init_app(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    app.extensions["db_engine"] = engine
    create_schema(engine)


def engine() -> Engine:
    return current_app.extensions["db_engine"]


def get_state(conn: sa.Connection, key: str) -> str | None:
    return conn.execute(sa.select(app_state.c.value).where(app_state.c.key == key)).scalar()


def set_state(conn: sa.Connection, key: str, value: str) -> None:
    updated = conn.execute(
        app_state.update().where(app_state.c.key == key).values(value=value, updated_at=utcnow())
    )
    if updated.rowcount == 0:
        conn.execute(app_state.insert().values(key=key, value=value, updated_at=utcnow()))


# Tables of other parts register on `metadata` when imported (kept last: they import this module).
from service.storage import (  # noqa: E402, F401
    appeals,
    authors,
    credentials,
    integrations,
    lifecycle,
    moderation,
    policies,
    site_settings,
)

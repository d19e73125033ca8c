"""Which model version is active: kept in the database so every web and worker process agrees."""

from __future__ import annotations

import json

import sqlalchemy as sa

from service.storage import db

# The sha256 of each version's artifact, recorded when the version is registered (trained) or
# first activated. The sidecar's checksum lives beside the file it guards, so whoever can replace
# the file can replace both; workers check the file against this row instead.
model_artifacts = sa.Table(
    "model_artifacts",
    db.metadata,
    sa.Column("version", sa.String(80), primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
)


def artifact_digest(conn: sa.Connection, version: str) -> str | None:
    """The artifact sha256 recorded for VERSION, None for a version never registered here."""
    return conn.execute(
        sa.select(model_artifacts.c.sha256).where(model_artifacts.c.version == version)
    ).scalar()


def record_digest(conn: sa.Connection, version: str, digest: str) -> str:
    """Record VERSION's artifact digest unless one is recorded already; the recorded one.

    Never overwritten: a changed artifact must not be able to re-register itself.
    """
    insert = db.dialect_insert(conn, model_artifacts).values(
        version=version, sha256=digest, recorded_at=db.utcnow()
    )
    conn.execute(insert.on_conflict_do_nothing(index_elements=["version"]))
    return artifact_digest(conn, version) or digest


ACTIVE_KEY = "active_model"
# What every "no active model" message says, so each names the commands that fix it.
NO_ACTIVE_MODEL = (
    "no active model: train one with `flask --app service models train` (the first version "
    "trained becomes active), or activate a trained one with `flask --app service models "
    "activate VERSION` (see `models list`)"
)
HISTORY_KEY = "active_model_history"


def active_version(conn: sa.Connection) -> str | None:
    return db.get_state(conn, ACTIVE_KEY)


def activation_history(conn: sa.Connection) -> list[str]:
    """Versions that were active before the current one, most recent last."""
    raw = db.get_state(conn, HISTORY_KEY)
    return json.loads(raw) if raw else []


# pg_advisory_xact_lock key for changes of the active version (held until the transaction ends).
_ACTIVATION_LOCK = 0x6D6F6461


def _serialise(conn: sa.Connection) -> None:
    """Promote and rollback read the history, then write it back: two at once on PostgreSQL
    would lose one entry. SQLite already lets one writer through at a time."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ACTIVATION_LOCK})


def activate(conn: sa.Connection, version: str) -> None:
    _serialise(conn)
    current = active_version(conn)
    if current == version:
        return
    if current is not None:
        history = activation_history(conn)
        history.append(current)
        db.set_state(conn, HISTORY_KEY, json.dumps(history[-50:]))
    db.set_state(conn, ACTIVE_KEY, version)


def activate_first(conn: sa.Connection, version: str) -> bool:
    """Make VERSION active if no version is (a fresh install's first model); True if it did.

    Later versions stay inactive until promoted: the gate compares them with the active one.
    """
    _serialise(conn)
    if active_version(conn) is not None:
        return False
    db.set_state(conn, ACTIVE_KEY, version)
    return True


SHADOW_KEY = "shadow_model"


def rollback(conn: sa.Connection) -> tuple[str, str]:
    """Make the previously active version active again; (from, to). Raises LookupError if none."""
    _serialise(conn)
    current = active_version(conn)
    history = activation_history(conn)
    if current is None or not history:
        raise LookupError("no previous active version to roll back to")
    previous = history.pop()
    # Not pushed onto the history: rolling back twice goes two steps back, not to and fro.
    db.set_state(conn, HISTORY_KEY, json.dumps(history))
    db.set_state(conn, ACTIVE_KEY, previous)
    return current, previous


def shadow_version(conn: sa.Connection) -> str | None:
    value = db.get_state(conn, SHADOW_KEY)
    return value or None


def set_shadow(conn: sa.Connection, version: str | None) -> None:
    """Workers also score live comments with this version (None: no shadow)."""
    db.set_state(conn, SHADOW_KEY, version or "")

"""Which model version is active: kept in the database so every web and worker process agrees."""

from __future__ import annotations

import json

import sqlalchemy as sa

from service import db

ACTIVE_KEY = "active_model"
HISTORY_KEY = "active_model_history"


def active_version(conn: sa.Connection) -> str | None:
    return db.get_state(conn, ACTIVE_KEY)


def activation_history(conn: sa.Connection) -> list[str]:
    """Versions that were active before the current one, most recent last."""
    raw = db.get_state(conn, HISTORY_KEY)
    return json.loads(raw) if raw else []


def activate(conn: sa.Connection, version: str) -> None:
    current = active_version(conn)
    if current == version:
        return
    if current is not None:
        history = activation_history(conn)
        history.append(current)
        db.set_state(conn, HISTORY_KEY, json.dumps(history[-50:]))
    db.set_state(conn, ACTIVE_KEY, version)

"""Texts that leave marks to look for, and the search for any left in the database."""

from __future__ import annotations

import json

import sqlalchemy as sa

from service.storage import db

# Unusual words, so finding one anywhere can only mean a copy of this comment.
SECRET_TEXT = "Zorblax quintessential https://zorblax.example/x contact me at zorblax@example.org"
SECRET_NAME = "Quibbleton Frimp"
SECRET_TITLE = "Vexillarian Budget Frolic"
MARKERS = ("zorblax", "quibbleton", "vexillarian", "555-0199")


def body(external_id: str, author: str = "u-erase", text: str = SECRET_TEXT) -> dict:
    return {
        "id": external_id,
        "text": text,
        "article": {"id": "a-1", "title": SECRET_TITLE, "url": "https://news.example/a-1"},
        "author": {"id": author, "name": SECRET_NAME},
    }


def text_left(engine: sa.Engine) -> list[tuple[str, str]]:
    """(table.column, value) of every text or JSON value in the database that holds a marker."""
    found = []
    with engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            columns = [
                c for c in table.columns if isinstance(c.type, sa.String | sa.Text | sa.JSON)
            ]
            if not columns:
                continue
            for row in conn.execute(sa.select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    rendered = value if isinstance(value, str) else json.dumps(value)
                    if any(marker in (rendered or "").lower() for marker in MARKERS):
                        found.append((f"{table.name}.{column.name}", rendered))
    return found

"""Many new comments of one site in one statement (the batch endpoint and the archive import)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from service.storage import db, store


def insert_new(
    conn: sa.Connection, site_id: str, items: Sequence[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Store these comments (distinct external ids) as pending in one multi-row INSERT;
    {external id: row} of those stored now. An id the site already has is left as it is
    (ON CONFLICT DO NOTHING), as the single POST does."""
    if not items:
        return {}
    now = db.utcnow()
    rows = [store.new_comment_row(site_id, fields, now) for fields in items]
    # An executemany binds the columns of its first row to every row: each row gets them all
    # (one posted with store_text false has a text_state the others lack).
    columns = {name for row in rows for name in row}
    rows = [{name: row.get(name) for name in columns} for row in rows]
    statement = (
        db.dialect_insert(conn, db.comments)
        .on_conflict_do_nothing(index_elements=["site_id", "external_id"])
        .returning(db.comments.c.external_id)
    )
    # SQLAlchemy sends an executemany with RETURNING as multi-row VALUES pages (1,000 rows a
    # statement), so 500 comments are one round trip rather than 500.
    created = {row.external_id for row in conn.execute(statement, rows)}
    return {row["external_id"]: row for row in rows if row["external_id"] in created}


def stored_by_external_id(
    conn: sa.Connection, site_id: str, external_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """The site's stored comments among these ids, in one query (chunks of 500)."""
    found: dict[str, dict[str, Any]] = {}
    ids = list(external_ids)
    for start in range(0, len(ids), 500):
        rows = conn.execute(
            sa.select(db.comments).where(
                db.comments.c.site_id == site_id,
                db.comments.c.external_id.in_(ids[start : start + 500]),
            )
        )
        found.update({row.external_id: dict(row._mapping) for row in rows})
    return found

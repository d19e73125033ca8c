"""The thread around a queued comment: its parent, and the replies to it already decided.

Replies name their parent by the site's own id (`parent_id` holds the external id the API
received), so both lookups go by (site, external id) — a page of the queue costs two queries.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.moderation import wording
from service.storage import db

MAX_REPLIES = 20  # per comment; a long thread is read on the site itself
DECIDED = ("approved", "rejected")

Key = tuple[str, str]  # (site id, external id)


def context(conn: sa.Connection, rows: list[dict]) -> tuple[dict[Key, dict], dict[Key, list[dict]]]:
    """({(site, external id): parent}, {(site, external id): decided replies, oldest first})."""
    site_ids = {r["site_id"] for r in rows}
    if not rows:
        return {}, {}
    c = db.comments.c
    shown = (c.site_id, c.external_id, c.parent_id, c.author_name, c.author_id, c.status)
    shown += (c.text, c.text_state, c.erased_at)  # what wording.text_shown needs
    parents: dict[Key, dict] = {}
    wanted = {r["parent_id"] for r in rows if r["parent_id"]}
    if wanted:
        query = sa.select(*shown, c.created_at).where(
            c.external_id.in_(wanted), c.site_id.in_(site_ids)
        )
        parents = {(p.site_id, p.external_id): _view(p) for p in conn.execute(query)}
    replies: dict[Key, list[dict]] = {}
    query = (
        sa.select(*shown, c.created_at)
        .where(
            c.parent_id.in_({r["external_id"] for r in rows}),
            c.site_id.in_(site_ids),
            c.status.in_(DECIDED),
        )
        .order_by(c.created_at, c.id)
    )
    for reply in conn.execute(query):
        bucket = replies.setdefault((reply.site_id, reply.parent_id), [])
        if len(bucket) < MAX_REPLIES:
            bucket.append(_view(reply))
    return parents, replies


def _view(row: Any) -> dict[str, Any]:
    return {
        "text": wording.text_shown(row._mapping),
        "author": row.author_name or row.author_id,
        "status": row.status,
        "at": db.isoformat(row.created_at),
    }

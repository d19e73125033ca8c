"""Per-site author records: moderators' standings (trusted / always hold / banned), notes, audit.

A standing is one row per (site, author), found by its primary key: the worker reads it for every
comment, so it must stay one indexed lookup. Every change also adds a row to `author_log`, which
is never updated, so "who banned this reader, when and why" survives a later unban.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from service.storage import db

STANDINGS = ("trusted", "always_hold", "banned")
MAX_REASON_CHARS = 1000
MAX_NOTE_CHARS = 4000

author_standings = sa.Table(
    "author_standings",
    db.metadata,
    sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), primary_key=True),
    sa.Column("author_id", sa.String(200), primary_key=True),
    sa.Column("standing", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("expires_at", sa.DateTime(timezone=True)),  # None: until changed (a suspension ends)
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

author_log = sa.Table(
    "author_log",
    db.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("site_id", sa.String(40), nullable=False),
    sa.Column("author_id", sa.String(200), nullable=False),
    sa.Column("standing", sa.String(16)),  # None: the standing was cleared
    sa.Column("previous_standing", sa.String(16)),
    sa.Column("reason", sa.Text),
    sa.Column("expires_at", sa.DateTime(timezone=True)),
    sa.Column("by", sa.String(200), nullable=False),  # a moderator's name, or "site API"
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_author_log_site_author", "site_id", "author_id", "id"),
)

author_notes = sa.Table(
    "author_notes",
    db.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), nullable=False),
    sa.Column("author_id", sa.String(200), nullable=False),
    sa.Column("moderator", sa.String(200), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_author_notes_site_author", "site_id", "author_id", "id"),
)

# The author panel's queries use ix_comments_site_author_created (service.storage.policies).
# The thread view finds a comment's replies by the parent's id as the site sent it (existing
# databases get the index at the next start).
sa.Index("ix_comments_site_parent", db.comments.c.site_id, db.comments.c.parent_id)


def get_standing(conn: sa.Connection, site_id: str, author_id: str) -> dict[str, Any] | None:
    """The author's standing if one is set and not expired; None otherwise."""
    t = author_standings.c
    row = conn.execute(
        sa.select(author_standings).where(t.site_id == site_id, t.author_id == author_id)
    ).first()
    if row is None:
        return None
    found = dict(row._mapping)
    found["expires_at"] = db.aware(found["expires_at"])
    if found["expires_at"] is not None and found["expires_at"] <= db.utcnow():
        return None
    return found


def get_standings(
    conn: sa.Connection, site_id: str, author_ids: list[str]
) -> dict[str, dict[str, Any]]:
    """get_standing for many authors of one site in one query: {author id: standing} for those
    with one set and not expired."""
    t = author_standings.c
    found: dict[str, dict[str, Any]] = {}
    if not author_ids:
        return found
    rows = conn.execute(
        sa.select(author_standings).where(t.site_id == site_id, t.author_id.in_(author_ids))
    )
    now = db.utcnow()
    for row in rows:
        standing = dict(row._mapping)
        standing["expires_at"] = db.aware(standing["expires_at"])
        if standing["expires_at"] is None or standing["expires_at"] > now:
            found[standing["author_id"]] = standing
    return found


def set_standing(
    conn: sa.Connection,
    site_id: str,
    author_id: str,
    standing: str | None,
    *,
    by: str,
    reason: str | None = None,
    expires_at: datetime | None = None,
) -> None:
    """Set (or with None clear) the standing and log the change."""
    if standing is not None and standing not in STANDINGS:
        raise ValueError(f"standing must be one of {STANDINGS} or None")
    previous = get_standing(conn, site_id, author_id)
    now = db.utcnow()
    t = author_standings.c
    conn.execute(author_standings.delete().where(t.site_id == site_id, t.author_id == author_id))
    if standing is not None:
        conn.execute(
            author_standings.insert().values(
                site_id=site_id,
                author_id=author_id,
                standing=standing,
                reason=reason,
                expires_at=expires_at,
                updated_by=by,
                updated_at=now,
            )
        )
    conn.execute(
        author_log.insert().values(
            site_id=site_id,
            author_id=author_id,
            standing=standing,
            previous_standing=previous["standing"] if previous else None,
            reason=reason,
            expires_at=expires_at,
            by=by,
            created_at=now,
        )
    )


def standing_log(conn: sa.Connection, site_id: str, author_id: str, limit: int = 50) -> list[dict]:
    return _latest(conn, author_log, site_id, author_id, limit)


def add_note(conn: sa.Connection, site_id: str, author_id: str, moderator: str, text: str) -> int:
    return conn.execute(
        author_notes.insert()
        .values(
            site_id=site_id,
            author_id=author_id,
            moderator=moderator,
            text=text,
            created_at=db.utcnow(),
        )
        .returning(author_notes.c.id)
    ).scalar_one()


def notes(conn: sa.Connection, site_id: str, author_id: str, limit: int = 100) -> list[dict]:
    return _latest(conn, author_notes, site_id, author_id, limit)


def _latest(
    conn: sa.Connection, table: sa.Table, site_id: str, author_id: str, limit: int
) -> list[dict]:
    """An author's rows of a log-like table, newest first."""
    t = table.c
    rows = conn.execute(
        sa.select(table)
        .where(t.site_id == site_id, t.author_id == author_id)
        .order_by(t.id.desc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


def comment_counts(conn: sa.Connection, site_id: str, author_id: str) -> dict[str, Any]:
    """Counts by status and the first time the author was seen on the site."""
    c = db.comments.c
    counts = {"approved": 0, "held": 0, "rejected": 0, "pending": 0}
    first_seen = None
    rows = conn.execute(
        sa.select(c.status, sa.func.count(), sa.func.min(c.created_at))
        .where(c.site_id == site_id, c.author_id == author_id)
        .group_by(c.status)
    )
    for status, count, first in rows:
        counts[status] = int(count)
        first = db.aware(first)
        if first is not None and (first_seen is None or first < first_seen):
            first_seen = first
    return {"comments": counts, "first_seen": first_seen}


def standing_view(standing: dict[str, Any] | None) -> dict[str, Any]:
    """The standing as the site API and the webhook show it."""
    if standing is None:
        return {"standing": None, "reason": None, "expires_at": None, "updated_by": None}
    return {
        "standing": standing["standing"],
        "reason": standing["reason"],
        "expires_at": db.isoformat(standing["expires_at"]),
        "updated_by": standing["updated_by"],
        "updated_at": db.isoformat(standing["updated_at"]),
    }


def author_view(conn: sa.Connection, site_id: str, author_id: str) -> dict[str, Any]:
    """What the site API and the `author.updated` webhook say about an author."""
    found = comment_counts(conn, site_id, author_id)
    return {
        "id": author_id,
        **standing_view(get_standing(conn, site_id, author_id)),
        "comments": found["comments"],
        "first_seen": db.isoformat(found["first_seen"]),
    }

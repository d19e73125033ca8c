"""What the author panel shows: the author's comments on one site, counts, reports, notes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.moderation import wording
from service.storage import authors, db
from service.storage.moderation import reports

RECENT_COMMENTS = 50
RECENT_REPORTS = 10


def panel(conn: sa.Connection, site_id: str, author_id: str) -> dict[str, Any]:
    c, d = db.comments, db.decisions
    rows = conn.execute(
        sa.select(
            c.c.id,
            c.c.text,
            c.c.text_state,
            c.c.erased_at,
            c.c.status,
            c.c.author_name,
            c.c.article_title,
            c.c.article_id,
            c.c.created_at,
            d.c.kind,
            d.c.action,
            d.c.moderator,
            d.c.reasons,
        )
        .select_from(c.outerjoin(d, c.c.decision_id == d.c.id))
        .where(c.c.site_id == site_id, c.c.author_id == author_id)
        .order_by(c.c.created_at.desc(), c.c.id.desc())
        .limit(RECENT_COMMENTS)
    )
    comments = [_comment(dict(r._mapping)) for r in rows]
    counted = authors.comment_counts(conn, site_id, author_id)
    report_rows = conn.execute(
        sa.select(reports.c.reason, reports.c.created_at, reports.c.comment_id)
        .select_from(reports.join(c, c.c.id == reports.c.comment_id))
        .where(c.c.site_id == site_id, c.c.author_id == author_id)
        .order_by(reports.c.id.desc())
    ).all()
    return {
        "site_id": site_id,
        "author_id": author_id,
        "name": next((x["author_name"] for x in comments if x["author_name"]), None) or author_id,
        "comments": comments,
        "counts": counted["comments"],
        "first_seen": db.isoformat(counted["first_seen"]),
        "reports": len(report_rows),
        "recent_reports": [
            {"reason": r.reason, "at": db.isoformat(r.created_at), "comment_id": r.comment_id}
            for r in report_rows[:RECENT_REPORTS]
        ],
        "standing": authors.get_standing(conn, site_id, author_id),
        "standing_log": [
            {**e, "at": db.isoformat(e["created_at"])}
            for e in authors.standing_log(conn, site_id, author_id, limit=20)
        ],
        "notes": [
            {**n, "at": db.isoformat(n["created_at"])}
            for n in authors.notes(conn, site_id, author_id)
        ],
    }


def _comment(row: dict[str, Any]) -> dict[str, Any]:
    reasons = [r for r in row.pop("reasons") or [] if isinstance(r, dict)]
    guideline = next((r.get("guideline") for r in reasons if r.get("guideline")), None)
    who = row["moderator"] if row["kind"] == "moderator" else "machine" if row["kind"] else None
    return {
        **row,
        "text": wording.text_shown(row),
        "at": db.isoformat(row["created_at"]),
        "decided_by": who,
        "guideline": guideline,
    }

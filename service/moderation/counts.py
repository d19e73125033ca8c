"""What the navigation and the article filter count: held and reported comments per moderator."""

from __future__ import annotations

import sqlalchemy as sa

from service.storage import db, lifecycle
from service.storage.appeals import appeals
from service.storage.moderation import reports

MAX_ARTICLES = 100  # in the article filter; the busiest stories first


def queue_counts(conn: sa.Connection, site_ids: list[str]) -> dict[str, int]:
    """{"held": n, "reported": n, "appeals": n} over these sites (the ones the moderator may
    see); erased comments are in no queue."""
    if not site_ids:
        return {"held": 0, "reported": 0, "appeals": 0}
    c = db.comments
    visible = sa.and_(c.c.site_id.in_(site_ids), lifecycle.not_erased())
    held = conn.execute(
        sa.select(sa.func.count()).where(visible, c.c.status == "held")
    ).scalar_one()
    # The same rule as the reported view: published comments with an open report, each once.
    open_ = sa.select(reports.c.comment_id).where(
        reports.c.site_id.in_(site_ids), reports.c.resolved_decision_id.is_(None)
    )
    reported = conn.execute(
        sa.select(sa.func.count()).where(visible, c.c.status == "approved", c.c.id.in_(open_))
    ).scalar_one()
    # The same rule as the appeals view: rejected comments with an open appeal.
    appealed = sa.select(appeals.c.comment_id).where(
        appeals.c.site_id.in_(site_ids), appeals.c.status == "open"
    )
    appealing = conn.execute(
        sa.select(sa.func.count()).where(visible, c.c.status == "rejected", c.c.id.in_(appealed))
    ).scalar_one()
    return {"held": int(held), "reported": int(reported), "appeals": int(appealing)}


def held_articles(conn: sa.Connection, site_ids: list[str]) -> list[dict]:
    """Articles with held comments: id, title and how many are held, busiest first."""
    if not site_ids:
        return []
    c = db.comments
    n = sa.func.count().label("held")
    rows = conn.execute(
        sa.select(c.c.article_id, sa.func.max(c.c.article_title).label("title"), n)
        .where(c.c.site_id.in_(site_ids), c.c.status == "held", lifecycle.not_erased())
        .group_by(c.c.article_id)
        .order_by(n.desc(), c.c.article_id)
        .limit(MAX_ARTICLES)
    )
    return [
        {"id": r.article_id, "title": r.title or r.article_id, "held": int(r.held)} for r in rows
    ]

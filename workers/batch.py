"""The batch path: one drain job scores many pending comments with few round trips.

The API pushes comment ids onto a Redis list and enqueues a drain job only when none is waiting
(service.queueing). A drain job pops up to DRAIN_BATCH_SIZE ids, hands the rest to another drain
job at once (so every worker process can score in parallel), scores the popped comments with the
classifier's batch path, stores every decision in one transaction, then wakes all waiters in one
pipeline. Exactly-once per model version is still the decisions table's unique constraint; ids
lost between the pop and the commit (a killed worker, a Redis restart) are the sweeper's.
"""

from __future__ import annotations

import contextlib
import logging
import time

from redis.client import Pipeline
from redis.exceptions import RedisError
from rq import Queue

from service.ops import metrics
from service.storage import store
from service.transport import broker, queueing
from workers import jobs, runtime

log = logging.getLogger(__name__)


def stats_key(queue_name: str) -> str:
    """A Redis hash of counters the bench reads: comments, batches, wall and models seconds."""
    return f"moderation:{queue_name}:drain-stats"


def drain_pending() -> int:
    """RQ job: decide the next batch of pending comment ids; returns how many were decided."""
    rt = runtime.current()
    queue = Queue(rt.config["QUEUE_NAME"], connection=rt.redis)
    pending = broker.pending_key(queue.name)
    pipe = rt.redis.pipeline(transaction=True)
    # This job has started: from now on an arrival must enqueue a drain job of its own.
    pipe.delete(broker.drain_guard_key(queue.name))
    pipe.lpop(pending, int(rt.config["DRAIN_BATCH_SIZE"]))
    pipe.llen(pending)
    _, popped, remaining = pipe.execute()
    if remaining:
        queueing.schedule_drain(rt.redis, queue)
    ids = [raw.decode() if isinstance(raw, bytes) else raw for raw in popped or []]
    return score_batch(rt, ids, queue.name) if ids else 0


def score_batch(rt: runtime.Runtime, comment_ids: list[str], queue_name: str) -> int:
    """Decide these comments (those still pending) in one transaction; returns how many."""
    started, cpu_started = time.perf_counter(), time.process_time()
    models_before, models_cpu_before = rt.models_seconds, rt.models_cpu_seconds
    with rt.engine.connect() as conn:
        rows = store.pending_comments(conn, comment_ids)
    comments = [jobs.PendingComment.from_row(row) for row in rows]
    decided: list[tuple[jobs.PendingComment, int | None]] = []
    if comments:
        version, classifier = rt.models.get()
        scoring_started, scoring_cpu = time.perf_counter(), time.process_time()
        all_scores = classifier.score([comment.text for comment in comments])
        rt.models_seconds += time.perf_counter() - scoring_started
        rt.models_cpu_seconds += time.process_time() - scoring_cpu
        with rt.engine.begin() as conn:
            jobs.prefetch_repeats(rt, conn, comments)
            statuses: dict[str, str] = {}  # statuses this batch gave, for author history
            outcomes = [
                {"comment_id": comment.id, **vars(outcome)}
                for comment, scores in zip(comments, all_scores, strict=True)
                for outcome in [
                    jobs.decide_one(rt, conn, comment, classifier, scores=scores, decided=statuses)
                ]
            ]
            stored = store.record_machine_decisions(conn, version, outcomes)
        decided = [(comment, stored.get(comment.id)) for comment in comments]
        # The batch shares one scoring call: each comment is counted at the batch's average.
        each = (rt.models_seconds - models_before) / len(comments)
        metrics.observe_scoring_batch(rt.redis, "queued", [each] * len(comments))
    n = sum(1 for _, decision_id in decided if decision_id is not None)
    try:
        # Ids that were no longer pending were decided already; their waiters are woken too.
        jobs.signal_decided(rt, comment_ids)
    except RedisError as exc:
        # The decisions are committed; a waiting request just answers 202 pending instead.
        log.warning("could not signal %d decisions: %s", len(comment_ids), exc)
    jobs.after_commit_many(rt, decided)
    # Counted last, so the worker's time beyond the models includes announcing the decisions.
    pipe = rt.redis.pipeline(transaction=False)
    _count(
        pipe,
        queue_name,
        n,
        wall=time.perf_counter() - started,
        models=rt.models_seconds - models_before,
        cpu=time.process_time() - cpu_started,
        models_cpu=rt.models_cpu_seconds - models_cpu_before,
    )
    with contextlib.suppress(RedisError):  # the bench's counters never fail a batch
        pipe.execute()
    return n


def _count(pipe: Pipeline, queue_name: str, n: int, **seconds: float) -> None:
    """Counters the bench reads (one hash; a few bytes per batch): wall and CPU seconds of the
    whole batch and of the models' part of it."""
    key = stats_key(queue_name)
    pipe.hincrby(key, "comments", n)
    pipe.hincrby(key, "batches", 1)
    for name, value in seconds.items():
        pipe.hincrbyfloat(key, f"{name}_seconds", value)

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
from rq import Queue, get_current_job
from sqlalchemy.exc import SQLAlchemyError

from service.ops import metrics
from service.storage import store
from service.transport import events, queueing
from workers import jobs, runtime, timebox

log = logging.getLogger(__name__)


def stats_key(queue_name: str) -> str:
    """A Redis hash of counters the bench reads: comments, batches, wall and models seconds."""
    return f"moderation:{queue_name}:drain-stats"


def drain_pending() -> int:
    """RQ job: decide the next batch of pending comment ids; returns how many were decided."""
    rt = runtime.current()
    queue = Queue(rt.config["QUEUE_NAME"], connection=rt.redis)
    # This job has started: the pop releases the guard, so an arrival from now on enqueues a
    # drain job of its own.
    ids, remaining = queueing.pop_batch(rt.redis, queue.name, int(rt.config["DRAIN_BATCH_SIZE"]))
    if remaining:
        queueing.schedule_drain(rt.redis, queue)
    return score_batch(rt, ids, queue.name) if ids else 0


def score_batch(rt: runtime.Runtime, comment_ids: list[str], queue_name: str) -> int:
    """Decide these comments (those still pending) in one transaction; returns how many.

    A batch whose scoring fails or runs past SCORING_TIMEOUT_SECONDS is split in two and each
    half tried again, so one hostile comment does not keep the others from a decision. A comment
    that fails alone twice is held for a moderator as one that could not be scored. Failures of
    the database or Redis are not the comments' fault: they fail the job as before, and the
    sweeper queues the comments again.
    """
    started, cpu_started = time.perf_counter(), time.process_time()
    models_before, models_cpu_before = rt.models_seconds, rt.models_cpu_seconds
    with rt.engine.connect() as conn:
        rows = store.pending_comments(conn, comment_ids)
    comments = [jobs.PendingComment.from_row(row) for row in rows]
    decided: list[tuple[jobs.PendingComment, int | None]] = []
    staged: list[events.Staged] = []
    if comments:
        version, classifier = rt.models.get()
        job = _Attempts(rt, queue_name, version, classifier)
        textless = jobs.fill_unstored_texts(rt, comments)
        gone = {c.id for c in textless}
        scorable = [c for c in comments if c.id not in gone]
        decided = job.decide(scorable) if scorable else []
        decided += [(c, job.hold_unscored(c, _TEXT_GONE)) for c in textless]
        staged = job.staged
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
    jobs.after_commit_many(rt, decided, staged)
    jobs.forget_unstored_texts(rt, [comment for comment, _ in decided])
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


# Why a comment posted with "store_text": false is held unscored: its text expired in Redis.
_TEXT_GONE = "its text was not stored and is no longer waiting in Redis"

# Not the comments' fault: the job fails and the sweeper queues them again.
_INFRASTRUCTURE = (RedisError, SQLAlchemyError)
# Left of the drain job's time when no further attempt starts (its ids go back on the list).
_JOB_MARGIN_SECONDS = 5.0


class _Attempts:
    """One drain job's attempts at its comments, split on failure, within the job's time."""

    def __init__(self, rt: runtime.Runtime, queue_name: str, version: str, classifier) -> None:
        self.rt, self.queue_name = rt, queue_name
        self.version, self.classifier = version, classifier
        self.cap = float(rt.config["SCORING_TIMEOUT_SECONDS"])
        job = get_current_job()  # the timeout it was enqueued with is the one RQ applies
        job_seconds = float(
            job.timeout if job and job.timeout else queueing.DRAIN_JOB_TIMEOUT_SECONDS
        )
        self.deadline = time.monotonic() + job_seconds - _JOB_MARGIN_SECONDS
        self.attempted = False
        self.staged: list[events.Staged] = []

    def decide(
        self, comments: list[jobs.PendingComment]
    ) -> list[tuple[jobs.PendingComment, int | None]]:
        # The first attempt always runs, so every drain job makes progress.
        if self.attempted and not self._time_for(2 if len(comments) == 1 else 1):
            self._hand_back(comments)
            return []
        self.attempted = True
        failure = self._try(comments)
        if not isinstance(failure, str):
            return failure
        if len(comments) > 1:
            half = len(comments) // 2
            log.warning("a batch of %d failed (%s); trying its halves", len(comments), failure)
            return self.decide(comments[:half]) + self.decide(comments[half:])
        # Alone it failed once; a second failure means it cannot be scored.
        again = self._try(comments)
        if not isinstance(again, str):
            return again
        [comment] = comments
        log.error("comment %s could not be scored (%s); holding it", comment.id, again)
        return [(comment, self.hold_unscored(comment, again))]

    def _try(
        self, comments: list[jobs.PendingComment]
    ) -> list[tuple[jobs.PendingComment, int | None]] | str:
        """The decisions stored, or what went wrong (a string) when the models failed."""
        try:
            with timebox.capped(self.cap):
                outcomes = self._outcomes(comments)
        except _INFRASTRUCTURE:
            raise
        except timebox.TimedOut:
            return f"timed out after {self.cap:g} s"
        except Exception as exc:
            log.exception("scoring %d comments failed", len(comments))
            return f"failed: {type(exc).__name__}"
        stored = self._store(comments, outcomes)
        return [(comment, stored.get(comment.id)) for comment in comments]

    def _outcomes(self, comments: list[jobs.PendingComment]) -> list[dict]:
        rt, classifier = self.rt, self.classifier
        scoring_started, scoring_cpu = time.perf_counter(), time.process_time()
        all_scores = classifier.score([comment.text for comment in comments])
        rt.models_seconds += time.perf_counter() - scoring_started
        rt.models_cpu_seconds += time.process_time() - scoring_cpu
        with rt.engine.connect() as conn:
            jobs.prefetch_repeats(rt, conn, comments)
            jobs.prefetch_standings(rt, conn, comments)
            decided: dict[str, str] = {}  # statuses this batch gave, for author history
            return [
                comment.decision_item(outcome)
                for comment, scores in zip(comments, all_scores, strict=True)
                for outcome in [
                    jobs.decide_one(rt, conn, comment, classifier, scores=scores, decided=decided)
                ]
            ]

    def hold_unscored(self, comment: jobs.PendingComment, failure: str) -> int | None:
        comment.unscored = True  # no shadow scoring of what could not be scored
        reason = {
            "guideline": None,
            "score": None,
            "threshold": None,
            "rule": "unscored",
            "action": "hold",
            "evidence": [],
            "detail": f"could not be scored ({failure}); a moderator must decide",
        }
        item = {
            "comment_id": comment.id,
            "revision": comment.revision,
            "action": "hold",
            "scores": {},
            "reasons": [reason],
            "policy_version": comment.policy_version or None,
        }
        return self._store([comment], [item]).get(comment.id)

    def _store(self, comments: list[jobs.PendingComment], items: list[dict]) -> dict[str, int]:
        """Store the decisions and, in the same transaction, their event (the webhook outbox);
        it is announced once the whole batch is stored."""
        with self.rt.engine.begin() as conn:
            stored = store.record_machine_decisions(conn, self.version, items)
            self.staged.append(jobs.stage_decided(self.rt, conn, comments, stored))
        return stored

    def _time_for(self, attempts: int) -> bool:
        return time.monotonic() + attempts * self.cap <= self.deadline

    def _hand_back(self, comments: list[jobs.PendingComment]) -> None:
        """Out of the job's time: the comments go back on the list for another drain job."""
        log.warning("drain job out of time; handing %d comments on", len(comments))
        queue = Queue(self.queue_name, connection=self.rt.redis)
        queueing.push_for_drain(self.rt.redis, queue, [c.id for c in comments])


def _count(pipe: Pipeline, queue_name: str, n: int, **seconds: float) -> None:
    """Counters the bench reads (one hash; a few bytes per batch): wall and CPU seconds of the
    whole batch and of the models' part of it."""
    key = stats_key(queue_name)
    pipe.hincrby(key, "comments", n)
    pipe.hincrby(key, "batches", 1)
    for name, value in seconds.items():
        pipe.hincrbyfloat(key, f"{name}_seconds", value)

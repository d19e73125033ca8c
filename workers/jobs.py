"""RQ jobs. Each takes ids only and is idempotent: running one twice changes nothing more."""

from __future__ import annotations

import logging
import time

from service import broker, events, store
from service.integrations import metrics
from workers import pipeline, runtime

log = logging.getLogger(__name__)


def score_comment(comment_id: str) -> str | None:
    """Decide a stored comment with the active model and policy; returns the action taken."""
    rt = runtime.current()
    with rt.engine.connect() as conn:
        comment = store.get_comment(conn, comment_id)
    if comment is None:
        log.warning("comment %s no longer exists; nothing to score", comment_id)
        return None
    version, classifier = rt.models.get()
    started = time.perf_counter()
    outcome = pipeline.decide_comment(classifier, comment["text"])
    metrics.observe_scoring(rt.redis, "queued", time.perf_counter() - started)
    with rt.engine.begin() as conn:
        decision_id = store.record_machine_decision(
            conn,
            comment_id,
            action=outcome.action,
            scores=outcome.scores,
            reasons=outcome.reasons,
            model_version=version,
            policy_version=outcome.policy_version,
        )
    _signal_decided(rt, comment_id)
    if decision_id is not None:  # a repeated job announces nothing new
        events.publish(rt.engine, "comment.decided", comment["site_id"], comment_id)
    return outcome.action


def _signal_decided(rt: runtime.Runtime, comment_id: str) -> None:
    """Wake an API request waiting for this decision (?wait=...)."""
    key = broker.decision_signal_key(comment_id)
    pipe = rt.redis.pipeline(transaction=False)
    pipe.lpush(key, "1")
    pipe.expire(key, int(rt.config["DECISION_SIGNAL_TTL_SECONDS"]))
    pipe.execute()

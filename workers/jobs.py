"""RQ jobs. Each takes ids only and is idempotent: running one twice changes nothing more."""

from __future__ import annotations

import logging

from service import broker, events, store
from workers import author_context, pipeline, runtime, shadow_jobs, site_policy

log = logging.getLogger(__name__)


def score_comment(comment_id: str) -> str | None:
    """Decide a stored comment with the active model and policy; returns the action taken."""
    rt = runtime.current()
    with rt.engine.connect() as conn:
        loaded = site_policy.load_comment(conn, comment_id)
        if loaded is None:
            log.warning("comment %s no longer exists; nothing to score", comment_id)
            return None
        comment, current_policy = loaded
        policy, policy_version = site_policy.policy_for(conn, comment["site_id"], current_policy)
    version, classifier = rt.models.get()
    author = author_context.author_context(rt.engine, rt.redis, comment, policy)
    outcome = pipeline.decide_comment(
        classifier, comment["text"], policy, policy_version, author=author
    )
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
    # After the live decision is stored and announced, so a shadow never delays a site.
    shadow_jobs.score_shadow(
        rt,
        comment,
        active_version=version,
        policy=policy,
        policy_version=policy_version,
        author=author,
    )
    return outcome.action


def _signal_decided(rt: runtime.Runtime, comment_id: str) -> None:
    """Wake an API request waiting for this decision (?wait=...)."""
    key = broker.decision_signal_key(comment_id)
    pipe = rt.redis.pipeline(transaction=False)
    pipe.lpush(key, "1")
    pipe.expire(key, int(rt.config["DECISION_SIGNAL_TTL_SECONDS"]))
    pipe.execute()

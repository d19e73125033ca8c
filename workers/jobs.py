"""RQ jobs. Each takes ids only and is idempotent: running one twice changes nothing more.

The per-comment steps, shared by the single-comment job (`score_comment`) and the batch loop
(`workers.batch.drain_pending`): `decide_one` (models and policy; it gets the open transaction
for per-site lookups) and `after_commit` (events, shadow scoring: anything that follows a stored
decision). The single job stores with `store.record_machine_decision`, the batch loop stores the
whole batch with `store.record_machine_decisions`. Per-comment additions belong in those two
step functions so both paths get them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from models.classifier import Classifier
from service.ops import metrics
from service.storage import store
from service.transport import broker, events
from workers import author_context, pipeline, runtime, shadow_jobs, site_policy

log = logging.getLogger(__name__)

# Where decide_one leaves (policy, policy version, author context) on the comment row.
CONTEXT_KEY = "_decided_with"
# Repeat counts fetched for the whole batch at once (prefetch_repeats).
REPEATS_KEY = "_repeats"


def score_comment(comment_id: str) -> str | None:
    """Decide a stored comment with the active model and policy; returns the action taken."""
    rt = runtime.current()
    with rt.engine.connect() as conn:
        loaded = site_policy.load_comment(conn, comment_id)
    if loaded is None:
        log.warning("comment %s no longer exists; nothing to score", comment_id)
        return None
    comment, comment["policy_version"] = loaded
    version, classifier = rt.models.get()
    started = time.perf_counter()
    with rt.engine.begin() as conn:
        outcome, decision_id = decide_and_record(rt, conn, comment, version, classifier)
    metrics.observe_scoring(rt.redis, "queued", time.perf_counter() - started)
    signal_decided(rt, [comment_id])
    after_commit(rt, comment, decision_id)
    return outcome.action


def decide_and_record(
    rt: runtime.Runtime,
    conn: sa.Connection,
    comment: dict[str, Any],
    version: str,
    classifier: Classifier,
) -> tuple[pipeline.Outcome, int | None]:
    """One comment decided and stored in the caller's transaction (the single-job path).

    The decision id is None when this model version had already decided the comment.
    """
    outcome = decide_one(rt, conn, comment, classifier)
    decision_id = store.record_machine_decision(
        conn,
        comment["id"],
        action=outcome.action,
        scores=outcome.scores,
        reasons=outcome.reasons,
        model_version=version,
        policy_version=outcome.policy_version,
    )
    return outcome, decision_id


def decide_one(
    rt: runtime.Runtime,
    conn: sa.Connection,
    comment: dict[str, Any],
    classifier: Classifier,
    scores: dict[str, float] | None = None,
    decided: dict[str, str] | None = None,
) -> pipeline.Outcome:
    """The per-comment step: scores, rules and policy for one comment; stores nothing.

    `scores` are the classifier's when the batch path computed them for many comments at once,
    and `decided` collects the statuses the batch gave so far (stored only at its end).
    The comment row carries its site's current policy version (`policy_version`, read with it).
    The policy and author context used are kept on the row under CONTEXT_KEY, so that
    `after_commit` scores the shadow model with exactly what the live decision saw.
    """
    policy, policy_version = site_policy.policy_for(
        conn, comment["site_id"], int(comment.get("policy_version") or 0)
    )
    author = author_context.author_context(
        rt.engine, rt.redis, comment, policy, decided, repeats=comment.get(REPEATS_KEY)
    )
    # Only the models' own work counts as scoring; the lookups above are the worker's overhead.
    started, cpu_started = time.perf_counter(), time.process_time()
    outcome = pipeline.decide_comment(
        classifier, comment["text"], policy, policy_version, author=author, scores=scores
    )
    rt.models_seconds += time.perf_counter() - started
    rt.models_cpu_seconds += time.process_time() - cpu_started
    comment[CONTEXT_KEY] = (policy, policy_version, author)
    if decided is not None:  # later comments of the same batch see this one as decided
        decided[comment["id"]] = store.STATUS_BY_ACTION[outcome.action]
    return outcome


def prefetch_repeats(rt: runtime.Runtime, conn: sa.Connection, comments: list[dict]) -> None:
    """Count every repeat the batch needs in one Redis round trip, before deciding it.

    Kept on each row under REPEATS_KEY for `decide_one`; same order, same counts as asking one
    comment at a time (the decisions do not change what is counted).
    """
    asked = []
    for comment in comments:
        version = int(comment.get("policy_version") or 0)
        policy, _ = site_policy.policy_for(conn, comment["site_id"], version)
        if policy.repeats.action != "allow":
            asked.append((comment, policy.repeats.window_seconds))
    for (comment, _), counts in zip(
        asked, author_context.count_repeats_many(rt.redis, asked), strict=True
    ):
        comment[REPEATS_KEY] = counts


def after_commit(rt: runtime.Runtime, comment: dict[str, Any], decision_id: int | None) -> None:
    """What follows a stored decision; a repeated job announces nothing new."""
    after_commit_many(rt, [(comment, decision_id)])


def after_commit_many(
    rt: runtime.Runtime, decided: Sequence[tuple[dict[str, Any], int | None]]
) -> None:
    """after_commit for a batch: one announcement for all the comments it newly decided."""
    new = [comment for comment, decision_id in decided if decision_id is not None]
    events.publish_many(rt.engine, "comment.decided", [(c["site_id"], c["id"]) for c in new])
    for comment in new:
        if CONTEXT_KEY not in comment:
            continue
        # After the live decision is stored and announced, so a shadow never delays a site.
        policy, policy_version, author = comment[CONTEXT_KEY]
        version, _ = rt.models.get()
        shadow_jobs.score_shadow(
            rt,
            comment,
            active_version=version,
            policy=policy,
            policy_version=policy_version,
            author=author,
        )


def signal_decided(rt: runtime.Runtime, comment_ids: list[str]) -> None:
    """Wake API requests waiting for these decisions (?wait=...), in one round trip."""
    ttl = int(rt.config["DECISION_SIGNAL_TTL_SECONDS"])
    pipe = rt.redis.pipeline(transaction=False)
    for comment_id in comment_ids:
        key = broker.decision_signal_key(comment_id)
        pipe.lpush(key, "1")
        pipe.expire(key, ttl)
    pipe.execute()

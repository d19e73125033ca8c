"""The shadow half of scoring a comment: best effort, after the live decision is stored."""

from __future__ import annotations

import logging

from service import shadow
from workers import pipeline
from workers.runtime import Runtime

log = logging.getLogger(__name__)


def score_shadow(rt: Runtime, comment: dict, *, active_version: str) -> None:
    """Store the shadow version's decision on COMMENT, if a shadow other than the active runs."""
    if rt.shadow is None:
        return
    try:
        loaded = rt.shadow.get()
        if loaded is None or loaded[0] == active_version:
            return
        version, classifier = loaded
        outcome = pipeline.decide_comment(classifier, comment["text"])
        with rt.engine.begin() as conn:
            shadow.record_shadow_decision(
                conn,
                comment["id"],
                action=outcome.action,
                scores=outcome.scores,
                reasons=outcome.reasons,
                model_version=version,
                policy_version=outcome.policy_version,
            )
    except Exception:  # the live decision is already stored: a shadow failure must not retry it
        log.exception("shadow scoring of comment %s failed", comment["id"])

"""The shadow half of scoring a comment: best effort, after the live decision is stored."""

from __future__ import annotations

import logging
from typing import Any

from service.storage import shadow
from workers import pipeline
from workers.runtime import Runtime

log = logging.getLogger(__name__)


def score_shadow(
    rt: Runtime,
    comment: dict,
    *,
    active_version: str,
    policy: Any = None,
    policy_version: int | None = None,
    author: Any = None,
) -> None:
    """Store the shadow version's decision on COMMENT, if a shadow other than the active runs.

    It sees the same site policy and author context as the live decision, so the two differ
    only by the model.
    """
    if rt.shadow is None:
        return
    try:
        loaded = rt.shadow.get()
        if loaded is None or loaded[0] == active_version:
            return
        version, classifier = loaded
        if policy is None:
            outcome = pipeline.decide_comment(classifier, comment["text"])
        else:
            outcome = pipeline.decide_comment(
                classifier, comment["text"], policy, policy_version, author=author
            )
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

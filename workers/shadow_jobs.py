"""The shadow half of scoring: best effort, after the live decisions are stored."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from service.storage import store
from workers import pipeline
from workers.runtime import Runtime

if TYPE_CHECKING:
    from workers.jobs import PendingComment

log = logging.getLogger(__name__)


def score_shadow(rt: Runtime, comments: Sequence[PendingComment], *, active_version: str) -> None:
    """Store the shadow version's decisions on COMMENTS, if a shadow other than the active runs.

    Each sees the same site policy and author context as its live decision, so the two differ
    only by the model. Stored in one statement, kind "shadow": never a comment's status.
    """
    comments = [c for c in comments if not c.unscored]
    if rt.shadow is None or not comments:
        return
    try:
        loaded = rt.shadow.current()
        if loaded is None or loaded[0] == active_version:
            return
        version, classifier = loaded
        outcomes = []
        for comment in comments:
            if comment.policy is None:
                outcome = pipeline.decide_comment(classifier, comment.text)
            else:
                outcome = pipeline.decide_comment(
                    classifier,
                    comment.text,
                    comment.policy,
                    comment.used_policy_version,
                    author=comment.author,
                )
            outcomes.append(comment.decision_item(outcome))
        with rt.engine.begin() as conn:
            store.record_machine_decisions(conn, version, outcomes, kind="shadow")
    except Exception:  # the live decisions are stored already: a shadow failure must not retry them
        log.exception("shadow scoring of %d comments failed", len(comments))

"""The decision: scores + rule findings + author context + site policy -> action and reasons.

`decide` is the one place that turns everything into approve / hold / reject. It is pure and never
raises: a missing or malformed score counts as "no signal", a failing `explain` as "no evidence", so
a bad input can never block a comment's way through the worker.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from models.guidelines import ACTIONS, feeding_categories
from models.policy import Policy
from models.rules.author import AuthorContext, author_findings
from models.rules.finding import Finding
from models.types import Span

__all__ = ["Decision", "Reason", "decide"]

log = logging.getLogger(__name__)
_RANK = {action: i for i, action in enumerate(ACTIONS)}  # approve 0 < hold 1 < reject 2


@dataclass(frozen=True)
class Reason:
    guideline: str
    score: float | None  # the classifier probability; None for rule reasons
    threshold: float | None  # the threshold it reached; None for rule reasons
    rule: str | None  # None for classifier reasons, else the rule that fired
    action: str  # "hold" or "reject"
    evidence: list[Span] = field(default_factory=list)
    detail: str = ""  # for the moderator: "links to example.com", "looks like 'fr'"

    def to_dict(self) -> dict[str, Any]:
        return {
            "guideline": self.guideline,
            "score": self.score,
            "threshold": self.threshold,
            "rule": self.rule,
            "action": self.action,
            "evidence": [s.to_dict() for s in self.evidence],
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Decision:
    action: str  # "approve", "hold" or "reject"
    reasons: list[Reason] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"action": self.action, "reasons": [r.to_dict() for r in self.reasons]}


def _probability(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return None if math.isnan(value) else min(1.0, max(0.0, value))


def _evidence(explain: Callable[[str], list[Span]] | None, category: str) -> list[Span]:
    if explain is None:
        return []
    try:
        spans = explain(category)
        return [s for s in spans if isinstance(s, Span)]
    except Exception:  # evidence is a nicety; the decision must still be made
        log.exception("explain(%r) failed", category)
        return []


def _classifier_reasons(
    scores: Mapping[str, float], policy: Policy, explain: Callable[[str], list[Span]] | None
) -> list[Reason]:
    reasons = []
    for code, threshold in policy.thresholds.items():
        if threshold is None:
            continue
        best: tuple[float, str] | None = None
        for category in feeding_categories(code):
            p = _probability(scores.get(category))
            if p is not None and (best is None or p > best[0]):
                best = (p, category)
        if best is None:
            continue
        score, category = best
        if threshold.reject is not None and score >= threshold.reject:
            action, reached = "reject", threshold.reject
        elif threshold.hold is not None and score >= threshold.hold:
            action, reached = "hold", threshold.hold
        else:
            continue
        evidence = _evidence(explain, category)
        reasons.append(
            Reason(code, score, reached, None, action, evidence, f"classifier {category}")
        )
    return reasons


def _rule_reason(finding: Finding) -> Reason | None:
    if not isinstance(finding, Finding) or finding.action not in ("hold", "reject"):
        return None
    evidence = [s for s in finding.evidence if isinstance(s, Span)]
    return Reason(
        finding.guideline, None, None, finding.rule, finding.action, evidence, finding.detail
    )


def decide(
    scores: Mapping[str, float],
    policy: Policy,
    *,
    findings: Sequence[Finding] = (),
    author: AuthorContext = AuthorContext(),  # noqa: B008 - frozen, never mutated
    explain: Callable[[str], list[Span]] | None = None,
) -> Decision:
    """Approve, hold or reject, with every reason that fired, strongest first.

    Reject wins over hold over approve. Rule reasons (no score) are certain, so within one action
    they come before classifier reasons, which are ordered by score.
    """
    if not isinstance(scores, Mapping):
        scores = {}
    reasons = _classifier_reasons(scores, policy, explain)
    try:
        rule_findings = list(findings) + author_findings(author, policy)
    except Exception:  # a malformed author context must not block the comment
        log.exception("author rules failed")
        rule_findings = list(findings) if isinstance(findings, Sequence) else []
    reasons += [r for r in map(_rule_reason, rule_findings) if r is not None]
    reasons.sort(key=lambda r: (-_RANK[r.action], -(1.0 if r.score is None else r.score)))
    action = reasons[0].action if reasons else "approve"
    return Decision(action, reasons)

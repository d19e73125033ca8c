"""The decision: scores + rule findings + author context + site policy -> action and reasons.

`decide` is the one place that turns everything into approve / hold / reject. It is pure and never
raises: a missing or malformed score counts as "no signal", a failing `explain` as "no evidence", so
a bad input can never block a comment's way through the worker.

`simulate` and `threshold_table` replay `decide` over labelled comments so a newsroom can see, for
a proposed policy or a range of thresholds, how much would be automated and how many mistakes made.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from models.guidelines import ACTIONS, feeding_categories
from models.policy import DEFAULT_POLICY, Policy, Threshold
from models.rules.author import AuthorContext, author_findings
from models.rules.finding import Finding
from models.types import Span

__all__ = ["Decision", "Reason", "SimulationRow", "decide", "simulate", "threshold_table"]

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
    if action == "hold" and getattr(author, "standing", "") == "trusted":
        # A trusted author is approved unless something says reject; the hold reasons stay,
        # so the site and the moderators can see what was waved through and why.
        action = "approve"
    return Decision(action, reasons)


# --- choosing thresholds ------------------------------------------------------------------

# One labelled comment: what decide() needs, and the truth. The label is "ok", "violation", or
# the guideline codes a moderator said it breaks (empty = ok).
SimulationRow = tuple[Mapping[str, float], Sequence[Finding], AuthorContext, str | Collection[str]]


def _violated(label: str | Collection[str]) -> frozenset[str]:
    if isinstance(label, str):
        if label not in ("ok", "violation"):
            raise ValueError(f"label must be 'ok', 'violation' or guideline codes, not {label!r}")
        return frozenset({"*"}) if label == "violation" else frozenset()
    return frozenset(label)


def simulate(rows: Iterable[SimulationRow], policy: Policy) -> dict[str, Any]:
    """What `policy` would have done to labelled comments, and the mistakes it would have made.

    A held comment is never a mistake (a person decides); the mistakes are violations approved
    and acceptable comments rejected. `by_guideline` counts, for per-guideline labels, how often
    each guideline's violations were approved (missed) and how often it fired.
    """
    counts = {"approve": 0, "hold": 0, "reject": 0}
    violations = wrongly_approved = wrongly_rejected = held_ok = 0
    by_guideline: dict[str, dict[str, int]] = {}
    for scores, findings, author, label in rows:
        violated = _violated(label)
        decision = decide(scores, policy, findings=findings, author=author)
        counts[decision.action] += 1
        if violated:
            violations += 1
            wrongly_approved += decision.action == "approve"
        else:
            wrongly_rejected += decision.action == "reject"
            held_ok += decision.action == "hold"
        fired = {r.guideline for r in decision.reasons}
        for code in (violated - {"*"}) | fired:
            entry = by_guideline.setdefault(code, {"violations": 0, "missed": 0, "fired": 0})
            entry["violations"] += code in violated
            entry["missed"] += code in violated and decision.action == "approve"
            entry["fired"] += code in fired
    total = sum(counts.values())
    ok = total - violations
    return {
        "total": total,
        "approved": counts["approve"],
        "held": counts["hold"],
        "rejected": counts["reject"],
        "held_share": counts["hold"] / total if total else 0.0,
        "automated_share": (counts["approve"] + counts["reject"]) / total if total else 0.0,
        "violations": violations,
        "ok": ok,
        "wrongly_approved": wrongly_approved,
        "wrongly_rejected": wrongly_rejected,
        "held_ok": held_ok,
        "missed_share": wrongly_approved / violations if violations else 0.0,
        "wrongly_rejected_share": wrongly_rejected / ok if ok else 0.0,
        "by_guideline": dict(sorted(by_guideline.items())),
    }


def threshold_table(
    rows: Sequence[SimulationRow],
    guideline: str,
    candidates: Iterable[float],
    *,
    policy: Policy | None = None,
    which: str = "reject",
) -> list[dict[str, Any]]:
    """`simulate` once per candidate value of one guideline's hold or reject threshold.

    Everything else stays as in `policy` (the default policy if None). Moving a reject threshold
    below the hold threshold lowers the hold threshold with it (and the other way round), so each
    row is a valid policy.
    """
    base = policy or DEFAULT_POLICY
    if guideline not in base.thresholds:
        raise ValueError(f"{guideline!r} has no classifier threshold")
    if which not in ("hold", "reject"):
        raise ValueError("which must be 'hold' or 'reject'")
    current = base.thresholds[guideline] or Threshold(hold=None, reject=None)
    table = []
    for value in candidates:
        t = float(value)
        if which == "reject":
            hold = None if current.hold is None else min(current.hold, t)
            changed = Threshold(hold=hold, reject=t)
        else:
            reject = None if current.reject is None else max(current.reject, t)
            changed = Threshold(hold=t, reject=reject)
        trial = replace(base, thresholds={**base.thresholds, guideline: changed})
        table.append(
            {"guideline": guideline, "which": which, "threshold": t, **simulate(rows, trial)}
        )
    return table

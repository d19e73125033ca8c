"""One comment's way through the models: scores, rules, policy, decision with evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.classifier import Classifier
from models.decide import decide
from models.normalize import normalize
from models.policy import DEFAULT_POLICY, Policy
from models.rules import AuthorContext, find_rules


@dataclass(frozen=True)
class Outcome:
    action: str
    scores: dict[str, float]
    reasons: list[dict[str, Any]]
    policy_version: int | None


def decide_comment(
    classifier: Classifier,
    text: str,
    policy: Policy = DEFAULT_POLICY,
    policy_version: int | None = None,
    author: AuthorContext = AuthorContext(),  # noqa: B008 - frozen, never mutated
    scores: dict[str, float] | None = None,
) -> Outcome:
    """`scores` may come precomputed from the classifier's batch path (`Classifier.score`)."""
    if scores is None:
        scores = classifier.score_one(text)
    findings = find_rules(text, policy, normalize(text))
    decision = decide(
        scores,
        policy,
        findings=findings,
        author=author,
        explain=lambda category: classifier.evidence(text, category),
    )
    rounded = {name: round(float(value), 4) for name, value in scores.items()}
    return Outcome(
        action=decision.action,
        scores=rounded,
        reasons=decision.to_dict()["reasons"],
        policy_version=policy_version,
    )

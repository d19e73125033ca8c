"""decide(): thresholds, rule findings, author context, ordering and robustness."""

from __future__ import annotations

import math

from models.decide import Decision, Reason, decide
from models.policy import DEFAULT_POLICY, Policy
from models.rules import AuthorContext, Finding
from models.types import Span


def test_no_signal_approves() -> None:
    decision = decide({"toxicity": 0.1, "spam": 0.05}, DEFAULT_POLICY)
    assert decision == Decision("approve", [])


def test_guideline_score_is_the_highest_feeding_category() -> None:
    decision = decide({"toxicity": 0.2, "insult": 0.6}, DEFAULT_POLICY)
    [reason] = decision.reasons
    assert (decision.action, reason.guideline, reason.score) == ("hold", "abuse", 0.6)
    assert (reason.threshold, reason.rule) == (0.5, None)


def test_score_at_the_reject_threshold_rejects() -> None:
    decision = decide({"threat": 0.8}, DEFAULT_POLICY)
    assert decision.action == "reject"
    assert decision.reasons[0].threshold == 0.8


def test_threshold_switched_off_never_fires() -> None:
    policy = Policy.from_dict({"thresholds": {"spam": None}})
    assert decide({"spam": 1.0}, policy).action == "approve"


def test_reject_wins_and_reasons_are_strongest_first() -> None:
    findings = [Finding("links", "links", "hold", [Span(0, 11, "example.com")], "links")]
    decision = decide(
        {"insult": 0.55, "identity_attack": 0.7, "threat": 0.95},
        DEFAULT_POLICY,
        findings=findings,
        author=AuthorContext(same_author_repeats=1),
    )
    assert decision.action == "reject"
    assert [(r.guideline, r.action) for r in decision.reasons] == [
        ("threat", "reject"),
        ("links", "hold"),
        ("spam", "hold"),
        ("hate", "hold"),
        ("abuse", "hold"),
    ]


def test_explain_is_called_only_for_guidelines_that_fire() -> None:
    asked: list[str] = []

    def explain(category: str) -> list[Span]:
        asked.append(category)
        return [Span(4, 9, "idiot")]

    decision = decide(
        {"insult": 0.95, "toxicity": 0.4, "spam": 0.1}, DEFAULT_POLICY, explain=explain
    )
    assert asked == ["insult"]
    assert decision.reasons[0].evidence == [Span(4, 9, "idiot")]


def test_failing_explain_still_decides() -> None:
    def explain(category: str) -> list[Span]:
        raise RuntimeError("model gone")

    decision = decide({"insult": 0.95}, DEFAULT_POLICY, explain=explain)
    assert decision.action == "reject" and decision.reasons[0].evidence == []


def test_malformed_scores_count_as_no_signal() -> None:
    scores = {"insult": math.nan, "toxicity": "high", "threat": None, "spam": 7.0}
    decision = decide(scores, DEFAULT_POLICY)  # type: ignore[arg-type]
    assert [(r.guideline, r.score) for r in decision.reasons] == [("spam", 1.0)]
    assert decide(None, DEFAULT_POLICY).action == "approve"  # type: ignore[arg-type]


def test_to_dict_has_the_documented_shape() -> None:
    finding = Finding("privacy", "phone", "hold", [Span(5, 17, "555-123-4567")], "phone")
    doc = decide({}, DEFAULT_POLICY, findings=[finding]).to_dict()
    assert doc == {
        "action": "hold",
        "reasons": [
            {
                "guideline": "privacy",
                "score": None,
                "threshold": None,
                "rule": "phone",
                "action": "hold",
                "evidence": [{"start": 5, "end": 17, "text": "555-123-4567"}],
                "detail": "phone",
            }
        ],
    }
    assert Reason("abuse", 0.9, 0.9, None, "reject").to_dict()["evidence"] == []

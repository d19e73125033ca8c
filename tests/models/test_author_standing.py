"""Moderators' author standings in the decision: banned rejects, always-hold holds, trusted
approves what would only have been held."""

from __future__ import annotations

from models.decide import decide
from models.policy import DEFAULT_POLICY
from models.rules import AuthorContext
from models.rules.finding import Finding

CLEAN = {"toxicity": 0.01, "insult": 0.01, "spam": 0.01}
DOUBTFUL = {"toxicity": 0.6, "insult": 0.6, "spam": 0.01}  # abuse hold 0.5, reject 0.9
CLEAR = {"toxicity": 0.95, "insult": 0.95, "spam": 0.01}


def _decide(scores: dict, standing: str, findings: list[Finding] | None = None):
    return decide(
        scores, DEFAULT_POLICY, findings=findings or [], author=AuthorContext(standing=standing)
    )


def test_banned_author_is_rejected_with_banned_author() -> None:
    decision = _decide(CLEAN, "banned")
    assert decision.action == "reject"
    assert decision.reasons[0].guideline == "banned_author"


def test_always_hold_holds_a_clean_comment_but_a_clear_violation_is_still_rejected() -> None:
    held = _decide(CLEAN, "always_hold")
    assert held.action == "hold" and held.reasons[0].guideline == "author_hold"
    assert _decide(CLEAR, "always_hold").action == "reject"


def test_trusted_turns_a_hold_into_an_approval_but_not_a_reject() -> None:
    assert decide(DOUBTFUL, DEFAULT_POLICY).action == "hold"
    waved = _decide(DOUBTFUL, "trusted")
    assert waved.action == "approve"
    assert waved.reasons[0].guideline == "abuse"  # what was waved through stays visible
    assert _decide(CLEAR, "trusted").action == "reject"
    banned_word = Finding("obscene", "banned_words", "reject", [], "")
    assert _decide(CLEAN, "trusted", [banned_word]).action == "reject"


def test_no_standing_changes_nothing() -> None:
    assert _decide(CLEAN, "").action == "approve"
    assert _decide(DOUBTFUL, "").action == "hold"

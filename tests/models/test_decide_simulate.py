"""simulate() and threshold_table(): counts and mistakes on labelled comments."""

from __future__ import annotations

import pytest

from models.decide import SimulationRow, simulate, threshold_table
from models.policy import DEFAULT_POLICY, Policy
from models.rules import AuthorContext, Finding

NOTHING = AuthorContext()
LINK = Finding("links", "links", "hold", [], "links to example.com")
ROWS: list[SimulationRow] = [
    ({"insult": 0.95}, (), NOTHING, "violation"),  # rejected, right
    ({"insult": 0.95}, (), NOTHING, "ok"),  # rejected, wrong
    ({"insult": 0.6}, (), NOTHING, {"abuse"}),  # held
    ({"insult": 0.2}, (), NOTHING, {"abuse"}),  # approved, wrong
    ({"insult": 0.1}, (), NOTHING, set()),  # approved, right
    ({"insult": 0.1}, [LINK], NOTHING, "ok"),  # held by a rule
]


def test_simulate_counts_actions_and_mistakes() -> None:
    result = simulate(ROWS, DEFAULT_POLICY)
    assert (result["approved"], result["held"], result["rejected"]) == (2, 2, 2)
    assert (result["violations"], result["ok"]) == (3, 3)
    assert (result["wrongly_approved"], result["wrongly_rejected"], result["held_ok"]) == (1, 1, 1)
    assert result["held_share"] == pytest.approx(2 / 6)
    assert result["automated_share"] == pytest.approx(4 / 6)
    assert result["missed_share"] == pytest.approx(1 / 3)
    assert result["by_guideline"]["abuse"] == {"violations": 2, "missed": 1, "fired": 3}
    assert result["by_guideline"]["links"] == {"violations": 0, "missed": 0, "fired": 1}


def test_simulate_of_nothing_is_all_zero() -> None:
    result = simulate([], DEFAULT_POLICY)
    assert result["total"] == 0 and result["held_share"] == 0.0


def test_simulate_rejects_an_unknown_label() -> None:
    with pytest.raises(ValueError, match="label"):
        simulate([({}, (), NOTHING, "spam")], DEFAULT_POLICY)


def test_threshold_table_moves_one_threshold() -> None:
    table = threshold_table(ROWS, "abuse", [0.5, 0.99], which="reject")
    assert [row["threshold"] for row in table] == [0.5, 0.99]
    low, high = table
    assert low["rejected"] == 3 and low["held"] == 1
    assert high["rejected"] == 0 and high["held"] == 4
    assert low["wrongly_rejected"] == 1 and high["wrongly_rejected"] == 0


def test_threshold_table_of_hold_threshold_keeps_policy_valid() -> None:
    policy = Policy.from_dict({"thresholds": {"abuse": {"hold": 0.5, "reject": 0.9}}})
    [row] = threshold_table(ROWS, "abuse", [0.97], policy=policy, which="hold")
    assert row["rejected"] == 0  # reject moved up with the hold threshold, above every score
    assert (row["held"], row["approved"]) == (1, 5)  # only the link is held


def test_threshold_table_needs_a_classifier_guideline() -> None:
    with pytest.raises(ValueError):
        threshold_table(ROWS, "links", [0.5])

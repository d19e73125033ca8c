"""Shouting (capitals) and flooding (repeated characters or words)."""

from __future__ import annotations

import pytest

from models.policy import ShoutingRule
from models.rules.shouting import shouting_findings


def rules_fired(text: str, rule: ShoutingRule | None = None) -> list[str]:
    return [f.rule for f in shouting_findings(text, rule or ShoutingRule())]


@pytest.mark.parametrize(
    ("text", "fired"),
    [
        ("THIS GOVERNMENT IS A DISGRACE", ["capitals"]),
        ("This government is a disgrace", []),
        ("The NHS and the BBC are not the EU", []),
        ("OK", []),  # too few letters to shout
        ("Noooooooooo way", ["flooding"]),
        ("Really?!?! No!!!!!!!!", ["flooding"]),
        ("lol lol lol lol lol lol lol", ["flooding"]),
        ("very very good", []),
        ("Wow!!!", []),
        ("Update\n----------------\nWell...... no", []),  # layout, not flooding
        ("WHY WON'T ANYONE LISTEN!!!!!!!!!", ["capitals", "flooding"]),
    ],
)
def test_shouting_and_flooding(text: str, fired: list[str]) -> None:
    assert rules_fired(text) == fired


def test_shouted_stretch_is_the_evidence() -> None:
    text = "Honestly, STOP LYING TO US ABOUT THE BUDGET"
    [finding] = shouting_findings(text, ShoutingRule(caps_share=0.6))
    assert [s.text for s in finding.evidence] == ["STOP LYING TO US ABOUT THE BUDGET"]


def test_thresholds_come_from_the_policy() -> None:
    assert rules_fired("Noooooo", ShoutingRule(max_repeat=3)) == ["flooding"]
    assert rules_fired("Noooooo", ShoutingRule(max_repeat=10)) == []
    assert rules_fired("THIS IS BAD", ShoutingRule(action="allow")) == []

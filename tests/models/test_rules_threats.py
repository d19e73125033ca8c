"""The threat-shape rule holds harm promised to a reader and their home named at them."""

from __future__ import annotations

import pytest

from models.policy import DEFAULT_POLICY, Policy, ThreatsRule
from models.rules import find_rules
from models.rules.threats import threat_findings


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("keep lying @ron and i'll stab you", "threat_promise"),
        ("we are going to find you and burn your car", "threat_promise"),
        ("I’m gonna punch your lights out", "threat_promise"),
        ("we're coming for you next, journalist", "threat_promise"),
        ("i know where your mother lives, @jo", "threat_whereabouts"),
        ("we've tracked down your flat, enjoy tonight", "threat_whereabouts"),
        ("i found out which nursery your daughter attends", "threat_whereabouts"),
    ],
)
def test_a_threat_shape_is_held_with_its_phrase_as_evidence(text: str, rule: str) -> None:
    findings = threat_findings(text, ThreatsRule())
    assert [f.rule for f in findings] == [rule]
    (finding,) = findings
    assert finding.guideline == "threat" and finding.action == "hold"
    assert finding.evidence and all(text[s.start : s.end] == s.text for s in finding.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "i will vote against you at the next election",
        "you will regret voting for this budget",
        "i know where you're coming from, but the figures say otherwise",
        "i know your home team lost again, bad luck",
        "we will kill this bill in committee",  # no reader harmed
        "i'm going to read your article again tonight",
        "the minister said he will hurt the economy",
    ],
)
def test_civil_look_alikes_are_not_taken_for_threats(text: str) -> None:
    assert threat_findings(text, ThreatsRule()) == []


def test_the_rule_runs_with_the_others_and_a_site_can_switch_it_off() -> None:
    text = "i know where you live"
    assert any(f.rule == "threat_whereabouts" for f in find_rules(text, DEFAULT_POLICY))
    off = Policy.from_dict({"threats": {"action": "allow"}})
    assert not any(f.guideline == "threat" for f in find_rules(text, off))
    rejecting = Policy.from_dict({"threats": {"action": "reject"}})
    assert [f.action for f in find_rules(text, rejecting)] == ["reject"]
    assert Policy.from_dict(rejecting.to_dict()) == rejecting

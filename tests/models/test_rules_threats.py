"""The threat-shape rule holds harm promised to a reader, their home named at them, and calls for
violence."""

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
        ("keep posting, @lee, you'll be six feet under by spring", "threat_promise"),
        ("your days are numbered, traitor", "threat_promise"),
        ("your home address is easy to find, just so you know", "threat_whereabouts"),
        ("nice street your family lives on. watch your back", "threat_whereabouts"),
        ("somebody ought to string that senator up", "threat_call"),
        ("anyone should just go and stab the mayor", "threat_call"),
        ("these bankers must be lynched", "threat_call"),
        ("death to every journalist", "threat_call"),
        ("that general should be put against the wall", "threat_call"),
        ("i really hope you get run over on your way home", "threat_wish"),
        ("hope his helicopter crashes into the sea", "threat_wish"),
        ("the country would be better off once they were shot", "threat_wish"),
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
        "you will be dead tired after the marathon, @kim",
        "your address to the council was excellent",
        "see you soon at the town hall meeting",
        "somebody should take out the bins before the storm",
        "we need to take out a loan to cover the roof",
        "they should put down a motion in parliament",
        "the bill should be killed in the senate",
        "the plan should be shot down at once",
        "we should hang some photos of the old harbour",
        "the soldiers fought to the death to hold the bridge",
        "no one should wish death to a person, however wrong",
        "i hope he doesn't die before the trial",
        "i hope your team chokes in the final",
        "i hope the minister's plan dies in committee",
        "we wish you would stop posting the same link",
        "he should face the voters before he faces a judge",
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


def test_the_word_prefilter_never_changes_what_is_found() -> None:
    # Each shape is skipped for a comment with none of its words: that must only save time.
    from models.evaluation.functional import all_cases

    texts = [c.text for c in all_cases()] + [
        "you're a dead man walking, @ed",
        "we'll be watching your house tonight",
        "they should be burnt alive",
        "i pray that you drown",
        "your kids' school is easy to find",
    ]
    fired = 0
    for text in texts:
        with_filter = threat_findings(text, ThreatsRule())
        assert with_filter == threat_findings(text, ThreatsRule(), prefilter=False), text
        fired += bool(with_filter)
    assert fired >= 100  # the suite's threats are among them, so the comparison means something

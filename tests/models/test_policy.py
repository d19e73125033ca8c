"""Policy documents: defaults, round trip and strict validation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from models.guidelines import CLASSIFIER_GUIDELINES, GUIDELINE_CODES, GUIDELINES
from models.policy import DEFAULT_POLICY, Policy, PolicyError, Threshold


def errors_of(doc: Any) -> dict[str, str]:
    with pytest.raises(PolicyError) as info:
        Policy.from_dict(doc)
    return {e["field"]: e["message"] for e in info.value.errors}


def test_default_policy_follows_the_guidelines() -> None:
    assert set(DEFAULT_POLICY.thresholds) == set(CLASSIFIER_GUIDELINES)
    assert DEFAULT_POLICY.links.action == "hold"
    assert DEFAULT_POLICY.language.allowed == ("en",)
    assert DEFAULT_POLICY.new_commenter.enabled is False
    assert DEFAULT_POLICY.author_history.enabled is False
    for threshold in DEFAULT_POLICY.thresholds.values():
        assert threshold is not None and threshold.hold < threshold.reject


def test_guidelines_cover_the_specification_codes() -> None:
    spec = {"abuse", "hate", "threat", "obscene", "spam", "privacy", "links", "language"}
    assert spec | {"shouting", "new_commenter"} <= set(GUIDELINE_CODES)
    assert GUIDELINES["abuse"].categories == ("toxicity", "insult")
    assert GUIDELINES["hate"].categories == ("identity_attack",)


def test_empty_document_is_the_default_policy() -> None:
    assert Policy.from_dict({}) == DEFAULT_POLICY


def test_to_dict_is_json_and_round_trips() -> None:
    doc = {
        "thresholds": {"abuse": {"hold": 0.3, "reject": None}, "spam": None},
        "word_lists": {"banned": ["ass", "fuck*"], "suspect": ["idiot"]},
        "links": {"action": "allow", "allowed_domains": ["Example.COM", "*.gov.uk"]},
        "language": {"allowed": ["en", "fr"], "action": "hold"},
        "repeats": {"window_seconds": 600, "max_same_author": 2, "action": "reject"},
        "new_commenter": {"enabled": True, "first_n": 5},
        "author_history": {"enabled": True, "window": 20, "reject_share": 0.4},
    }
    policy = Policy.from_dict(doc)
    assert policy.thresholds["abuse"] == Threshold(hold=0.3, reject=None)
    assert policy.thresholds["spam"] is None
    assert policy.links.allowed_domains == ("example.com", "gov.uk")
    again = Policy.from_dict(json.loads(json.dumps(policy.to_dict())))
    assert again == policy
    assert again.to_dict() == policy.to_dict()


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ([], ""),
        ({"colour": "red"}, "colour"),
        ({"thresholds": {"toxicity": None}}, "thresholds.toxicity"),
        ({"thresholds": {"abuse": {"hold": 1.5}}}, "thresholds.abuse.hold"),
        ({"thresholds": {"abuse": {"hold": -0.1}}}, "thresholds.abuse.hold"),
        ({"thresholds": {"abuse": {"hold": "0.5"}}}, "thresholds.abuse.hold"),
        ({"thresholds": {"abuse": {"hold": True}}}, "thresholds.abuse.hold"),
        ({"thresholds": {"abuse": {"hold": float("nan")}}}, "thresholds.abuse.hold"),
        ({"thresholds": {"abuse": {"hold": 0.9, "reject": 0.5}}}, "thresholds.abuse.hold"),
        ({"thresholds": {"abuse": {"hold": None, "reject": None}}}, "thresholds.abuse"),
        ({"thresholds": {"abuse": {"hold": 0.5, "block": 0.9}}}, "thresholds.abuse.block"),
        ({"thresholds": {"abuse": 0.5}}, "thresholds.abuse"),
        ({"thresholds": []}, "thresholds"),
        ({"word_lists": {"banned": "ass"}}, "word_lists.banned"),
        ({"word_lists": {"banned": ["ok", ""]}}, "word_lists.banned[1]"),
        ({"word_lists": {"banned": ["ok", 3]}}, "word_lists.banned[1]"),
        ({"word_lists": {"suspect": ["f*ck*"]}}, "word_lists.suspect[0]"),
        ({"word_lists": {"good": []}}, "word_lists.good"),
        ({"links": {"action": "block"}}, "links.action"),
        ({"links": {"allowed_domains": ["https://example.com"]}}, "links.allowed_domains[0]"),
        ({"links": {"allowed_domains": ["not a domain"]}}, "links.allowed_domains[0]"),
        ({"links": {"allowed_domains": ["localhost"]}}, "links.allowed_domains[0]"),
        ({"links": "hold"}, "links"),
        ({"language": {"allowed": ["english"]}}, "language.allowed[0]"),
        ({"language": {"allowed": []}}, "language.allowed"),
        ({"personal_data": {"detect": ["passport"]}}, "personal_data.detect[0]"),
        ({"shouting": {"caps_share": 2}}, "shouting.caps_share"),
        ({"shouting": {"max_repeat": 1}}, "shouting.max_repeat"),
        ({"repeats": {"window_seconds": 0}}, "repeats.window_seconds"),
        ({"repeats": {"max_same_author": 1.5}}, "repeats.max_same_author"),
        ({"new_commenter": {"enabled": "yes"}}, "new_commenter.enabled"),
        ({"new_commenter": {"first_n": 0}}, "new_commenter.first_n"),
        ({"author_history": {"reject_share": 1.1}}, "author_history.reject_share"),
    ],
)
def test_invalid_documents_name_the_field(doc: Any, field: str) -> None:
    assert field in errors_of(doc)


def test_every_problem_is_reported_at_once() -> None:
    errors = errors_of({"thresholds": {"abuse": {"hold": 2}}, "links": {"action": "x"}, "extra": 1})
    assert set(errors) == {"thresholds.abuse.hold", "links.action", "extra"}


def test_policy_error_is_a_value_error_with_a_readable_message() -> None:
    with pytest.raises(ValueError, match=r"links\.action"):
        Policy.from_dict({"links": {"action": "x"}})

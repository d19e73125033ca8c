"""The functional suite: its shape, and a fixed subset kept as a regression test."""

from __future__ import annotations

from collections import Counter

from models.evaluation.functional import all_cases, functionalities, run_suite
from models.evaluation.functional.cases import cases_of
from models.evaluation.functional.run import NEVER_APPROVED, passed


def test_the_suite_has_25_functionalities_of_20_distinct_cases_with_gold_actions() -> None:
    fs = functionalities()
    assert len(fs) >= 25
    counts = Counter(c.functionality for c in all_cases())
    assert all(counts[f.name] >= 20 for f in fs)
    texts = [c.text for c in all_cases()]
    assert len(texts) == len(set(texts))
    assert {f.gold for f in fs} == {"approve", "hold", "reject"}
    assert all((f.guideline is None) == (f.gold == "approve") for f in fs)


def test_cases_are_drawn_the_same_way_every_time() -> None:
    assert all_cases() == all_cases()


def test_a_case_passes_on_publish_or_not_whatever_the_breach_action() -> None:
    threat = cases_of(functionalities()[6])[0]
    assert passed(threat, "hold") and passed(threat, "reject") and not passed(threat, "approve")


# A fixed subset: the first cases of each functionality a newsroom can least afford to get wrong,
# and of the civil ones that must stay approved.
CIVIL = ("nationality_mention", "criticism_government", "criticism_army", "reply_civil")


def _subset(names: tuple[str, ...], n: int) -> list:
    by_name = {f.name: f for f in functionalities()}
    return [c for name in names for c in cases_of(by_name[name])[:n]]


def test_dehumanisation_and_masked_profanity_are_never_approved(small_classifier) -> None:
    names = ("dehumanise_group", "dehumanise_nationality", "masked_profanity_repeated")
    result = run_suite(small_classifier, _subset(names, 6))
    assert result.failures == []


def test_threats_and_calls_for_violence_are_never_approved(small_classifier) -> None:
    # Even a small model: where the n-grams miss a threat, the threat shapes hold it.
    names = ("threat_direct", "threat_conditional", "violence_public_figure", "violence_group")
    result = run_suite(small_classifier, _subset(names, 8))
    assert [f["text"] for f in result.failures] == []


def test_civil_mentions_and_criticism_stay_approved(small_classifier) -> None:
    result = run_suite(small_classifier, _subset(CIVIL, 6))
    assert result.overall >= 0.9


def test_the_never_approved_list_names_real_functionalities() -> None:
    assert set(NEVER_APPROVED) <= {f.name for f in functionalities()}


def test_threats_that_name_a_commenters_home_are_never_approved(small_classifier) -> None:
    # The threat-shape rule (models/rules/threats.py) holds these whatever the model says.
    result = run_suite(small_classifier, _subset(("doxxing",), 8))
    assert [f["text"] for f in result.failures] == []

"""The synthetic training sentences stay apart from the functional suite that measures them."""

from __future__ import annotations

from models import synthetic
from models.evaluation.functional import cases as suite


def test_no_suite_case_and_no_suite_target_is_in_the_training_sentences() -> None:
    generated = synthetic.generate(seed=0)
    texts = {g.text for g in generated}
    assert not texts & {c.text for c in suite.all_cases()}
    suite_targets = {*suite.GROUPS, *suite.NATIONALITIES, *suite.FIGURES, *suite.COMMENTERS}
    suite_targets |= {*suite.AUTHORS, *suite.COUNTRIES}
    ours = {*synthetic._GROUPS, *synthetic._NATIONS, *synthetic._OFFICIALS, *synthetic._PEOPLE}
    assert not ours & suite_targets
    suite_words = {"vermin", "cockroaches", "rats", "parasites", "subhuman", "shoot", "hanged"}
    assert not {w for t in texts for w in t.split()} & suite_words


def test_every_kind_is_generated_with_its_labels() -> None:
    generated = synthetic.generate(seed=0, per_kind=200)
    kinds = {g.kind for g in generated}
    assert kinds == {
        "threat", "intimidation", "criticism", "dehumanising", "humanising",
        "context", "emphasis", "spam", "reply",
    }  # fmt: skip
    for g in generated:
        if g.kind in ("threat", "intimidation"):
            assert g.labels["threat"] == 1.0 and g.labels["toxicity"] == 1.0
        elif g.kind == "dehumanising":
            assert g.labels["identity_attack"] == 1.0
        elif g.kind == "spam":
            assert g.labels == {"spam": 1.0}
        else:
            assert set(g.labels.values()) == {0.0}
    assert synthetic.generate(seed=0, per_kind=200) == generated


def test_the_counterexamples_use_none_of_the_suites_sentences_or_key_words() -> None:
    from models import counterexamples

    texts = {g.text for g in counterexamples.generate(seed=0, described=500)}
    assert not texts & {c.text for c in suite.all_cases()}
    suite_words = {"vermin", "cockroaches", "rats", "parasites", "subhuman", "shoot", "hanged"}
    assert not {w for t in texts for w in t.split()} & suite_words

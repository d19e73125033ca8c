"""Identity folding: one placeholder for every identity, no toxicity weight on it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models import counterexamples, datasets, identity
from models.normalize import normalize
from models.training import identity_columns


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("you are a gay, queer idiot!", "you are a ꙮꙮ, ꙮꙮ idiot!"),
        ("gays and muslims", "ꙮꙮ and ꙮꙮ"),
        ("african-american voters", "ꙮꙮ voters"),
        ("gayer gaze, olds", "gayer gaze, olds"),  # whole words only
        ("a middle eastern cafe", "a middle ꙮꙮ cafe"),
    ],
)
def test_fold_replaces_whole_identity_words(text: str, folded: str) -> None:
    assert identity.fold(text) == folded


def test_fold_per_word_equals_fold_of_text() -> None:
    text = normalize("The Black-Lives rally: gay, Muslim & jewish speakers (elderly too)").text
    assert " ".join(identity.fold(w) for w in text.split()) == identity.fold(text)


def test_counterexamples_are_balanced_and_not_from_eval_sets(data_dir: Path) -> None:
    rows = counterexamples.generate(seed=0, described=6000)
    toxic = sum(r.labels["toxicity"] == 1.0 for r in rows)
    civil = sum(r.labels["toxicity"] == 0.0 for r in rows)
    assert toxic and civil and abs(toxic - civil) / len(rows) < 0.2
    assert counterexamples.generate(seed=0, described=6000) == rows  # repeatable
    templates = {r.text.lower() for r in datasets.load("identity-bias-templates", data_dir)}
    assert not {r.text for r in rows} & templates


def test_placeholder_carries_no_toxicity_weight(small_classifier) -> None:
    clf = small_classifier
    cols = identity_columns(clf, bigrams=False)
    assert cols.size  # the placeholder is in the vocabulary
    for cat in identity.MASKED_CATEGORIES:
        assert not np.any(clf.coef[cols, clf.categories.index(cat)])


def test_identity_swaps_do_not_change_toxicity(small_classifier) -> None:
    clf = small_classifier
    k = clf.categories.index("toxicity")
    frames = ["i am a proud {} woman", "{} people live on my street", "you are a filthy {} liar"]
    for frame in frames:
        p = clf.probabilities([frame.format(i) for i in ("gay", "muslim", "black", "jewish")])
        assert np.ptp(p[:, k]) < 1e-9  # every identity scores the same
    civil, hostile = clf.probabilities([frames[0].format("gay"), frames[2].format("gay")])[:, k]
    assert hostile > civil


def test_evidence_never_points_at_the_identity_word(small_classifier) -> None:
    spans = small_classifier.evidence("you stupid gay idiot", "toxicity")
    assert spans and all("gay" not in s.text for s in spans)

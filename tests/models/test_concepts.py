"""Concept markers: every listed violent verb and dehumanising noun shares one marker."""

from __future__ import annotations

from models import concepts
from models.classifier import fold_text


def test_violent_verbs_and_dehumanising_nouns_get_their_marker() -> None:
    assert concepts.mark("somebody ought to shoot him") == (
        f"somebody ought to {concepts.VIOLENCE} shoot him"
    )
    assert concepts.mark("they are rats.") == f"they are {concepts.VERMIN} rats."


def test_words_that_only_contain_a_listed_word_are_not_marked() -> None:
    for text in ("the shooter's skills", "a rational debate", "gastronomy", "scrumptious"):
        assert concepts.mark(text) == text


def test_marking_a_text_equals_marking_each_word() -> None:
    text = "russians are vermin and someone should hang them"
    whole = fold_text(text, True, True)
    assert whole == " ".join(fold_text(w, True, True) for w in text.split())


def test_a_marked_word_keeps_its_evidence_span(small_classifier) -> None:
    text = "Somebody ought to shoot the mayor"
    spans = small_classifier.evidence(text, "threat")
    assert any(text[s.start : s.end].lower() == "shoot" for s in spans)

"""Negated and reported hostile words are hidden; said ones are kept."""

from __future__ import annotations

import pytest

from models.context import HIDDEN, hide


@pytest.mark.parametrize(
    "text",
    [
        "i don't think he is stupid at all",
        "nobody calls you an idiot",
        "you are not dumb, just misinformed",
        "they are not vermin, they are our neighbours",
        "calling people idiots is not helpful",
        "someone wrote that they are animals; that is hateful",
        'the minister said "we are not fools" today',
        "i never said you were a liar, read it again",
        "nobody in this thread is calling you a fool",
    ],
)
def test_a_denied_or_reported_hostile_word_is_hidden(text: str) -> None:
    out = hide(text)
    assert HIDDEN in out
    assert not {"stupid", "dumb", "vermin", "idiots", "animals", "fools"} & set(out.split())


@pytest.mark.parametrize(
    "text",
    [
        "you are an idiot",
        "don't be an idiot",
        "you're not just stupid, you're evil",
        "i am calling you an idiot",
        "not bad at all. you are stupid",
        "it's the idiots' fault, don't you think",
        "isn't it clear that they are inferior?",
    ],
)
def test_a_hostile_word_that_is_said_is_kept(text: str) -> None:
    assert hide(text) == text


def test_the_scope_of_a_negation_ends_with_its_clause() -> None:
    assert hide("he is not here, but he is stupid") == "he is not here, but he is stupid"


def test_a_hidden_word_lowers_the_insult_score(small_classifier) -> None:
    denied, said = small_classifier.score(["you are not stupid", "you are stupid"])
    assert denied["insult"] < said["insult"]

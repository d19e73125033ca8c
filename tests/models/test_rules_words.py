"""Word lists: whole words after evasion-proof normalisation, never substrings."""

from __future__ import annotations

import gc
import weakref

import pytest

from models.normalize import normalize
from models.policy import Policy
from models.rules import find_rules, words
from models.rules.words import (
    MAX_DIGESTS,
    MAX_EVIDENCE,
    MAX_MATCHERS,
    content_key,
    find_words,
    matcher_for,
)

BANNED = ("ass", "fuck*", "go to hell")


def banned_matches(text: str) -> list[str]:
    findings = find_words(
        normalize(text), BANNED, guideline="obscene", rule="banned_words", action="reject"
    )
    return [span.text for f in findings for span in f.evidence]


@pytest.mark.parametrize(
    "text",
    [
        "What a class act",
        "Scunthorpe United",
        "a fair assessment",
        "as I said",
        "passes",
        "bass",
        "I paid 455 dollars",
        "Wow!!! as ever",
    ],
)
def test_listed_word_inside_another_word_does_not_match(text: str) -> None:
    assert banned_matches(text) == []


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("you ass", "ass"),
        ("you ASS", "ASS"),
        ("you a s s", "a s s"),
        ("you a.s.s", "a.s.s"),
        ("you @ss", "@ss"),
        ("you 4ss", "4ss"),
        ("you a$$", "a$$"),
        ("you asssssss", "asssssss"),
        ("you \u0430ss", "\u0430ss"),  # Cyrillic a
        ("you a\u200bss", "a\u200bss"),  # zero-width space
        ("you ａｓｓ!", "ａｓｓ"),  # full-width
    ],
)
def test_evasion_spellings_match(text: str, evidence: str) -> None:
    assert banned_matches(text) == [evidence]


def test_doubled_letter_is_not_taken_for_a_single_one() -> None:
    found = find_words(normalize("good"), ("god",), guideline="x", rule="x", action="hold")
    assert found == []


def test_trailing_star_matches_words_starting_with_the_entry() -> None:
    assert banned_matches("fuckers and f*cking") == ["fuckers", "f*cking"]


def test_phrase_entry_matches_the_word_sequence_only() -> None:
    assert banned_matches("Go to   hell, mate") == ["Go to   hell"]
    assert banned_matches("go to the hell") == []


def test_evidence_spans_point_into_the_original_text() -> None:
    text = "Honestly, you are an a s s!!"
    [finding] = find_words(normalize(text), BANNED, guideline="obscene", rule="b", action="reject")
    span = finding.evidence[0]
    assert text[span.start : span.end] == span.text == "a s s"


def test_banned_rejects_and_suspect_holds_through_find_rules() -> None:
    policy = Policy.from_dict({"word_lists": {"banned": ["ass"], "suspect": ["idiot"]}})
    findings = {f.rule: f for f in find_rules("you 1d10t, you @ss", policy)}
    assert findings["banned_words"].action == "reject"
    assert findings["suspect_words"].action == "hold"
    assert findings["banned_words"].guideline == "obscene"


def test_a_word_repeated_thousands_of_times_reports_its_first_hundred_places() -> None:
    text = "ass " * 3000 + "fuck"
    findings = find_words(
        normalize(text), BANNED, guideline="obscene", rule="banned_words", action="reject"
    )
    [finding] = findings
    assert len(finding.evidence) == MAX_EVIDENCE == 100
    assert [s.start for s in finding.evidence[:2]] == [0, 4]
    assert finding.detail == "listed: ass"


def test_lists_with_the_same_words_share_one_compiled_matcher() -> None:
    """A new policy version listing the same words in another order does not compile again."""
    first = Policy.from_dict({"word_lists": {"banned": ["moron", "idiot", "pig*"]}})
    reordered = Policy.from_dict({"word_lists": {"banned": ["pig*", "moron", "idiot", "moron"]}})
    assert first.word_lists.banned != reordered.word_lists.banned
    assert matcher_for(first.word_lists.banned) is matcher_for(reordered.word_lists.banned)
    assert content_key(("a", "b")) == content_key(("b", "a", "b")) != content_key(("a",))
    assert matcher_for(("moron", "idiot")) is not matcher_for(("moron",))


def test_at_most_max_matchers_compiled_matchers_stay_alive() -> None:
    """Memory per process is bounded: an evicted matcher is freed, nothing else keeps it."""
    refs = [weakref.ref(matcher_for((f"bounded{i}", "moron"))) for i in range(MAX_MATCHERS + 40)]
    gc.collect()
    alive = [i for i, ref in enumerate(refs) if ref() is not None]
    assert len(alive) == MAX_MATCHERS
    assert alive == list(range(40, MAX_MATCHERS + 40))  # the least recently used went first
    assert words._key_of.cache_info().currsize <= MAX_DIGESTS


def test_a_list_used_again_keeps_its_matcher_past_newer_lists() -> None:
    kept = matcher_for(("kept", "moron"))
    for i in range(MAX_MATCHERS - 1):
        matcher_for((f"filler{i}",))
        assert matcher_for(("kept", "moron")) is kept  # each use makes it the most recent
    matcher_for(("one more",))
    assert matcher_for(("moron", "kept")) is kept

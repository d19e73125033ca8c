"""Masked words, a trailing "$" for "s", and words spelled with symbols only."""

import pytest

from models.normalize import normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [("f*ol", "fool"), ("you f**l", "you fool"), ("h*e", "hoe"), ("d*ckhead", "dickhead")],
)
def test_less_common_masked_words_are_filled(text: str, expected: str) -> None:
    assert normalize(text).text == expected


def test_common_masked_word_wins_over_a_less_common_one() -> None:
    """ "s***s" fits "sucks" and the less common "sluts": the common word is filled in."""
    assert normalize("it s***s").text == "it sucks"


def test_mask_that_fits_several_common_words_reads_as_the_most_often_masked() -> None:
    """ "s**t" fits "shit" and "slut": either way it is the profanity its writer masked."""
    assert normalize("s**t").text == "shit"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("go f*** themselves", "go fuck themselves"),
        ("pieces of s***", "pieces of shit"),
        ("f***!", "fuck!"),
        ("f*****g liars", "fucking liars"),
        ("b******t.", "bullshit."),
        ("f#@k off", "fuck off"),
        ("a f@#$ing disgrace", "a fucking disgrace"),
        ("sh##", "shit"),
    ],
)
def test_runs_of_masks_inside_or_ending_a_word_read_as_the_word_they_fit(
    text: str, expected: str
) -> None:
    assert normalize(text).text == expected


@pytest.mark.parametrize("text", ["great* news", "45% of voters", "he said *** no", "ab***"])
def test_masks_that_fit_no_listed_word_are_left_alone(text: str) -> None:
    assert normalize(text).text.replace("*", "") == text.lower().replace("*", "")


def test_evidence_covers_the_whole_masked_word() -> None:
    norm = normalize("go f*** yourself")
    start = norm.text.index("fuck")
    assert norm.to_original(start, start + 4) == (3, 7)  # "f***", masks included


@pytest.mark.parametrize(
    ("text", "expected"),
    [("idiot$", "idiots"), ("you idiot$.", "you idiots."), ("loser$!", "losers!"), ("a$$", "ass")],
)
def test_trailing_dollar_after_letters_is_an_s(text: str, expected: str) -> None:
    assert normalize(text).text == expected


def test_dollar_after_a_short_currency_code_is_kept() -> None:
    assert normalize("US$ 100 or HK$ 80").text == "us$ 100 or hk$ 80"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("@$$", "ass"), ("kiss my @$$", "kiss my ass"), ("$#!+", "shit"), ("$#!+!!", "shit!!")],
)
def test_symbol_only_word_that_spells_a_listed_word_is_rewritten(text: str, expected: str) -> None:
    assert normalize(text).text == expected


@pytest.mark.parametrize(
    "text", ["$100 and 45%", "!! ??", "911 @ 5pm", "+1 $$", "#@!", "1+1", "7#47"]
)
def test_symbol_only_word_that_spells_nothing_listed_is_kept(text: str) -> None:
    assert normalize(text).text == text


def test_symbol_word_maps_back_to_its_own_characters() -> None:
    original = "kiss my @$$ now"
    norm = normalize(original)
    start = norm.text.index("ass")
    a, b = norm.to_original(start, start + 3)
    assert original[a:b] == "@$$"

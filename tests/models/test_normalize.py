from hypothesis import given, settings
from hypothesis import strategies as st

from models.normalize import normalize


def test_lowercases_and_keeps_plain_text() -> None:
    assert normalize("Hello World").text == "hello world"


def test_joins_spaced_out_letters() -> None:
    assert "fuck" in normalize("f u c k you").text
    assert "fuck" in normalize("f.u.c.k off").text


def test_leetspeak_digits_and_symbols_become_letters() -> None:
    assert normalize("1d10t").text == "idiot"
    assert normalize("$h!t happens").text == "shit happens"
    assert normalize("a$$hole").text == "asshole"


def test_masked_profanity_is_filled_from_the_lexicon() -> None:
    assert normalize("f**k this").text == "fuck this"


def test_numbers_with_units_are_not_leetspeak() -> None:
    assert normalize("the 2nd at 10am in the 1980s").text == "the 2nd at 10am in the 1980s"


def test_trailing_exclamation_is_not_a_letter() -> None:
    assert normalize("idiot!").text == "idiot!"


def test_stretched_letters_are_squeezed() -> None:
    assert normalize("stuuuuupid").text == "stupid"


def test_invisible_characters_are_removed() -> None:
    assert normalize("st\u200bu\u00adpid").text == "stupid"


def test_lookalike_unicode_is_folded() -> None:
    assert normalize("ｉｄｉｏｔ").text == "idiot"  # fullwidth
    assert normalize("іdіоt").text == "idiot"  # Cyrillic і, о
    assert normalize("fúck").text == "fuck"


def test_offsets_point_at_the_source_characters() -> None:
    original = "You are a 1d\u200b10t"
    norm = normalize(original)
    start = norm.text.index("idiot")
    a, b = norm.to_original(start, start + 5)
    assert original[a:b] == "1d\u200b10t"


def test_empty_range_maps_to_a_position() -> None:
    norm = normalize("abc")
    assert norm.to_original(3, 3) == (3, 3)


def test_handles_a_very_long_word() -> None:
    norm = normalize("a" * 100_000 + " b")
    assert norm.text == "a b"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_offsets_are_valid(text: str) -> None:
    norm = normalize(text)
    assert len(norm.offsets) == len(norm.text)
    assert all(0 <= o < len(text) for o in norm.offsets)
    assert list(norm.offsets) == sorted(norm.offsets)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("aA1!$@* .-_\u200b\u0301oO0ſ"), max_size=60))
def test_evasion_alphabet_keeps_offsets_monotonic(text: str) -> None:
    norm = normalize(text)
    assert list(norm.offsets) == sorted(norm.offsets)
    for i in range(len(norm.text)):
        a, b = norm.to_original(i, i + 1)
        assert 0 <= a < b <= len(text)


def test_html_entities_are_decoded_and_map_back_to_the_entity() -> None:
    original = "you&#8217;re an &quot;idiot&quot; &amp; a liar &#128514; AT&T &amp"
    norm = normalize(original)
    assert norm.text == 'you\u2019re an "idiot" & a liar \U0001f602 at&t &amp'
    start = norm.text.index("&")
    assert original[slice(*norm.to_original(start, start + 1))] == "&amp;"
    start = norm.text.index("idiot")
    assert original[slice(*norm.to_original(start, start + 5))] == "idiot"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("&#;x0129amp ltA1$\u200b"), max_size=60))
def test_entity_alphabet_keeps_offsets_valid(text: str) -> None:
    norm = normalize(text)
    assert len(norm.offsets) == len(norm.text)
    assert list(norm.offsets) == sorted(norm.offsets)
    assert all(0 <= o < len(text) for o in norm.offsets)


def test_a_range_ending_on_a_decoded_character_ends_after_its_entity() -> None:
    original = "an &quot;idiot&quot; here"
    norm = normalize(original)
    start = norm.text.index('"idiot"')
    a, b = norm.to_original(start, start + len('"idiot"'))
    assert original[a:b] == "&quot;idiot&quot;"

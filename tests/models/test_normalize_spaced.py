"""Spaced-out words next to ordinary one-letter words ("a", "I", the "s" of "council's")."""

import pytest

from models.normalize import normalize
from models.rules.words import find_words


def _banned(text: str, word: str) -> list[str]:
    findings = find_words(
        normalize(text), (word,), guideline="obscene", rule="banned_words", action="reject"
    )
    return [span.text for f in findings for span in f.evidence]


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("council's b.u.d.g.e.t", "b.u.d.g.e.t"),  # the known bug: "s" was joined to the run
        ("council’s b.u.d.g.e.t", "b.u.d.g.e.t"),  # typographic apostrophe
        ("the council's b u d g e t again", "b u d g e t"),
        ("a b.u.d.g.e.t", "b.u.d.g.e.t"),
        ("I b-u-d-g-e-t", "b-u-d-g-e-t"),
        ("b.u.d.g.e.t a", "b.u.d.g.e.t"),
        ("the b.u.d.g.e.t", "b.u.d.g.e.t"),
    ],
)
def test_spelled_out_word_is_found_next_to_a_one_letter_word(text: str, evidence: str) -> None:
    assert _banned(text, "budget") == [evidence]


def test_a_letter_after_an_apostrophe_stays_with_its_word() -> None:
    assert normalize("council's b.u.d.g.e.t").text == "council's budget"
    assert normalize("it's f u c k").text == "it's fuck"


def test_runs_with_one_separator_throughout_are_still_joined() -> None:
    assert normalize("s h i t").text == "shit"
    assert normalize("f. u. c. k off").text == "fuck off"
    assert normalize("'f u c k'").text == "'fuck'"


def test_scunthorpe_words_stay_clear_after_the_split() -> None:
    assert _banned("a c.l.a.s.s act", "ass") == []

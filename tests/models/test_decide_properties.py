"""Properties of find_rules + decide: they never crash and never approve a banned word."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.categories import CATEGORIES
from models.decide import decide
from models.policy import DEFAULT_POLICY, Policy
from models.rules import AuthorContext, find_rules

BANNED = ["ass", "bastard", "wanker"]
POLICY = Policy.from_dict({"word_lists": {"banned": BANNED, "suspect": ["idiot"]}})

# One evasion per character position: what commenters actually do to slip past a filter.
_LEET = {"a": "4@", "s": "5$", "e": "3", "o": "0", "t": "7+", "i": "1!", "b": "8"}
_CONFUSABLE = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "s": "\u0455", "k": "\u043a"}


@st.composite
def evasion(draw: st.DrawFn, word: str) -> str:
    style = draw(
        st.sampled_from(["plain", "upper", "leet", "spaced", "dotted", "stretch", "cyr", "zw"])
    )
    rng = random.Random(draw(st.integers(0, 2**16)))
    if style == "upper":
        return word.upper()
    if style == "leet":
        letters = [rng.choice(_LEET[c]) if c in _LEET and rng.random() < 0.5 else c for c in word]
        if letters == list(word) and word[0] in _LEET:
            letters[0] = _LEET[word[0]][0]
        if all(c.isdigit() for c in letters):
            letters[-1] = word[-1]  # all digits ("455") is a number, not a spelling
        return "".join(letters)
    if style == "spaced":
        return " ".join(word)
    if style == "dotted":
        return ".".join(word)
    if style == "stretch":
        i = rng.randrange(len(word))
        return word[:i] + word[i] * rng.randint(3, 8) + word[i + 1 :]
    if style == "cyr":
        return "".join(_CONFUSABLE.get(c, c) for c in word)
    if style == "zw":
        return "\u200b".join(word)
    return word


# Surrounding words of two or more characters: a lone "0" next to "a s s" really is ambiguous
# ("a s s 0" reads as "asso"), which no filter can settle.
_WORD = st.builds(
    str.__add__,
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789", min_size=2, max_size=9),
    st.sampled_from(["", ",", ".", "!", "?", "..."]),
)
_FILLER = st.lists(_WORD, max_size=8).map(" ".join)
_SCORES = st.dictionaries(
    st.sampled_from(CATEGORIES), st.floats(min_value=0.0, max_value=1.0), max_size=len(CATEGORIES)
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    word=st.sampled_from(BANNED).flatmap(evasion),
    before=_FILLER,
    after=_FILLER,
    scores=_SCORES,
)
def test_a_banned_word_in_any_evasion_spelling_is_rejected(
    word: str, before: str, after: str, scores: dict[str, float]
) -> None:
    text = f"{before} {word} {after}"
    decision = decide(scores, POLICY, findings=find_rules(text, POLICY))
    assert decision.action == "reject", text
    assert any(r.rule == "banned_words" for r in decision.reasons)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(max_size=300),
    scores=st.dictionaries(
        st.text(max_size=20) | st.sampled_from(CATEGORIES),
        st.floats(allow_nan=True, allow_infinity=True) | st.none() | st.text(max_size=3),
    ),
    same=st.integers(-5, 10),
    cross=st.integers(-5, 10),
    recent=st.lists(st.sampled_from(["approve", "hold", "reject", "?"]), max_size=20),
    prior=st.dictionaries(st.sampled_from(["approve", "hold", "reject"]), st.integers(-3, 10)),
)
def test_decide_never_crashes_and_always_answers_an_action(
    text: str,
    scores: dict,
    same: int,
    cross: int,
    recent: list[str],
    prior: dict[str, int],
) -> None:
    policy = Policy.from_dict(
        {"new_commenter": {"enabled": True}, "author_history": {"enabled": True}}
    )
    author = AuthorContext(prior, tuple(recent), same, cross)
    for p in (DEFAULT_POLICY, policy, POLICY):
        decision = decide(scores, p, findings=find_rules(text, p), author=author)
        assert decision.action in ("approve", "hold", "reject")
        assert (decision.action == "approve") == (decision.reasons == [])
        for reason in decision.reasons:
            for span in reason.evidence:
                assert text[span.start : span.end] == span.text
        decision.to_dict()

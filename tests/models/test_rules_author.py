"""Author-context rules (repeats, new commenters, author history) and the repeat fingerprint."""

from __future__ import annotations

from models.policy import DEFAULT_POLICY, Policy
from models.rules import AuthorContext, author_findings, fingerprint


def fired(author: AuthorContext, policy: Policy = DEFAULT_POLICY) -> list[tuple[str, str, str]]:
    return [(f.guideline, f.rule, f.action) for f in author_findings(author, policy)]


def test_nothing_known_fires_nothing_by_default() -> None:
    assert fired(AuthorContext()) == []


def test_same_text_again_by_the_author_is_spam() -> None:
    assert fired(AuthorContext(same_author_repeats=1)) == [("spam", "repeats", "hold")]


def test_same_text_by_many_authors_is_spam() -> None:
    assert fired(AuthorContext(cross_author_repeats=2)) == []
    assert fired(AuthorContext(cross_author_repeats=3)) == [
        ("spam", "repeats_across_authors", "hold")
    ]


def test_repeat_action_and_limits_come_from_the_policy() -> None:
    policy = Policy.from_dict({"repeats": {"action": "reject", "max_same_author": 3}})
    assert fired(AuthorContext(same_author_repeats=2), policy) == []
    assert fired(AuthorContext(same_author_repeats=3), policy) == [("spam", "repeats", "reject")]


def test_new_commenter_first_n_comments_are_held_when_enabled() -> None:
    policy = Policy.from_dict({"new_commenter": {"enabled": True, "first_n": 2}})
    assert fired(AuthorContext(), policy) == [("new_commenter", "new_commenter", "hold")]
    assert fired(AuthorContext(prior_decisions={"approve": 1}), policy) != []
    assert fired(AuthorContext(prior_decisions={"approve": 1, "hold": 1}), policy) == []
    assert fired(AuthorContext()) == []  # off by default


def test_author_with_mostly_rejected_recent_comments_is_held_when_enabled() -> None:
    policy = Policy.from_dict({"author_history": {"enabled": True, "window": 4}})
    bad = AuthorContext(recent_actions=("reject", "reject", "approve", "approve", "reject"))
    assert fired(bad, policy) == [("author_history", "author_history", "hold")]
    good = AuthorContext(recent_actions=("reject", "approve", "approve", "approve"))
    assert fired(good, policy) == []
    too_few = AuthorContext(recent_actions=("reject", "reject"))
    assert fired(too_few, policy) == []
    assert fired(bad) == []  # off by default


def test_malformed_context_values_count_as_nothing_known() -> None:
    odd = AuthorContext(prior_decisions={"approve": -3}, same_author_repeats=-1)  # type: ignore[arg-type]
    assert fired(odd) == []


def test_fingerprint_ignores_case_spacing_punctuation_digits_and_evasion() -> None:
    base = fingerprint("Buy cheap watches now! 50% off")
    assert fingerprint("buy  CHEAP watches now -- 70% off!!!") == base
    assert fingerprint("Buy ch3ap w@tches now! 50% off") == base
    assert fingerprint("Buy cheap \u0432atches now") != base  # different words, different key
    assert fingerprint("Sell cheap watches now! 50% off") != base
    assert len(base) == 32 and int(base, 16) >= 0

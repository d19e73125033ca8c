"""Replaying the author rules over a site's stored history for `sites simulate`."""

from __future__ import annotations

from models.decide import decide
from models.policy import Policy
from models.rules import fingerprint
from models.simulation_data import PastComment, replay_authors

SPAM = fingerprint("Buy cheap watches at my shop")


def _past(cid: str, author: str, at: float, status: str = "approved", text_print: str = SPAM):
    return PastComment(cid, author, at, status, text_print)


def test_repeats_count_earlier_copies_within_the_window_only() -> None:
    policy = Policy.from_dict({"repeats": {"action": "hold", "window_seconds": 60}})
    history = [
        _past("c3", "bob", 130.0),  # given out of order: replay sorts by time
        _past("c1", "ann", 100.0),
        _past("c2", "ann", 110.0),
        _past("c4", "cat", 200.0),  # the window (60 s) has passed c1..c3
        _past("c5", "ann", 150.0, text_print=fingerprint("A different text")),
    ]
    ctx = replay_authors(history, policy)
    assert (ctx["c1"].same_author_repeats, ctx["c1"].cross_author_repeats) == (0, 0)
    assert (ctx["c2"].same_author_repeats, ctx["c2"].cross_author_repeats) == (1, 0)
    assert (ctx["c3"].same_author_repeats, ctx["c3"].cross_author_repeats) == (0, 1)
    assert (ctx["c4"].same_author_repeats, ctx["c4"].cross_author_repeats) == (0, 0)
    assert ctx["c5"].same_author_repeats == 0
    # The second copy by the same author is held, as the worker would have held it.
    assert decide({}, policy, author=ctx["c2"]).action == "hold"
    assert decide({}, policy, author=ctx["c1"]).action == "approve"


def test_new_commenter_and_author_history_see_earlier_statuses_newest_first() -> None:
    policy = Policy.from_dict(
        {
            "repeats": {"action": "allow"},
            "new_commenter": {"enabled": True, "first_n": 2},
            "author_history": {"enabled": True, "window": 3, "min_comments": 3},
        }
    )
    statuses = ["rejected", "approved", "rejected", "rejected", "pending"]
    history = [
        _past(f"c{i}", "dan", float(i), s, fingerprint(f"text {i}")) for i, s in enumerate(statuses)
    ]
    ctx = replay_authors(history, policy)
    assert ctx["c0"].prior_decisions == {} and ctx["c1"].prior_decisions == {"reject": 1}
    assert ctx["c4"].recent_actions == ("reject", "reject", "approve")  # window 3
    assert ctx["c4"].same_author_repeats == 0  # repeats rule off: not counted
    assert decide({}, policy, author=ctx["c0"]).action == "hold"  # new commenter
    assert decide({}, policy, author=ctx["c2"]).action == "approve"  # 2 earlier, 1 of 2 rejected
    held = decide({}, policy, author=ctx["c4"])  # 2 of the last 3 rejected
    assert held.action == "hold"
    assert {r.guideline for r in held.reasons} == {"author_history"}

"""Rules that need the author's history: repeats, new commenters and a record of rejections.

The worker computes `AuthorContext` from Redis and the database; the rules here stay pure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from models.policy import Policy
from models.rules.finding import Finding

__all__ = [
    "AuthorContext",
    "author_findings",
    "context_from_history",
    "history_limit",
]


@dataclass(frozen=True)
class AuthorContext:
    """What is known about the author; the defaults mean "nothing known" and fire no rule."""

    # approve/hold/reject counts of the author's earlier comments on this site.
    prior_decisions: Mapping[str, int] = field(default_factory=dict)
    # The author's recent decisions on this site, newest first ("approve", "hold", "reject").
    recent_actions: tuple[str, ...] = ()
    # Earlier copies (same fingerprint) within the policy's window, this comment excluded:
    same_author_repeats: int = 0  # by this author
    cross_author_repeats: int = 0  # by other authors, on any article of the site
    # What the site's moderators decided about the author: "trusted", "always_hold", "banned"
    # or "" (nothing). Trusted is applied in `decide` (it turns a hold into an approval).
    standing: str = ""


# Stored comment statuses as the decisions the rules count.
_ACTION_BY_STATUS = {"approved": "approve", "held": "hold", "rejected": "reject"}


def context_from_history(
    statuses: Sequence[str], same_author_repeats: int = 0, cross_author_repeats: int = 0
) -> AuthorContext:
    """The context from the statuses of the author's earlier comments, newest first.

    Pending comments count as earlier comments for the new-commenter rule, not as decisions.
    """
    prior = Counter(_ACTION_BY_STATUS.get(s, "pending") for s in statuses)
    recent = tuple(_ACTION_BY_STATUS[s] for s in statuses if s in _ACTION_BY_STATUS)
    return AuthorContext(
        prior_decisions=dict(prior),
        recent_actions=recent,
        same_author_repeats=same_author_repeats,
        cross_author_repeats=cross_author_repeats,
    )


def history_limit(policy: Policy) -> int:
    """How many of the author's earlier comments the policy's rules look at."""
    return max(
        policy.new_commenter.first_n if policy.new_commenter.enabled else 0,
        policy.author_history.window if policy.author_history.enabled else 0,
    )


def _count(value: object) -> int:
    # The worker builds this from stored data; a bad value must not crash the decision.
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def author_findings(author: AuthorContext, policy: Policy) -> list[Finding]:
    findings = []
    if author.standing == "banned":
        detail = "the site's moderators banned this author"
        findings.append(Finding("banned_author", "banned_author", "reject", [], detail))
    elif author.standing == "always_hold":
        detail = "the site's moderators review every comment by this author"
        findings.append(Finding("author_hold", "always_hold", "hold", [], detail))
    rep = policy.repeats
    if rep.action != "allow":
        same, cross = _count(author.same_author_repeats), _count(author.cross_author_repeats)
        if same + 1 > rep.max_same_author:
            detail = f"posted {same + 1} times by this author within {rep.window_seconds} s"
            findings.append(Finding("spam", "repeats", rep.action, [], detail))
        if cross + 1 > rep.max_across_authors:
            detail = f"posted {cross + 1} times by different authors within {rep.window_seconds} s"
            findings.append(Finding("spam", "repeats_across_authors", rep.action, [], detail))
    new = policy.new_commenter
    if new.enabled:
        prior = sum(_count(v) for v in author.prior_decisions.values())
        if prior < new.first_n:
            detail = f"comment {prior + 1} of the first {new.first_n} by this author"
            findings.append(Finding("new_commenter", "new_commenter", "hold", [], detail))
    hist = policy.author_history
    if hist.enabled:
        recent = [a for a in author.recent_actions[: hist.window] if isinstance(a, str)]
        rejected = sum(a == "reject" for a in recent)
        if len(recent) >= hist.min_comments and rejected / len(recent) >= hist.reject_share:
            detail = f"{rejected} of the author's last {len(recent)} comments were rejected"
            findings.append(Finding("author_history", "author_history", "hold", [], detail))
    return findings

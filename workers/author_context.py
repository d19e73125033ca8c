"""What the author rules need to know, gathered only for the rules a site's policy switches on.

- Repeats: Redis is the short-term memory. Per site and text fingerprint, a sorted set holds
  "<comment id>:<author id>" scored by the comment's time; its TTL is the policy's window, so it
  cleans itself up. Every worker process shares it. The member names the comment, so a job that
  runs twice does not count its own comment twice.
- New commenter and author history: one indexed query on the author's latest comments on the site
  (their statuses carry a moderator's later decision over the machine's).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import redis
import sqlalchemy as sa

from models.policy import Policy
from models.rules import AuthorContext, fingerprint
from service import db

# A spam wave can post one text thousands of times; counting needs only the latest few hundred.
MAX_REMEMBERED = 500
_NO_WORDS = fingerprint("")  # emoji or "!!!" alone: too common to call a repeat
_ACTION_BY_STATUS = {"approved": "approve", "held": "hold", "rejected": "reject"}


def repeats_key(site_id: str, print_: str) -> str:
    return f"moderation:repeats:{site_id}:{print_}"


def _timestamp(value: datetime) -> float:
    if value.tzinfo is None:  # SQLite hands back naive datetimes, stored as UTC
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def count_repeats(conn: redis.Redis, comment: dict, window_seconds: int) -> tuple[int, int]:
    """(other copies by this author, other authors who posted a copy) within the window.

    Copies posted after this one count too when they were decided first: parallel workers (and a
    batch) do not decide in posting order, and counting only earlier ones would let both of two
    copies through when the later one is decided first. The count only grows, so the copy
    decided last always sees every other one.
    """
    return count_repeats_many(conn, [(comment, window_seconds)])[0]


def count_repeats_many(
    conn: redis.Redis, comments: Sequence[tuple[dict, int]]
) -> list[tuple[int, int]]:
    """count_repeats for (comment, window) pairs in order, in one round trip (a batch).

    One MULTI/EXEC: each comment's commands run after the previous comment's, exactly as one
    call per comment in this order would, and no other worker's commands come in between.
    """
    pipe = conn.pipeline(transaction=True)
    asked: list[int] = []  # index of each comment whose copies the pipeline reads
    for i, (comment, window_seconds) in enumerate(comments):
        print_ = fingerprint(comment["text"])
        if print_ == _NO_WORDS:
            continue
        key = repeats_key(comment["site_id"], print_)
        at = _timestamp(comment["created_at"])
        member = f"{comment['id']}:{comment['author_id']}"
        pipe.zadd(key, {member: at}, nx=True)
        pipe.zremrangebyscore(key, "-inf", f"({at - window_seconds}")
        pipe.zremrangebyrank(key, 0, -MAX_REMEMBERED - 1)
        pipe.zrangebyscore(key, at - window_seconds, at + window_seconds)
        pipe.expire(key, window_seconds + 60)
        asked.append(i)
    counts = [(0, 0)] * len(comments)
    if not asked:
        return counts
    results = pipe.execute()
    for n, i in enumerate(asked):
        counts[i] = _tally(comments[i][0], results[5 * n + 3])
    return counts


def _tally(comment: dict, copies: list) -> tuple[int, int]:
    same = 0
    others: set[str] = set()
    for raw in copies:
        comment_id, _, author = (raw.decode() if isinstance(raw, bytes) else raw).partition(":")
        if comment_id == comment["id"]:
            continue
        if author == comment["author_id"]:
            same += 1
        else:
            others.add(author)
    return same, len(others)


def history(
    conn: sa.Connection, comment: dict, limit: int, decided: Mapping[str, str] | None = None
) -> list[str]:
    """Statuses of the author's latest `limit` earlier comments on the site, newest first.

    `decided` overlays statuses not yet committed: the batch path decides a batch in one
    transaction, so an earlier comment of the same batch still reads as pending.
    """
    c = db.comments.c
    decided = decided or {}
    rows = conn.execute(
        sa.select(c.id, c.status)
        .where(
            c.site_id == comment["site_id"],
            c.author_id == comment["author_id"],
            c.created_at <= comment["created_at"],
            c.id != comment["id"],
        )
        .order_by(c.created_at.desc())
        .limit(limit)
    )
    return [decided.get(r.id, r.status) for r in rows]


def author_context(
    engine: sa.Engine,
    conn: redis.Redis,
    comment: dict,
    policy: Policy,
    decided: Mapping[str, str] | None = None,
    repeats: tuple[int, int] | None = None,
) -> AuthorContext:
    """`decided`: statuses of comments decided in the same batch, not yet stored; `repeats`:
    count_repeats already done for the batch (`count_repeats_many`)."""
    same = cross = 0
    if policy.repeats.action != "allow":
        if repeats is None:
            repeats = count_repeats(conn, comment, policy.repeats.window_seconds)
        same, cross = repeats
    limit = max(
        policy.new_commenter.first_n if policy.new_commenter.enabled else 0,
        policy.author_history.window if policy.author_history.enabled else 0,
    )
    statuses: list[str] = []
    if limit:
        with engine.connect() as db_conn:
            statuses = history(db_conn, comment, limit, decided)
    # Pending comments count as earlier comments for the new-commenter rule, not as decisions.
    prior = Counter(_ACTION_BY_STATUS.get(s, "pending") for s in statuses)
    recent = tuple(_ACTION_BY_STATUS[s] for s in statuses if s in _ACTION_BY_STATUS)
    return AuthorContext(
        prior_decisions=dict(prior),
        recent_actions=recent,
        same_author_repeats=same,
        cross_author_repeats=cross,
    )

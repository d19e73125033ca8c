"""What the author rules need to know, gathered only for the rules a site's policy switches on.

- Repeats: Redis is the short-term memory. Per site and text fingerprint, a sorted set holds
  "<comment id>:<author id>" scored by the comment's time; its TTL is the policy's window, so it
  cleans itself up. Every worker process shares it. The member names the comment, so a job that
  runs twice does not count its own comment twice.
- New commenter and author history: one indexed query on the author's latest comments on the site
  (their statuses carry a moderator's later decision over the machine's).
- Standing (trusted / always hold / banned, set by moderators or the site): one primary-key
  lookup, kept per process for AUTHOR_STANDING_CACHE_SECONDS, since most authors have none and
  a busy thread asks about the same few authors again and again.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

import redis
import sqlalchemy as sa

from models.policy import Policy
from models.rules import AuthorContext, fingerprint
from models.rules.author import context_from_history, history_limit
from service.storage import authors, db

# A spam wave can post one text thousands of times; counting needs only the latest few hundred.
MAX_REMEMBERED = 500
_NO_WORDS = fingerprint("")  # emoji or "!!!" alone: too common to call a repeat


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


# For each comment, in order: remember it, forget copies older than the window and all but the
# latest MAX_REMEMBERED, then count the other copies in the window: by the same author, and
# distinct other authors. One script for the whole batch: atomic like MULTI/EXEC, but one
# command and a reply of two integers a comment instead of five commands and the member lists.
_COUNT_COPIES = """
local counts = {}
for i, key in ipairs(KEYS) do
  local base = (i - 1) * 4
  local member, at, window = ARGV[base + 1], tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
  local own_id, author = ARGV[base + 4], string.sub(member, #ARGV[base + 4] + 2)
  redis.call('ZADD', key, 'NX', at, member)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('(%.17g', at - window))
  redis.call('ZREMRANGEBYRANK', key, 0, -tonumber(ARGV[#ARGV]) - 1)
  local same, others, seen = 0, 0, {}
  for _, copy in ipairs(redis.call('ZRANGEBYSCORE', key, at - window, at + window)) do
    local sep = string.find(copy, ':', 1, true)
    if sep and string.sub(copy, 1, sep - 1) ~= own_id then
      local by = string.sub(copy, sep + 1)
      if by == author then
        same = same + 1
      elseif not seen[by] then
        seen[by] = true
        others = others + 1
      end
    end
  end
  redis.call('EXPIRE', key, window + 60)
  counts[#counts + 1] = same
  counts[#counts + 1] = others
end
return counts
"""


def count_repeats_many(
    conn: redis.Redis, comments: Sequence[tuple[dict, int]]
) -> list[tuple[int, int]]:
    """count_repeats for (comment, window) pairs in order, in one round trip (a batch).

    Each comment's commands run after the previous comment's, exactly as one call per comment
    in this order would, and no other worker's commands come in between.
    """
    keys: list[str] = []
    args: list[str | float | int] = []
    asked: list[int] = []  # index of each comment whose copies the script counts
    for i, (comment, window_seconds) in enumerate(comments):
        print_ = fingerprint(comment["text"])
        if print_ == _NO_WORDS:
            continue
        keys.append(repeats_key(comment["site_id"], print_))
        member = f"{comment['id']}:{comment['author_id']}"
        args += [member, repr(_timestamp(comment["created_at"])), window_seconds, comment["id"]]
        asked.append(i)
    counts = [(0, 0)] * len(comments)
    if not asked:
        return counts
    flat = conn.register_script(_COUNT_COPIES)(keys=keys, args=[*args, MAX_REMEMBERED])
    for n, i in enumerate(asked):
        counts[i] = (int(flat[2 * n]), int(flat[2 * n + 1]))
    return counts


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


MAX_CACHED_STANDINGS = 10_000
# (site, author) -> (read at, standing, when it expires or None)
_standings: OrderedDict[tuple[str, str], tuple[float, str, datetime | None]] = OrderedDict()
_standings_lock = threading.Lock()


def standing_of(conn: sa.Connection, site_id: str, author_id: str, cache_seconds: float) -> str:
    """The author's standing on the site ("" for none), read at most every `cache_seconds`.

    A suspension ends on time: a cached standing past its expiry reads as none.
    """
    key = (site_id, author_id)
    now = time.monotonic()
    with _standings_lock:
        cached = _standings.get(key)
    if cached is not None and now - cached[0] < cache_seconds:
        expires = cached[2]
        return "" if expires is not None and expires <= db.utcnow() else cached[1]
    found = authors.get_standing(conn, site_id, author_id)
    return _remember(key, now, found)[1]


def prefetch_standings(
    conn: sa.Connection, authors_by_site: Mapping[str, Sequence[str]], cache_seconds: float
) -> None:
    """Read the standings a batch will ask standing_of for, one query per site for those not
    cached (or cached longer than `cache_seconds`), so the batch asks no more one by one."""
    now = time.monotonic()
    for site_id, author_ids in authors_by_site.items():
        with _standings_lock:
            stale = [
                a
                for a in dict.fromkeys(author_ids)
                if (cached := _standings.get((site_id, a))) is None
                or now - cached[0] >= cache_seconds
            ]
        if not stale:
            continue
        found = authors.get_standings(conn, site_id, stale)
        for author_id in stale:
            _remember((site_id, author_id), now, found.get(author_id))


def _remember(
    key: tuple[str, str], now: float, found: Mapping | None
) -> tuple[float, str, datetime | None]:
    entry = (now, found["standing"], found["expires_at"]) if found else (now, "", None)
    with _standings_lock:
        _standings[key] = entry
        _standings.move_to_end(key)
        while len(_standings) > MAX_CACHED_STANDINGS:
            _standings.popitem(last=False)
    return entry


def author_context(
    engine: sa.Engine,
    conn: redis.Redis,
    comment: dict,
    policy: Policy,
    decided: Mapping[str, str] | None = None,
    repeats: tuple[int, int] | None = None,
    standing: str = "",
) -> AuthorContext:
    """`decided`: statuses of comments decided in the same batch, not yet stored; `repeats`:
    count_repeats already done for the batch (`count_repeats_many`)."""
    same = cross = 0
    if policy.repeats.action != "allow":
        if repeats is None:
            repeats = count_repeats(conn, comment, policy.repeats.window_seconds)
        same, cross = repeats
    limit = history_limit(policy)
    statuses: list[str] = []
    if limit:
        with engine.connect() as db_conn:
            statuses = history(db_conn, comment, limit, decided)
    context = context_from_history(statuses, same, cross)
    return replace(context, standing=standing) if standing else context

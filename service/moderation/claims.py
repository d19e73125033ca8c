"""Claims: the moderator who opens a comment holds it for a few minutes (a Redis key with a TTL).

A claim is advice to people, not a lock on data: deciding checks it so two moderators never decide
the same comment by accident, and it expires by itself when someone walks away.
"""

from __future__ import annotations

from service.transport import broker

CLAIM_SECONDS = 300


def claim(comment_id: str, moderator: str) -> str:
    """Claim for `moderator` (or renew their claim); returns who holds it afterwards."""
    r = broker.connection()
    key = broker.claim_key(comment_id)
    if r.set(key, moderator, nx=True, ex=CLAIM_SECONDS):
        return moderator
    holder = holder_of(comment_id)
    if holder == moderator:
        r.expire(key, CLAIM_SECONDS)
    elif holder is None:  # expired between the two calls
        return claim(comment_id, moderator)
    return holder


def holder_of(comment_id: str) -> str | None:
    raw = broker.connection().get(broker.claim_key(comment_id))
    return raw.decode() if isinstance(raw, bytes) else raw


def holders(comment_ids: list[str]) -> dict[str, str]:
    if not comment_ids:
        return {}
    values = broker.connection().mget([broker.claim_key(c) for c in comment_ids])
    return {
        c: (v.decode() if isinstance(v, bytes) else v)
        for c, v in zip(comment_ids, values, strict=True)
        if v is not None
    }


def release(comment_id: str, moderator: str) -> str | None:
    """Drop the claim if `moderator` holds it; returns who still holds it (someone else) or None.

    Someone else's claim is left alone.
    """
    r = broker.connection()
    key = broker.claim_key(comment_id)
    # Compare-and-delete in one step, so a claim taken over meanwhile is not dropped.
    dropped = r.eval(
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end "
        "return 0",
        1,
        key,
        moderator,
    )
    return None if dropped else holder_of(comment_id)

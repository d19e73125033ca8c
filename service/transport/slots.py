"""Leased slots in Redis: at most `cap` holders of one key at once, across every process.

Each slot is a member of a sorted set scored by its expiry, so a process killed while it holds one
leaves a slot that lapses by itself instead of a counter that never comes down; the set expires
with its latest slot. The `?wait=` cap per site (service/transport/waiters.py) and the webhook
deliveries in flight per site (service/webhooks/fair_share.py) are such slots.
"""

from __future__ import annotations

import secrets
import time

import redis

# Drop lapsed slots, add ours, and give it back at once when the key already holds its cap.
# KEYS[1] the slot set; ARGV: now, our expiry, the cap, our member.
_CLAIM = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
-- The set lives as long as its latest slot, which a shorter lease must not cut short.
local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], math.ceil(tonumber(latest[2]) * 1000))
return 1
"""


def claim(conn: redis.Redis, key: str, cap: int, seconds: float) -> str | None:
    """A slot of `key` for at most `seconds` (give it back with release), or None when `cap`
    are held. Raises RedisError; each caller decides what no answer means."""
    member = secrets.token_hex(8)
    now = _now()
    if conn.register_script(_CLAIM)(keys=[key], args=[now, now + seconds, cap, member]):
        return member
    return None


def release(conn: redis.Redis, key: str, member: str) -> None:
    conn.zrem(key, member)


def held(conn: redis.Redis, key: str) -> int:
    """Slots of `key` not yet lapsed."""
    return conn.zcount(key, f"({_now()}", "+inf")


def _now() -> float:
    return time.time()

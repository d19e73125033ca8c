"""Caps on callers that hold a web thread while they wait for a decision (`?wait=`).

A host has a few web threads (3 processes x 4 threads); twelve waiting requests from one site
would fill all of them and every other site's requests would queue behind. Two caps, checked
before a request starts to wait; past either, the caller gets its 202 at once:

- per process (WAIT_SLOTS_PER_PROCESS), counted in memory, so one process always keeps threads
  for requests that do not wait;
- per site (WAIT_SLOTS_PER_SITE), counted in Redis across every web process. Each slot is a
  member of a sorted set scored by its expiry, so a process killed while waiting leaves a slot
  that lapses by itself instead of a counter that never comes down.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import threading
import time
from collections.abc import Iterator

from flask import current_app
from redis.exceptions import RedisError

from service.transport import broker

log = logging.getLogger(__name__)

# Drop lapsed slots, add ours, and give it back at once when the site already holds its cap.
# KEYS[1] the site's slot set; ARGV: now, our expiry, the cap, our member.
_CLAIM = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
-- The set lives as long as its latest slot, which a shorter wait must not cut short.
local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], math.ceil(tonumber(latest[2]) * 1000))
return 1
"""

# Slots outlive the wait by this margin, so a slow Redis round trip never frees one early.
_SLOT_MARGIN_SECONDS = 5.0


class _ProcessSlots:
    """A counter of waiting threads in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.in_use = 0

    def take(self, cap: int) -> bool:
        with self._lock:
            if self.in_use >= cap:
                return False
            self.in_use += 1
            return True

    def give(self) -> None:
        with self._lock:
            self.in_use -= 1


_process = _ProcessSlots()


def site_slots_key(site_id: str) -> str:
    return f"moderation:waiting:{site_id}"


@contextlib.contextmanager
def wait_slot(site_id: str, wait_ms: int) -> Iterator[bool]:
    """Yield True when this request may wait up to wait_ms, False when it should answer now."""
    config = current_app.config
    if not _process.take(int(config["WAIT_SLOTS_PER_PROCESS"])):
        log.info("wait refused: every wait slot of this process is taken")
        yield False
        return
    member = None
    try:
        member = _claim_site_slot(site_id, wait_ms, int(config["WAIT_SLOTS_PER_SITE"]))
        yield member is not None
    finally:
        _process.give()
        if member is not None:
            with contextlib.suppress(RedisError):
                broker.connection().zrem(site_slots_key(site_id), member)


def _claim_site_slot(site_id: str, wait_ms: int, cap: int) -> str | None:
    member = secrets.token_hex(8)
    now = time.time()
    expiry = now + wait_ms / 1000 + _SLOT_MARGIN_SECONDS
    try:
        claimed = broker.connection().register_script(_CLAIM)(
            keys=[site_slots_key(site_id)], args=[now, expiry, cap, member]
        )
    except RedisError:
        return None  # nothing to wait on without Redis anyway
    if not claimed:
        log.info("wait refused: site %s already has %d waiting requests", site_id, cap)
        return None
    return member

"""Caps on callers that hold a web thread while they wait for a decision (`?wait=`).

A host has a few web threads (3 processes x 4 threads); twelve waiting requests from one site
would fill all of them and every other site's requests would queue behind. Two caps, checked
before a request starts to wait; past either, the caller gets its 202 at once:

- per process (WAIT_SLOTS_PER_PROCESS), counted in memory, so one process always keeps threads
  for requests that do not wait;
- per site (WAIT_SLOTS_PER_SITE), counted in Redis across every web process, as leased slots
  (service/transport/slots.py): a process killed while waiting leaves a slot that lapses by
  itself instead of a counter that never comes down.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator

from flask import current_app
from redis.exceptions import RedisError

from service.transport import broker, slots

log = logging.getLogger(__name__)

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
                slots.release(broker.connection(), site_slots_key(site_id), member)


def _claim_site_slot(site_id: str, wait_ms: int, cap: int) -> str | None:
    seconds = wait_ms / 1000 + _SLOT_MARGIN_SECONDS
    try:
        member = slots.claim(broker.connection(), site_slots_key(site_id), cap, seconds)
    except RedisError:
        return None  # nothing to wait on without Redis anyway
    if member is None:
        log.info("wait refused: site %s already has %d waiting requests", site_id, cap)
    return member

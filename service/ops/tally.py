"""Request counts gathered in the process and added to the shared Redis hashes once a second.

Counting every request with its own Redis round trip cost the comment POST one of its few round
trips. Here a request only adds to a dict; one thread per process adds the sums to Redis every
FLUSH_SECONDS, and a scrape adds its own process's first. So a scrape shows other processes'
requests up to a second late, and a process killed with SIGKILL loses at most its last second of
counts (a graceful exit adds them).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
import time
import weakref
from collections import Counter

import redis
from redis.exceptions import RedisError

FLUSH_SECONDS = 1.0


class Tally:
    """Increments for Redis hashes, held until flush(): (hash, field) -> amount."""

    def __init__(self, conn: redis.Redis) -> None:
        self.conn = conn
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str]] = Counter()
        self._sums: Counter[tuple[str, str]] = Counter()
        _register(self)

    def add(self, hash_name: str, field: str, amount: int = 1) -> None:
        with self._lock:
            self._counts[hash_name, field] += amount

    def add_float(self, hash_name: str, field: str, amount: float) -> None:
        with self._lock:
            self._sums[hash_name, field] += amount

    def flush(self) -> None:
        with self._lock:
            counts, self._counts = self._counts, Counter()
            sums, self._sums = self._sums, Counter()
        if not counts and not sums:
            return
        pipe = self.conn.pipeline(transaction=False)
        for (hash_name, field), amount in counts.items():
            pipe.hincrby(hash_name, field, amount)
        for (hash_name, field), amount in sums.items():
            pipe.hincrbyfloat(hash_name, field, amount)
        try:
            pipe.execute()
        except RedisError:
            # Kept for the next flush: Redis being away for a while costs no counts.
            with self._lock:
                self._counts.update(counts)
                self._sums.update(sums)


_tallies: weakref.WeakSet[Tally] = weakref.WeakSet()
_flusher_pid: int | None = None
_registry_lock = threading.Lock()


def _register(tally: Tally) -> None:
    global _flusher_pid
    with _registry_lock:
        _tallies.add(tally)
        # One thread per process; a forked child (gunicorn's workers) starts its own.
        if _flusher_pid != os.getpid():
            _flusher_pid = os.getpid()
            threading.Thread(target=_flush_forever, name="metrics-tally", daemon=True).start()


def unregister(tally: Tally | None) -> None:
    """Flush this tally one last time and stop flushing it (an app being shut down)."""
    if tally is None:
        return
    with _registry_lock:
        _tallies.discard(tally)
    tally.flush()


def flush_all() -> None:
    for tally in list(_tallies):
        with contextlib.suppress(Exception):  # a metrics flush never takes the process down
            tally.flush()


def _flush_forever() -> None:
    while True:
        time.sleep(FLUSH_SECONDS)
        flush_all()


atexit.register(flush_all)

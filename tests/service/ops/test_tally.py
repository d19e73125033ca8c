"""Request counts wait in the process and reach Redis in one pipeline; none are lost."""

from __future__ import annotations

import redis
from flask import Flask

from service.ops import tally


def test_counts_reach_redis_on_flush_and_survive_a_failed_one(app: Flask) -> None:
    conn: redis.Redis = app.extensions["redis"]
    counts = tally.Tally(conn)
    try:
        counts.add("moderation:test:h", "a")
        counts.add("moderation:test:h", "a", 2)
        counts.add_float("moderation:test:h", "sum", 0.25)
        assert conn.hgetall("moderation:test:h") == {}  # nothing sent yet
        counts.flush()
        assert conn.hgetall("moderation:test:h") == {b"a": b"3", b"sum": b"0.25"}

        # Redis away: the counts stay in the process and go with the next flush.
        counts.add("moderation:test:h", "a")
        counts.conn = redis.Redis(port=1, socket_connect_timeout=0.2)
        counts.flush()
        counts.conn = conn
        counts.flush()
        assert conn.hget("moderation:test:h", "a") == b"4"
    finally:
        tally.unregister(counts)


def test_the_flusher_thread_sends_counts_without_a_scrape(app: Flask) -> None:
    import time

    conn: redis.Redis = app.extensions["redis"]
    counts = tally.Tally(conn)
    try:
        counts.add("moderation:test:bg", "x", 5)
        deadline = time.monotonic() + 3 * tally.FLUSH_SECONDS
        while conn.hget("moderation:test:bg", "x") is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert conn.hget("moderation:test:bg", "x") == b"5"
    finally:
        tally.unregister(counts)

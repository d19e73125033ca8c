"""Which model version each worker process has loaded, reported through Redis.

The active version lives in the database, but each worker loads it from its own host's registry
and may not have it yet (a synced copy still on its way) or may fail to load it. Workers report
what they hold every refresh; `/readyz` and `/metrics` show it, so ops see a promote reach
every worker, or not.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections import Counter
from typing import Any

import redis

KEY = "moderation:worker-models"
# A report older than this is from a worker that stopped (or hangs); it no longer counts.
FRESH_SECONDS = 60.0
# Reports this old are deleted when read (workers that exited leave one behind).
FORGET_SECONDS = 24 * 3600.0


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def report(
    conn: redis.Redis, loaded: str | None, active: str | None, error: str | None = None
) -> None:
    entry = {"loaded": loaded, "active": active, "error": error, "at": time.time()}
    conn.hset(KEY, worker_id(), json.dumps(entry))


def fresh_reports(conn: redis.Redis, now: float | None = None) -> dict[str, dict[str, Any]]:
    """{worker id: report} of the workers that reported within FRESH_SECONDS."""
    now = time.time() if now is None else now
    out, forget = {}, []
    for field, raw in conn.hgetall(KEY).items():
        entry = json.loads(raw)
        age = now - float(entry.get("at", 0))
        if age > FORGET_SECONDS:
            forget.append(field)
        elif age <= FRESH_SECONDS:
            out[field.decode() if isinstance(field, bytes) else field] = entry
    if forget:
        conn.hdel(KEY, *forget)
    return out


def summary(conn: redis.Redis, active: str | None) -> dict[str, Any]:
    """Counts per loaded version, how many workers are not on the active one, and their errors."""
    reports = fresh_reports(conn)
    versions = Counter(entry["loaded"] or "none" for entry in reports.values())
    behind = sum(active is not None and e["loaded"] != active for e in reports.values())
    errors = [
        {"worker": w, "error": e["error"]} for w, e in sorted(reports.items()) if e.get("error")
    ]
    return {
        "reporting": len(reports),
        "versions": dict(versions),
        "behind": behind,
        "errors": errors[:10],
    }

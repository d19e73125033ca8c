"""Killed and stopped processes: a SIGKILLed worker's comments are decided after a restart;
SIGTERM lets a worker finish its batch and take no new one, and lets gunicorn finish a request.
"""

from __future__ import annotations

import signal
import subprocess
import threading
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from scripts import procs
from service.storage import db, store
from service.transport import broker
from tests.helpers.apps import worker_env
from tests.helpers.batches import machine_decisions, post_many


def start_worker(app: Flask, **settings: str) -> subprocess.Popen:
    env = worker_env(app)
    env.update({f"MODERATION_{k}": v for k, v in settings.items()})
    return procs.start_worker(env)


def decided_count(app: Flask) -> int:
    with app.extensions["db_engine"].connect() as conn:
        return conn.execute(
            sa.select(sa.func.count())
            .select_from(db.decisions)
            .where(db.decisions.c.kind == "machine")
        ).scalar_one()


def test_comments_of_a_sigkilled_worker_are_decided_after_restart(app: Flask):
    ids = post_many(app, 300)
    worker = start_worker(app, DRAIN_BATCH_SIZE="20", SWEEP_INTERVAL_SECONDS="0")
    procs.wait_until(lambda: decided_count(app) > 0, 120, "the first decisions")
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    assert decided_count(app) < len(ids)  # killed with work left
    # The restarted worker sweeps at once: whatever the killed one had taken is queued again.
    worker = start_worker(app, PENDING_GRACE_SECONDS="0", SWEEP_INTERVAL_SECONDS="1")
    try:
        procs.wait_until(lambda: decided_count(app) >= len(ids), 120, "every decision")
    finally:
        procs.stop(worker)
    assert machine_decisions(app) == dict.fromkeys(ids, 1)


def test_sigterm_finishes_the_batch_in_hand_and_takes_no_new_one(app: Flask):
    ids = post_many(app, 300)
    worker = start_worker(app, DRAIN_BATCH_SIZE="20", SWEEP_INTERVAL_SECONDS="0")
    procs.wait_until(lambda: decided_count(app) > 0, 120, "the first decisions")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0
    decided = set(machine_decisions(app))
    redis = app.extensions["redis"]
    waiting = {i.decode() for i in redis.lrange(broker.pending_key("moderation"), 0, -1)}
    # Nothing taken and dropped: each comment is decided or still waiting in Redis.
    assert decided | waiting == set(ids)
    assert waiting, "the worker stopped without taking the whole backlog"


def test_gunicorn_sigterm_lets_the_request_in_hand_finish(app: Flask, tmp_path: Path):
    from tests.helpers.apps import make_site
    from tests.helpers.comments import comment_body

    site_id, key = make_site(app)
    port = procs.free_port()
    web = procs.start_gunicorn(worker_env(app), port, workers=1)
    result: dict = {}

    def slow_post() -> None:
        import json
        import urllib.request

        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/comments?wait=1500",
            data=json.dumps(comment_body("slow")).encode(),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            result["status"] = response.status

    # No worker runs, so the request waits the full 1.5 s for a decision.
    client = threading.Thread(target=slow_post)
    client.start()

    def stored() -> bool:
        with app.extensions["db_engine"].connect() as conn:
            return store.find_by_external_id(conn, site_id, "slow") is not None

    # Stored means the request is in hand (now waiting for its decision): SIGTERM lands mid-way.
    procs.wait_until(stored, 60, "the slow comment to be stored")
    web.send_signal(signal.SIGTERM)
    client.join(timeout=30)
    assert web.wait(timeout=30) == 0
    assert result.get("status") == 202

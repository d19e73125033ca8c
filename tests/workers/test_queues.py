"""`python -m workers --queues`: scoring and webhook deliveries as separate worker pools, so a
comment never waits behind a slow receiver (scripts/bench_webhook_starvation.py measures it)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from flask import Flask
from rq import Worker

from scripts import procs
from tests.helpers.apps import worker_env
from workers.__main__ import _queue_names, listened_queues


def test_a_worker_listens_to_the_queues_named_comments_first(app: Flask) -> None:
    comments, webhooks = app.config["QUEUE_NAME"], app.config["WEBHOOK_QUEUE_NAME"]
    assert [q.name for q in listened_queues(app)] == [comments, webhooks]
    assert [q.name for q in listened_queues(app, ("webhooks", "comments"))] == [comments, webhooks]
    assert [q.name for q in listened_queues(app, _queue_names("comments"))] == [comments]
    assert [q.name for q in listened_queues(app, _queue_names("webhooks"))] == [webhooks]


@pytest.mark.parametrize("value", ["", "scoring", "comments,webhook", " , "])
def test_unknown_queue_names_are_refused(value: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        _queue_names(value)


def test_a_webhooks_worker_process_listens_to_the_webhook_queue_alone(
    app: Flask, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    proc = procs.start_worker(worker_env(app), "--queues", "webhooks", log=log)
    try:
        redis = app.extensions["redis"]
        # Idle, not merely registered: RQ registers a worker before it installs its SIGTERM
        # handler, and a SIGTERM in between kills it (-15) instead of stopping it gracefully.
        procs.wait_until(
            lambda: [w for w in Worker.all(connection=redis) if w.get_state() == "idle"],
            120,
            "the webhooks worker, idle",
        )
        [worker] = Worker.all(connection=redis)
        assert worker.queue_names() == [app.config["WEBHOOK_QUEUE_NAME"]]
    finally:
        stopped = procs.stop(proc)
    assert stopped == 0, log.read_text()

"""Webhook tests: a sample comment, registering an endpoint, working the delivery queue."""

from __future__ import annotations

from flask import Flask
from rq import Queue, SimpleWorker

from tests.helpers.comments import auth

COMMENT = {"id": "c1", "text": "You are an idiot", "article": {"id": "a1"}, "author": {"id": "u1"}}


def work_webhooks(app: Flask) -> None:
    """A real RQ worker over the webhook queue until it is empty (retries with 0 s run at once)."""
    from workers import runtime

    runtime.install(app)
    queue = Queue(app.config["WEBHOOK_QUEUE_NAME"], connection=app.extensions["redis"])
    SimpleWorker([queue], connection=app.extensions["redis"]).work(
        burst=True, logging_level="WARNING", with_scheduler=False
    )


def run_due_retries(app: Flask) -> None:
    """What RQ's scheduler does in a worker: move the scheduled jobs now due onto their queue."""
    from rq.scheduler import RQScheduler

    queue = Queue(app.config["WEBHOOK_QUEUE_NAME"], connection=app.extensions["redis"])
    scheduler = RQScheduler([queue], connection=app.extensions["redis"])
    scheduler.acquire_locks()
    try:
        scheduler.enqueue_scheduled_jobs()
    finally:
        scheduler.release_locks()


def register(client, key: str, url: str, **extra) -> dict:
    response = client.post("/v1/site/webhooks", json={"url": url, **extra}, headers=auth(key))
    assert response.status_code == 201, response.get_json()
    return response.get_json()

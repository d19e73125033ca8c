"""The webhook outbox: deliveries are stored with the change they announce, whatever happens after
the commit, and the sweeper queues those whose job Redis lost; each then reaches the receiver."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from flask import Flask
from rq import Queue

from service.moderation import actions, claims
from service.moderation.users import User
from service.storage import db
from service.storage.integrations import webhook_deliveries
from service.transport import sweeper
from tests.helpers.apps import build_app, make_site, teardown, work_queue
from tests.helpers.comments import auth
from tests.helpers.moderation import held_comment
from tests.helpers.receiver import Receiver
from tests.helpers.webhooks import COMMENT, register, work_webhooks
from workers import jobs


@pytest.fixture
def hook_app(tmp_path: Path, model_dir) -> Flask:
    app = build_app(tmp_path, model_dir, WEBHOOK_ALLOW_PRIVATE=True, WEBHOOK_RETRY_INTERVALS=[60])
    yield app
    teardown(app)


def deliveries(app: Flask) -> list[dict]:
    with app.extensions["db_engine"].connect() as conn:
        rows = conn.execute(sa.select(webhook_deliveries).order_by(webhook_deliveries.c.id))
        return [dict(row._mapping) for row in rows]


def delivery_jobs(app: Flask) -> int:
    """Delivery jobs waiting in the app's Redis (queued now, or scheduled for a retry)."""
    queue = Queue(app.config["WEBHOOK_QUEUE_NAME"], connection=app.extensions["redis"])
    return queue.count + queue.scheduled_job_registry.count


def sweep(app: Flask) -> int:
    """One sweep of the deliveries with no grace: every due delivery counts."""
    return sweeper.sweep_deliveries(
        app.extensions["db_engine"], app.extensions["redis"], app.config, grace_seconds=0
    )


def post_decided_comment(app: Flask, receiver: Receiver) -> str:
    """A site with an endpoint for comment.decided, and a comment the worker decides; its id."""
    client = app.test_client()
    _, key = make_site(app)
    register(client, key, receiver.url, events=["comment.decided"])
    posted = client.post("/v1/comments", json=COMMENT, headers=auth(key)).get_json()
    work_queue(app)
    return posted["id"]


def test_a_decision_commits_with_its_delivery_though_the_worker_dies_right_after(
    hook_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed(*_args) -> None:
        raise RuntimeError("worker killed between the commit and the announcement")

    # The first thing after the decisions' commit: the job ends there, announcing nothing.
    monkeypatch.setattr(jobs, "signal_decided", killed)
    with Receiver() as receiver:
        comment_id = post_decided_comment(hook_app, receiver)
        [delivery] = deliveries(hook_app)
        assert (delivery["comment_id"], delivery["status"]) == (comment_id, "pending")
        assert delivery_jobs(hook_app) == 0
        assert sweep(hook_app) == 1
        work_webhooks(hook_app)
    assert [h["webhook-id"] for h, _ in receiver.requests] == [delivery["id"]]


def test_with_redis_down_at_enqueue_time_the_sweeper_queues_the_delivery_later(
    hook_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    webhook_queue = hook_app.config["WEBHOOK_QUEUE_NAME"]
    enqueue = Queue.enqueue

    def unreachable_for_webhooks(queue: Queue, *args, **kwargs):
        if queue.name == webhook_queue:
            raise redis.ConnectionError("Redis went away")
        return enqueue(queue, *args, **kwargs)

    monkeypatch.setattr(Queue, "enqueue", unreachable_for_webhooks)
    with Receiver() as receiver:
        post_decided_comment(hook_app, receiver)
        [delivery] = deliveries(hook_app)
        assert delivery["status"] == "pending"
        assert delivery_jobs(hook_app) == 0
        assert sweep(hook_app) == 0, "Redis still away: nothing queued, nothing lost"
        monkeypatch.setattr(Queue, "enqueue", enqueue)
        assert sweep(hook_app) == 1
        work_webhooks(hook_app)
    assert [h["webhook-id"] for h, _ in receiver.requests] == [delivery["id"]]
    assert deliveries(hook_app)[0]["status"] == "succeeded"


def test_after_redis_lost_its_jobs_the_sweeper_queues_the_due_delivery_once(
    hook_app: Flask,
) -> None:
    with Receiver() as receiver:
        post_decided_comment(hook_app, receiver)
        assert delivery_jobs(hook_app) == 1
        assert sweep(hook_app) == 0, "its job is still queued"
        hook_app.extensions["redis"].flushdb()  # a Redis restart without persistence
        assert sweep(hook_app) == 1
        assert sweep(hook_app) == 0, "queued again once, not at every sweep"
        assert delivery_jobs(hook_app) == 1
        work_webhooks(hook_app)
    [delivery] = deliveries(hook_app)
    assert [h["webhook-id"] for h, _ in receiver.requests] == [delivery["id"]]
    assert delivery["status"] == "succeeded"


def test_a_lost_retry_is_queued_again_once_due_and_a_waiting_one_is_left_alone(
    hook_app: Flask,
) -> None:
    with Receiver(fail_first=1) as receiver:
        post_decided_comment(hook_app, receiver)
        work_webhooks(hook_app)  # 503: the retry waits 60 s in RQ's scheduled registry
        [delivery] = deliveries(hook_app)
        assert (delivery["status"], delivery["attempts"]) == ("pending", 1)
        assert sweep(hook_app) == 0, "not due yet"
        _make_due(hook_app, delivery["id"])
        assert sweep(hook_app) == 0, "due, but its scheduled job is still in Redis"
        hook_app.extensions["redis"].flushdb()  # the scheduled retry is lost
        assert sweep(hook_app) == 1
        work_webhooks(hook_app)
    assert [h["webhook-id"] for h, _ in receiver.requests] == [delivery["id"]] * 2
    assert deliveries(hook_app)[0]["status"] == "succeeded"


def test_a_spare_job_while_a_retry_waits_makes_no_attempt(hook_app: Flask) -> None:
    from service import webhooks

    with Receiver(fail_first=1) as receiver:
        post_decided_comment(hook_app, receiver)
        work_webhooks(hook_app)
        [delivery] = deliveries(hook_app)
        transport = hook_app.extensions["webhook_transport"]
        assert webhooks.enqueue_delivery(transport, delivery["id"])  # a second job, now
        work_webhooks(hook_app)
    assert len(receiver.requests) == 1, "the retry is the scheduled job's, 60 s from now"
    assert deliveries(hook_app)[0]["attempts"] == 1


def test_a_moderators_decision_commits_with_its_delivery_though_what_follows_fails(
    hook_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    site_id, key = make_site(hook_app)
    register(hook_app.test_client(), key, "http://127.0.0.1:9/hook", events=["comment.moderated"])
    comment_id = held_comment(hook_app, site_id)

    def redis_gone(*_args) -> None:
        raise redis.ConnectionError("Redis went away")

    monkeypatch.setattr(claims, "release", redis_gone)  # the first step after the commit
    moderator = User(id=1, name="mo", role="moderator", sites=(site_id,))
    with hook_app.app_context(), pytest.raises(redis.ConnectionError):
        actions.decide(
            hook_app.extensions["db_engine"],
            hook_app.extensions["events"],
            moderator,
            comment_id,
            "approve",
            None,
        )
    [delivery] = deliveries(hook_app)
    assert (delivery["event_type"], delivery["comment_id"]) == ("comment.moderated", comment_id)
    assert delivery["status"] == "pending"


def _make_due(app: Flask, delivery_id: str) -> None:
    """As if the retry's 60 s had passed."""
    with app.extensions["db_engine"].begin() as conn:
        conn.execute(
            webhook_deliveries.update()
            .where(webhook_deliveries.c.id == delivery_id)
            .values(next_attempt_at=db.utcnow() - timedelta(seconds=1))
        )


def test_a_delivery_settled_while_the_sweeper_looks_is_not_queued_again(
    hook_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.webhooks import outbox

    with Receiver() as receiver:
        post_decided_comment(hook_app, receiver)
        hook_app.extensions["redis"].flushdb()
        [delivery] = deliveries(hook_app)
        unmarked = outbox.unmarked

        def settled_meanwhile(transport, ids: list[str]) -> list[str]:
            # A job sends it between the sweeper's read and its look at the marks: it stores
            # the outcome, then removes its mark.
            with hook_app.extensions["db_engine"].begin() as conn:
                conn.execute(webhook_deliveries.update().values(status="succeeded"))
            return unmarked(transport, ids)

        monkeypatch.setattr(outbox, "unmarked", settled_meanwhile)
        assert sweep(hook_app) == 0
    assert delivery_jobs(hook_app) == 0
    assert delivery["status"] == "pending"


def test_a_delivered_job_leaves_nothing_in_redis(hook_app: Flask) -> None:
    # The attempt is stored in the database; a finished job's result read by nobody would stay
    # in Redis for its result_ttl, one hash per delivery: most of Redis after a busy minute.
    with Receiver() as receiver:
        post_decided_comment(hook_app, receiver)
        conn = hook_app.extensions["redis"]
        before = {k for k in conn.scan_iter("rq:*")}
        work_webhooks(hook_app)
        assert len(receiver.requests) == 1
    left = {k.decode() for k in conn.scan_iter("rq:*")} - {k.decode() for k in before}
    assert [k for k in left if "webhook-" in k] == []
    assert deliveries(hook_app)[0]["status"] == "succeeded"

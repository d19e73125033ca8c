"""One site's slow receivers cannot hold every webhook worker: at most WEBHOOK_SITE_CONCURRENCY of
its deliveries are in flight at once; the rest wait, unattempted, while other sites' go ahead."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from flask import Flask
from rq import Queue

from service.storage import db
from service.storage.integrations import webhook_attempts, webhook_deliveries, webhook_endpoints
from service.transport import slots
from service.webhooks import fair_share
from tests.helpers.apps import make_site, stack_app, work_queue
from tests.helpers.comments import auth
from tests.helpers.receiver import HoldingReceiver, Receiver
from tests.helpers.webhooks import COMMENT, register, run_due_retries, work_webhooks
from workers import runtime
from workers import webhooks as delivery_job

# One slot per site; the held attempt is not cut short by the deadline.
SETTINGS = {
    "WEBHOOK_ALLOW_PRIVATE": True,
    "WEBHOOK_SITE_CONCURRENCY": 1,
    "WEBHOOK_TIMEOUT_SECONDS": 60,
}


@pytest.fixture(params=["embedded", "servers"])
def hook_app(request: pytest.FixtureRequest, tmp_path: Path, model_dir) -> Iterator[Flask]:
    yield from stack_app(request, tmp_path, model_dir, **SETTINGS)


def _deliveries(app: Flask, site_id: str) -> list[dict]:
    """The site's deliveries, oldest first, each with its attempts' status codes."""
    with app.extensions["db_engine"].connect() as conn:
        rows = conn.execute(
            sa.select(webhook_deliveries)
            .join(webhook_endpoints, webhook_endpoints.c.id == webhook_deliveries.c.endpoint_id)
            .where(webhook_endpoints.c.site_id == site_id)
            .order_by(webhook_deliveries.c.created_at, webhook_deliveries.c.id)
        ).all()
        codes = {
            r.id: conn.execute(
                sa.select(webhook_attempts.c.status_code)
                .where(webhook_attempts.c.delivery_id == r.id)
                .order_by(webhook_attempts.c.id)
            )
            .scalars()
            .all()
            for r in rows
        }
    return [{**r._mapping, "codes": codes[r.id]} for r in rows]


def _take_queued_job(app: Flask):
    """The one delivery job waiting in the queue, taken off it (to run in a thread of its own,
    as a second webhook worker would)."""
    queue = Queue(app.config["WEBHOOK_QUEUE_NAME"], connection=app.extensions["redis"])
    [job_id] = queue.job_ids
    job = queue.fetch_job(job_id)
    queue.remove(job)
    return job


def test_a_site_at_its_cap_waits_while_another_sites_delivery_goes(hook_app: Flask) -> None:
    """Seen failing before: A's second delivery was attempted too (the receiver got it while
    the first was still held), so two slow ones held two workers."""
    client = hook_app.test_client()
    slow_site, slow_key = make_site(hook_app)
    fast_site, fast_key = make_site(hook_app, "Other News")
    with HoldingReceiver() as slow, Receiver() as fast:
        register(client, slow_key, slow.url, events=["comment.decided"])
        register(client, fast_key, fast.url, events=["comment.decided"])
        client.post("/v1/comments", json=COMMENT, headers=auth(slow_key))
        work_queue(hook_app)
        # A worker takes A's first delivery; its receiver holds the answer.
        runtime.install(hook_app)
        held = threading.Thread(target=_take_queued_job(hook_app).perform)
        held.start()
        assert slow.arrived.wait(30)

        # Meanwhile: A's next delivery, then B's.
        client.post("/v1/comments", json={**COMMENT, "id": "c2"}, headers=auth(slow_key))
        client.post("/v1/comments", json=COMMENT, headers=auth(fast_key))
        work_queue(hook_app)
        work_webhooks(hook_app)
        assert len(slow.requests) == 1, "A's second delivery must wait for A's slot"
        assert len(fast.requests) == 1
        [delivered] = _deliveries(hook_app, fast_site)
        assert (delivered["status"], delivered["codes"]) == ("succeeded", [204])
        first, waiting = _deliveries(hook_app, slow_site)
        assert (waiting["status"], waiting["attempts"], waiting["codes"]) == ("pending", 0, [])
        # Due later in the database too, so the sweeper queues it if Redis loses its job.
        assert db.aware(waiting["next_attempt_at"]) > db.utcnow()

        slow.release.set()
        held.join()
        # Once due, A's put-off delivery goes: one attempt, none counted for the wait.
        # (Its job is scheduled a moment after the row's time, which is written first.)
        due = db.aware(waiting["next_attempt_at"]) - db.utcnow()
        time.sleep(max(0.0, due.total_seconds()) + 0.2)
        run_due_retries(hook_app)
        work_webhooks(hook_app)
    assert len(slow.requests) == 2
    first, second = _deliveries(hook_app, slow_site)
    assert [(d["status"], d["attempts"], d["codes"]) for d in (first, second)] == [
        ("succeeded", 1, [204]),
        ("succeeded", 1, [204]),
    ]
    assert not hook_app.extensions["redis"].exists(fair_share.slots_key(slow_site))


def test_a_slot_leaked_by_a_killed_worker_lapses_after_the_job_timeout(
    hook_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = hook_app.test_client()
    site_id, key = make_site(hook_app)
    _, other_key = make_site(hook_app, "Other News")
    conn = hook_app.extensions["redis"]
    lease = hook_app.extensions["webhook_transport"].job_timeout
    # A worker took the site's one slot and was killed before giving it back.
    assert slots.claim(conn, fair_share.slots_key(site_id), 1, lease)
    with Receiver() as receiver, Receiver() as other:
        register(client, key, receiver.url, events=["comment.decided"])
        register(client, other_key, other.url, events=["comment.decided"])
        client.post("/v1/comments", json=COMMENT, headers=auth(key))
        # Another site's delivery is due meanwhile, so the cap binds.
        client.post("/v1/comments", json=COMMENT, headers=auth(other_key))
        work_queue(hook_app)
        work_webhooks(hook_app)
        assert receiver.requests == []
        assert len(other.requests) == 1
        [delivery] = _deliveries(hook_app, site_id)
        assert (delivery["status"], delivery["attempts"]) == ("pending", 0)

        later = time.time() + lease + 1
        monkeypatch.setattr(slots, "_now", lambda: later)
        # The put-off job, once due (a second early is within what the job allows).
        assert delivery_job.deliver(delivery["id"]) == "succeeded"
    assert len(receiver.requests) == 1
    assert conn.zcard(fair_share.slots_key(site_id)) == 0


def test_a_site_alone_with_work_is_not_held_to_its_share(hook_app: Flask) -> None:
    """With no other site's delivery due, a site over its cap takes another worker: a one-site
    install, or the only site with a backlog, keeps every webhook worker (seen failing before:
    the delivery was put off behind a slot that no other site was waiting for)."""
    client = hook_app.test_client()
    site_id, key = make_site(hook_app)
    conn = hook_app.extensions["redis"]
    lease = hook_app.extensions["webhook_transport"].job_timeout
    # The site's one slot is taken (another of its deliveries in flight on another worker).
    assert slots.claim(conn, fair_share.slots_key(site_id), 1, lease)
    with Receiver() as receiver:
        register(client, key, receiver.url, events=["comment.decided"])
        client.post("/v1/comments", json=COMMENT, headers=auth(key))
        work_queue(hook_app)
        work_webhooks(hook_app)
    assert len(receiver.requests) == 1
    [delivery] = _deliveries(hook_app, site_id)
    assert (delivery["status"], delivery["codes"]) == ("succeeded", [204])
    assert conn.zcard(fair_share.slots_key(site_id)) == 1, "the taken slot is not given back"


def _share(app: Flask, setting, conn: redis.Redis | None = None) -> fair_share.FairShare:
    config = {**app.config, "WEBHOOK_SITE_CONCURRENCY": setting}
    return fair_share.FairShare.from_config(conn or app.extensions["redis"], config, 15)


def test_the_cap_counts_over_every_worker_and_auto_is_half_the_webhook_workers(app: Flask):
    share = _share(app, 2)
    with share.slot("s1") as one, share.slot("s1") as two, share.slot("s1") as three:
        assert (one, two, three) == (True, True, False)
        with share.slot("s2") as other:
            assert other, "another site's slots are its own"
    with share.slot("s1") as again:
        assert again, "slots are given back after the attempt"
    for workers, cap in ((0, 1), (1, 1), (2, 1), (3, 1), (4, 2), (6, 3)):
        conn = app.extensions["redis"]
        queue = Queue(app.config["WEBHOOK_QUEUE_NAME"], connection=conn)
        conn.delete(f"rq:workers:{queue.name}")
        if workers:
            conn.sadd(f"rq:workers:{queue.name}", *[f"rq:worker:w{i}" for i in range(workers)])
        assert _share(app, "auto").cap() == cap
    with _share(app, 0).slot("s1") as uncapped:
        assert uncapped


def test_without_redis_the_delivery_goes_ahead(app: Flask) -> None:
    gone = redis.Redis(port=1, socket_connect_timeout=0.2)
    with _share(app, 1, gone).slot("s1") as allowed, _share(app, "auto", gone).slot("s1") as auto:
        assert allowed and auto


@pytest.mark.parametrize("value", ["x", -1, 1.5, True, "2 workers"])
def test_a_bad_setting_is_refused_at_start(value) -> None:
    with pytest.raises(ValueError, match="WEBHOOK_SITE_CONCURRENCY"):
        fair_share.check_setting(value)
    assert fair_share.check_setting("AUTO") is None
    assert fair_share.check_setting("3") == 3


def test_a_put_off_delivery_waits_longer_the_longer_it_has_waited() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    waits = [
        fair_share.wait_seconds(now - timedelta(seconds=age), now) for age in (0, 10, 60, 3600)
    ]
    assert waits == [1.0, 5.0, 30.0, 60.0]

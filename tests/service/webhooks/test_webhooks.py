"""Webhooks: registration, signed delivery by a real worker, retries with backoff, rotation."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from flask import Flask
from rq import Queue
from rq.registry import ScheduledJobRegistry

from tests.helpers.apps import build_app, make_site, teardown, work_queue
from tests.helpers.comments import auth
from tests.helpers.receiver import Receiver, verify
from tests.helpers.webhooks import COMMENT, register, work_webhooks


@pytest.fixture
def hook_app(tmp_path: Path, model_dir) -> Flask:
    app = build_app(
        tmp_path, model_dir, WEBHOOK_ALLOW_PRIVATE=True, WEBHOOK_RETRY_INTERVALS=[0, 0, 0]
    )
    yield app
    teardown(app)


def test_decided_comment_is_delivered_signed_to_the_receiver(hook_app: Flask) -> None:
    client = hook_app.test_client()
    _, key = make_site(hook_app)
    with Receiver() as receiver:
        hook = register(client, key, receiver.url)
        assert hook["secret"].startswith("whsec_")
        assert hook["events"] == [
            "comment.decided",
            "comment.moderated",
            "comment.reported",
            "comment.appeal_decided",
            "author.updated",
        ]
        posted = client.post("/v1/comments", json=COMMENT, headers=auth(key)).get_json()
        work_queue(hook_app)
        work_webhooks(hook_app)
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert verify(hook["secret"], headers, body)
    assert headers["webhook-id"].startswith("msg_")
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 300
    payload = json.loads(body)
    assert payload["type"] == "comment.decided"
    assert payload["timestamp"].endswith("Z")
    shown = client.get(f"/v1/comments/{posted['id']}", headers=auth(key)).get_json()
    assert payload["data"] == shown


def test_signature_fails_with_another_secret_or_a_changed_body(hook_app: Flask) -> None:
    client = hook_app.test_client()
    _, key = make_site(hook_app)
    with Receiver() as receiver:
        hook = register(client, key, receiver.url)
        other = register(client, key, receiver.url + "&other=1")
        client.post("/v1/comments", json=COMMENT, headers=auth(key))
        work_queue(hook_app)
        work_webhooks(hook_app)
    by_url = {h["webhook-id"]: (h, b) for h, b in receiver.requests}
    assert len(by_url) == 2
    (h1, b1), (h2, b2) = by_url.values()
    assert verify(hook["secret"], h1, b1) != verify(hook["secret"], h2, b2)
    assert verify(other["secret"], h1, b1) != verify(other["secret"], h2, b2)
    assert not verify(hook["secret"], h1, b1 + b" ") or not verify(hook["secret"], h2, b2 + b" ")


def test_retries_until_a_receiver_that_fails_twice_succeeds(hook_app: Flask) -> None:
    client = hook_app.test_client()
    _, key = make_site(hook_app)
    with Receiver(fail_first=2) as receiver:
        hook = register(client, key, receiver.url)
        client.post("/v1/comments", json=COMMENT, headers=auth(key))
        work_queue(hook_app)
        work_webhooks(hook_app)
    assert len(receiver.requests) == 3
    ids = {h["webhook-id"] for h, _ in receiver.requests}
    assert len(ids) == 1, "a retry is the same message"
    assert all(verify(hook["secret"], h, b) for h, b in receiver.requests)
    deliveries = client.get(
        f"/v1/site/webhooks/{hook['id']}/deliveries", headers=auth(key)
    ).get_json()["deliveries"]
    assert len(deliveries) == 1
    assert deliveries[0]["status"] == "succeeded"
    assert [a["status_code"] for a in deliveries[0]["attempts"]] == [503, 503, 204]
    assert deliveries[0]["attempts"][0]["error"] == "HTTP 503"


def test_a_failed_attempt_is_scheduled_after_the_backoff_interval(
    tmp_path: Path, model_dir
) -> None:
    app = build_app(
        tmp_path, model_dir, WEBHOOK_ALLOW_PRIVATE=True, WEBHOOK_RETRY_INTERVALS=[30, 600]
    )
    try:
        client = app.test_client()
        _, key = make_site(app)
        with Receiver(fail_first=5) as receiver:
            hook = register(client, key, receiver.url)
            client.post("/v1/comments", json=COMMENT, headers=auth(key))
            work_queue(app)
            work_webhooks(app)
        assert len(receiver.requests) == 1
        delivery = client.get(
            f"/v1/site/webhooks/{hook['id']}/deliveries", headers=auth(key)
        ).get_json()["deliveries"][0]
        assert delivery["status"] == "pending"
        assert delivery["next_attempt_at"] is not None
        queue = Queue(app.config["WEBHOOK_QUEUE_NAME"], connection=app.extensions["redis"])
        registry = ScheduledJobRegistry(queue=queue)
        [job_id] = registry.get_job_ids()
        due = registry.get_scheduled_time(job_id).timestamp()
        assert 25 < due - time.time() <= 30
    finally:
        teardown(app)


def test_gives_up_after_the_last_retry(hook_app: Flask) -> None:
    client = hook_app.test_client()
    _, key = make_site(hook_app)
    with Receiver(fail_first=100) as receiver:
        hook = register(client, key, receiver.url)
        client.post("/v1/comments", json=COMMENT, headers=auth(key))
        work_queue(hook_app)
        work_webhooks(hook_app)
        assert len(receiver.requests) == 4  # the first attempt and three retries
        [delivery] = client.get(
            f"/v1/site/webhooks/{hook['id']}/deliveries", headers=auth(key)
        ).get_json()["deliveries"]
        assert delivery["status"] == "failed"
        # A manual redelivery starts again with the same message id.
        response = client.post(
            f"/v1/site/webhooks/{hook['id']}/deliveries/{delivery['id']}/redeliver",
            headers=auth(key),
        )
        assert response.status_code == 202
        receiver.fail_first = 0
        work_webhooks(hook_app)
    assert len(receiver.requests) == 5
    assert receiver.requests[-1][0]["webhook-id"] == delivery["id"]
    [delivery] = client.get(
        f"/v1/site/webhooks/{hook['id']}/deliveries", headers=auth(key)
    ).get_json()["deliveries"]
    assert delivery["status"] == "succeeded"
    assert len(delivery["attempts"]) == 5


def test_rotation_signs_with_both_secrets_until_the_old_one_expires(hook_app: Flask) -> None:
    client = hook_app.test_client()
    _, key = make_site(hook_app)
    with Receiver() as receiver:
        hook = register(client, key, receiver.url)
        rotated = client.post(f"/v1/site/webhooks/{hook['id']}/rotate", headers=auth(key))
        assert rotated.status_code == 200
        new_secret = rotated.get_json()["secret"]
        assert new_secret != hook["secret"]
        client.post("/v1/comments", json=COMMENT, headers=auth(key))
        work_queue(hook_app)
        work_webhooks(hook_app)
    headers, body = receiver.requests[0]
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert verify(new_secret, headers, body)
    assert verify(hook["secret"], headers, body)


def test_only_subscribed_events_are_delivered(hook_app: Flask) -> None:
    client = hook_app.test_client()
    _, key = make_site(hook_app)
    with Receiver() as receiver:
        register(client, key, receiver.url, events=["comment.moderated"])
        client.post("/v1/comments", json=COMMENT, headers=auth(key))
        work_queue(hook_app)
        work_webhooks(hook_app)
    assert receiver.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://10.0.0.7/x",
        "http://[::1]/x",
        "http://169.254.169.254/latest",
        "ftp://example.com/x",
        "not a url",
    ],
)
def test_private_loopback_and_non_http_urls_are_refused(client, url: str) -> None:
    _, key = make_site(client.application)
    response = client.post("/v1/site/webhooks", json={"url": url}, headers=auth(key))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"][0]["field"] == "url"


def test_unknown_events_are_refused(client) -> None:
    _, key = make_site(client.application)
    response = client.post(
        "/v1/site/webhooks",
        json={"url": "https://example.com/h", "events": ["comment.eaten"]},
        headers=auth(key),
    )
    assert response.status_code == 422


def test_a_site_sees_only_its_own_webhooks(hook_app: Flask) -> None:
    client = hook_app.test_client()
    _, key = make_site(hook_app)
    _, other_key = make_site(hook_app, "Other")
    hook = register(client, key, "http://127.0.0.1:9/h")
    assert client.get(f"/v1/site/webhooks/{hook['id']}", headers=auth(other_key)).status_code == 404
    listed = client.get("/v1/site/webhooks", headers=auth(other_key)).get_json()
    assert listed == {"webhooks": []}
    assert (
        "secret" not in client.get("/v1/site/webhooks", headers=auth(key)).get_json()["webhooks"][0]
    )
    deleted = client.delete(f"/v1/site/webhooks/{hook['id']}", headers=auth(other_key))
    assert deleted.status_code == 404
    assert client.delete(f"/v1/site/webhooks/{hook['id']}", headers=auth(key)).status_code == 204
    assert client.get("/v1/site/webhooks", headers=auth(key)).get_json() == {"webhooks": []}

"""A real `python -m workers` process delivers webhooks, and its RQ scheduler runs the retries."""

from __future__ import annotations

import time

import pytest

from tests.helpers.apps import make_site
from tests.helpers.receiver import Receiver, verify


@pytest.fixture
def hooks_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings the app and the worker process both read from the environment."""
    monkeypatch.setenv("MODERATION_WEBHOOK_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("MODERATION_WEBHOOK_RETRY_INTERVALS", "[1, 1]")


def test_worker_process_delivers_and_retries_on_schedule(hooks_env, app, worker_process) -> None:
    client = app.test_client()
    _, key = make_site(app)
    headers = {"Authorization": f"Bearer {key}"}
    with Receiver(fail_first=1) as receiver:
        hook = client.post("/v1/site/webhooks", json={"url": receiver.url}, headers=headers)
        hook = hook.get_json()
        client.post(
            "/v1/comments",
            json={
                "id": "c1",
                "text": "Good article",
                "article": {"id": "a"},
                "author": {"id": "u"},
            },
            headers=headers,
        )
        url = f"/v1/site/webhooks/{hook['id']}/deliveries"
        deadline = time.monotonic() + 60
        delivery: dict = {}
        # Until the worker has recorded the second attempt (it logs after the receiver answers).
        while delivery.get("status") != "succeeded" and time.monotonic() < deadline:
            time.sleep(0.1)
            found = client.get(url, headers=headers).get_json()["deliveries"]
            delivery = found[0] if found else {}
    assert delivery.get("status") == "succeeded", "the retry came through the scheduler"
    assert [a["status_code"] for a in delivery["attempts"]] == [503, 204]
    (h1, _), (h2, b2) = receiver.requests
    assert h1["webhook-id"] == h2["webhook-id"] == delivery["id"]
    assert verify(hook["secret"], h2, b2)

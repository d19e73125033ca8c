"""A webhook receiver cannot hold a worker, nor a site register endpoints without end."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from rq import Queue

from tests.helpers.apps import build_app, make_site, teardown, work_queue
from tests.helpers.comments import auth
from tests.helpers.webhooks import COMMENT, register, work_webhooks


class DripReceiver:
    """Reads the request, then answers 200 one byte a second for `drip` bytes (and the rest at
    once): each read gets a byte well within any per-read timeout."""

    def __init__(self, drip: int = 8) -> None:
        self.drip = drip
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}/hook"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.stop = threading.Event()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                answer = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                try:
                    for i in range(self.drip):
                        conn.sendall(answer[i : i + 1])
                        time.sleep(1.0)
                    conn.sendall(answer[self.drip :])
                except OSError:
                    pass  # the worker hung up at its deadline

    def __enter__(self) -> DripReceiver:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        self.server.close()


@pytest.fixture
def hook_app(tmp_path: Path, model_dir) -> Iterator[Flask]:
    app = build_app(
        tmp_path,
        model_dir,
        WEBHOOK_ALLOW_PRIVATE=True,
        WEBHOOK_RETRY_INTERVALS=[],
        WEBHOOK_TIMEOUT_SECONDS=2,
        WEBHOOK_MAX_ENDPOINTS_PER_SITE=3,
    )
    yield app
    teardown(app)


def test_a_receiver_dripping_its_answer_is_cut_off_at_the_delivery_deadline(hook_app: Flask):
    """Seen failing before: the 2 s timeout was per read, so the drip was answered 200."""
    client = hook_app.test_client()
    _, key = make_site(hook_app)
    with DripReceiver() as receiver:
        hook = register(client, key, receiver.url, events=["comment.decided"])
        client.post("/v1/comments", json=COMMENT, headers=auth(key))
        work_queue(hook_app)
        work_webhooks(hook_app)
    url = f"/v1/site/webhooks/{hook['id']}/deliveries"
    [delivery] = client.get(url, headers=auth(key)).get_json()["deliveries"]
    [attempt] = delivery["attempts"]
    assert (attempt["status_code"], attempt["error"]) == (None, "timeout")
    assert delivery["status"] == "failed"  # no retries configured here


def test_delivery_jobs_have_a_job_timeout_just_above_the_deadline(hook_app: Flask):
    client = hook_app.test_client()
    _, key = make_site(hook_app)
    register(client, key, "http://127.0.0.1:9/hook", events=["comment.decided"])
    client.post("/v1/comments", json=COMMENT, headers=auth(key))
    work_queue(hook_app)
    [job] = Queue(
        hook_app.config["WEBHOOK_QUEUE_NAME"], connection=hook_app.extensions["redis"]
    ).jobs
    assert job.func_name == "workers.webhooks.deliver"
    assert job.timeout == 2 + 5


def test_a_site_may_register_only_so_many_endpoints(hook_app: Flask):
    client = hook_app.test_client()
    _, key = make_site(hook_app)
    _, other = make_site(hook_app, "Other News")
    for i in range(3):
        register(client, key, f"http://127.0.0.1:9/hook{i}")
    refused = client.post(
        "/v1/site/webhooks", json={"url": "http://127.0.0.1:9/more"}, headers=auth(key)
    )
    assert refused.status_code == 409
    assert refused.mimetype == "application/problem+json"
    assert "the most allowed (3)" in refused.get_json()["detail"]
    assert len(client.get("/v1/site/webhooks", headers=auth(key)).get_json()["webhooks"]) == 3
    register(client, other, "http://127.0.0.1:9/hook")  # another site's count is its own
    result = hook_app.test_cli_runner().invoke(
        args=["webhooks", "add", make_site(hook_app, "Third")[0], "http://127.0.0.1:9/x"]
    )
    assert result.exit_code == 0, result.output

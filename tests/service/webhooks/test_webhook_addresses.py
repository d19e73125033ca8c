"""Webhooks reach only public addresses: resolved once, checked, and that address connected to."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from service.webhooks import addresses
from tests.helpers.apps import build_app, make_site, teardown, work_queue
from tests.helpers.comments import auth
from tests.helpers.receiver import Receiver
from tests.helpers.webhooks import COMMENT, register, work_webhooks

_real_getaddrinfo = socket.getaddrinfo


def answers(monkeypatch: pytest.MonkeyPatch, name: str, ips: list[str]) -> list[str]:
    """`name` resolves to each of `ips` in turn (the last one from then on); returns the log of
    lookups. A short TTL lets a rebinding name answer differently at each lookup."""
    asked: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != name:
            return _real_getaddrinfo(host, port, *args, **kwargs)
        asked.append(host)
        ip = ips[min(len(asked), len(ips)) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port or 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


@pytest.fixture
def public_app(tmp_path: Path, model_dir) -> Iterator[Flask]:
    """Private addresses refused, as in production."""
    app = build_app(tmp_path, model_dir, WEBHOOK_RETRY_INTERVALS=[], WEBHOOK_TIMEOUT_SECONDS=2)
    yield app
    teardown(app)


def _deliveries(client, key: str, hook: dict) -> list[dict]:
    url = f"/v1/site/webhooks/{hook['id']}/deliveries"
    return client.get(url, headers=auth(key)).get_json()["deliveries"]


def test_a_name_rebinding_to_loopback_after_the_check_never_reaches_it(
    public_app: Flask, monkeypatch: pytest.MonkeyPatch
):
    """Seen failing before: the check saw a public address, http.client then 127.0.0.1."""
    client = public_app.test_client()
    _, key = make_site(public_app)
    with Receiver() as receiver:
        port = receiver.server.server_address[1]
        # Public at registration and at the worker's check, loopback at any lookup after that.
        answers(monkeypatch, "rebind.test", ["192.0.43.10", "192.0.43.10", "127.0.0.1"])
        hook = register(client, key, f"http://rebind.test:{port}/hook", events=["comment.decided"])
        client.post("/v1/comments", json=COMMENT, headers=auth(key))
        work_queue(public_app)
        work_webhooks(public_app)
    assert receiver.requests == []
    [delivery] = _deliveries(client, key, hook)
    assert delivery["attempts"][0]["error"] in {"timeout", "refused", "connection"}


def test_the_checked_address_is_connected_to_with_the_urls_host_header(
    tmp_path: Path, model_dir, monkeypatch: pytest.MonkeyPatch
):
    app = build_app(tmp_path, model_dir, WEBHOOK_ALLOW_PRIVATE=True, WEBHOOK_RETRY_INTERVALS=[])
    try:
        client = app.test_client()
        _, key = make_site(app)
        with Receiver() as receiver:
            port = receiver.server.server_address[1]
            asked = answers(monkeypatch, "hooks.test", ["127.0.0.1", "10.9.9.9"])
            register(client, key, f"http://hooks.test:{port}/hook", events=["comment.decided"])
            asked.clear()
            client.post("/v1/comments", json=COMMENT, headers=auth(key))
            work_queue(app)
            work_webhooks(app)
        [(headers, _)] = receiver.requests
        assert headers["host"] == f"hooks.test:{port}"
        assert asked == ["hooks.test"]  # one lookup per attempt
    finally:
        teardown(app)


@pytest.mark.parametrize(
    "url", ["http://[64:ff9b::7f00:1]/hook", "http://[64:ff9b::a00:1]:8080/hook"]
)
def test_nat64_addresses_of_private_ones_are_refused(url: str) -> None:
    with pytest.raises(addresses.RefusedURL, match="not a public address"):
        addresses.check_url(url, allow_private=False)


def test_the_refusal_says_not_a_public_address_without_the_address(
    public_app: Flask, monkeypatch: pytest.MonkeyPatch
):
    answers(monkeypatch, "intranet.test", ["10.20.30.40"])
    client = public_app.test_client()
    _, key = make_site(public_app)
    response = client.post(
        "/v1/site/webhooks", json={"url": "https://intranet.test/hook"}, headers=auth(key)
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "not a public address" in text and "10.20.30.40" not in text


def test_the_attempt_log_records_an_error_category_not_exception_text(tmp_path: Path, model_dir):
    app = build_app(tmp_path, model_dir, WEBHOOK_ALLOW_PRIVATE=True, WEBHOOK_RETRY_INTERVALS=[])
    try:
        client = app.test_client()
        _, key = make_site(app)
        with socket.create_server(("127.0.0.1", 0)) as closed:
            port = closed.getsockname()[1]
        hook = register(client, key, f"http://127.0.0.1:{port}/hook", events=["comment.decided"])
        client.post("/v1/comments", json=COMMENT, headers=auth(key))
        work_queue(app)
        work_webhooks(app)
        [delivery] = _deliveries(client, key, hook)
        assert [a["error"] for a in delivery["attempts"]] == ["refused"]
    finally:
        teardown(app)

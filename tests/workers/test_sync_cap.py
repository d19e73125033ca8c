"""The sync-scoring loop stops a request that runs too long, and runs in a process of its own."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from models import langid
from service.transport import sync_scoring
from tests.helpers.apps import build_app, make_site, teardown
from tests.helpers.batches import poisoned
from tests.helpers.comments import CIVIL
from workers import pipeline, runtime, sync


@pytest.fixture
def capped_app(tmp_path: Path, model_dir, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setattr(pipeline, "find_rules", poisoned)  # "STALL" backtracks for seconds
    app = build_app(tmp_path, model_dir, SYNC_TIMEOUT_SECONDS=1.0)
    yield app
    teardown(app)


def _request(rt: runtime.Runtime, text: str, site_id: str, reply: str) -> None:
    request = {"text": text, "reply": reply, "spans": [], "deadline": time.time() + 60}
    rt.redis.rpush(sync.REQUEST_LIST, json.dumps({**request, "site_id": site_id}))


def test_a_request_that_runs_past_the_cap_is_answered_with_a_timeout(capped_app: Flask):
    """Seen failing before: the stalled text ran to its end and was answered ok."""
    rt = runtime.install(capped_app)
    rt.models.get()  # loaded before the first request, as `python -m workers` does
    langid.preload()
    site_id, _ = make_site(capped_app)
    _request(rt, "STALL " + CIVIL, site_id, "reply:stalled")
    _request(rt, CIVIL, site_id, "reply:civil")
    assert sync.serve_one(rt) and sync.serve_one(rt)
    stalled = json.loads(rt.redis.lpop("reply:stalled"))
    civil = json.loads(rt.redis.lpop("reply:civil"))
    assert stalled == {"ok": False, "error": "timeout"}
    assert civil.get("action") == "approve", civil


def test_the_worker_serves_waiting_requests_from_a_process_of_its_own(capped_app: Flask):
    rt = runtime.install(capped_app)
    rt.models.get()
    langid.preload()
    site_id, _ = make_site(capped_app)
    process = sync.start(rt)
    try:
        assert process.pid != os.getpid() and process.is_alive()
        with capped_app.app_context():
            with pytest.raises(sync_scoring.NoAnswer, match="timeout"):
                sync_scoring.score_now("STALL " + CIVIL, 15_000, site_id=site_id)
            answer = sync_scoring.score_now(CIVIL, 15_000, site_id=site_id)
        assert answer["action"] == "approve"
    finally:
        process.terminate()
        process.join(5)

"""Fixtures of the Perspective and Coral tests: a sync-scoring thread standing in for a worker's."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask

from models import langid
from workers import runtime, sync


@pytest.fixture
def sync_worker(app: Flask) -> Iterator[None]:
    """The real sync-scoring loop of a worker, in a thread of this process, on the app's stores."""
    rt = runtime.install(app)
    rt.models.get()  # loaded before the first request, as `python -m workers` does
    langid.preload()
    # A budget no busy test machine misses: these tests check answers, not speed (make bench does).
    app.config["PERSPECTIVE_BUDGET_MS"] = 15_000
    stop = threading.Event()
    thread = threading.Thread(target=sync.serve, args=(rt, stop, 0.1), daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=5)

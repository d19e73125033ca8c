"""Fixtures of the integrations' tests: a sync-scoring thread standing in for a worker's."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask

from workers import runtime, sync


@pytest.fixture
def sync_worker(app: Flask) -> Iterator[None]:
    """The real sync-scoring loop of a worker, in a thread of this process, on the app's stores."""
    rt = runtime.install(app.config, app.extensions["db_engine"], app.extensions["redis"])
    stop = threading.Event()
    thread = threading.Thread(target=sync.serve, args=(rt, stop, 0.1), daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=5)

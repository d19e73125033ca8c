"""Fixtures of the service's tests: an app whose Redis is a server of the test's own, to kill."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from scripts.procs import RedisServer
from tests.helpers.apps import build_app, teardown


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    server = RedisServer().start()
    yield server
    server.kill()


@pytest.fixture
def redis_app(tmp_path: Path, model_dir, own_redis: RedisServer) -> Iterator[Flask]:
    """The app on SQLite and a redis-server of the test's own, which the test may kill."""
    app = build_app(tmp_path, model_dir, REDIS_URL=own_redis.url)
    yield app
    if own_redis.proc and own_redis.proc.poll() is None:
        teardown(app)
    else:  # the test failed with its Redis down
        app.extensions["db_engine"].dispose()

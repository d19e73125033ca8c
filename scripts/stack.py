"""A whole deployment on this machine for the fault and speed runs: a fresh PostgreSQL database,
a Redis database, gunicorn and worker processes, all started separately like on several hosts.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from scripts import procs
from service import create_app
from service.cli.sites import create_site_record
from service.storage import db, model_state

PG_ADMIN_URL = os.environ.get(
    "MODERATION_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def create_database() -> str:
    """A fresh, empty PostgreSQL database; its URL."""
    name = f"moderation_run_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@dataclass
class Stack:
    """Settings shared by every process of one deployment, and the processes started."""

    database_url: str
    redis_url: str
    model_dir: str
    model_version: str
    settings: dict[str, str] = field(default_factory=dict)
    instance: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="moderation-run-"))
    web: list[subprocess.Popen] = field(default_factory=list)
    workers: list[subprocess.Popen] = field(default_factory=list)
    web_ports: list[int] = field(default_factory=list)
    site_key: str = ""

    def env(self) -> dict[str, str]:
        return procs.child_env(
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            MODEL_DIR=self.model_dir,
            INSTANCE_PATH=self.instance,
            SECRET_KEY="run-secret",
            # One site key sends the whole load here; the per-key limit (200/s) is not under test.
            RATE_LIMIT_PER_MINUTE="10000000",
            **self.settings,
        )

    def prepare(self) -> Stack:
        """Schema, active model and one site; Redis database emptied."""
        app = self.app()
        with app.extensions["db_engine"].begin() as conn:
            model_state.activate(conn, self.model_version)
        with app.app_context():
            _, self.site_key = create_site_record("Run")
        app.extensions["redis"].flushdb()
        app.extensions["db_engine"].dispose()
        return self

    def app(self):
        return create_app(
            {
                "DATABASE_URL": self.database_url,
                "REDIS_URL": self.redis_url,
                "MODEL_DIR": self.model_dir,
                "INSTANCE_PATH": self.instance,
                "SECRET_KEY": "run-secret",
            }
        )

    def start_web(self, workers: int = 2) -> str:
        port = procs.free_port()
        self.web.append(procs.start_gunicorn(self.env(), port, workers=workers))
        self.web_ports.append(port)
        return f"http://127.0.0.1:{port}"

    def start_worker(self, *args: str, log: Path | None = None) -> subprocess.Popen:
        proc = procs.start_worker(self.env(), *args, log=log)
        self.workers.append(proc)
        return proc

    def stop(self) -> None:
        for proc in [*self.workers, *self.web]:
            procs.stop(proc)

    def engine(self) -> sa.Engine:
        return db.make_engine(self.database_url)

    def wait_workers(self, n: int, timeout: float = 120) -> None:
        """Until n workers have loaded the model and registered with RQ."""
        import redis
        from rq import Worker

        conn = redis.Redis.from_url(self.redis_url)
        procs.wait_until(lambda: len(Worker.all(connection=conn)) >= n, timeout, "workers")
        conn.close()

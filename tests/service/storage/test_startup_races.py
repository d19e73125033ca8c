"""Processes that start together (gunicorn workers, the Procfile's web and worker) must agree:
one schema, one secret key, and no process failing because another got there first."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.config import _instance_secret
from service.storage import db

PROCESSES = 4
ROUNDS = 8


def _together(target, args_per_round: list[tuple]) -> list[list]:
    """Run target in PROCESSES forked processes released at once by a barrier, per round."""
    ctx = multiprocessing.get_context("fork")
    results = []
    for args in args_per_round:
        barrier, queue = ctx.Barrier(PROCESSES), ctx.Queue()
        procs = [ctx.Process(target=target, args=(barrier, queue, *args)) for _ in range(PROCESSES)]
        for p in procs:
            p.start()
        got = [queue.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(timeout=60)
        results.append(got)
    return results


def _secret(barrier, queue, instance: str) -> None:
    barrier.wait()
    try:
        queue.put(_instance_secret(Path(instance)))
    except Exception as exc:  # reported to the test, which fails on it
        queue.put(repr(exc))


def _schema(barrier, queue, url: str) -> None:
    engine = db.make_engine(url)
    barrier.wait()
    try:
        db.create_schema(engine)
        queue.put("ok")
    except Exception as exc:
        queue.put(repr(exc))
    finally:
        engine.dispose()


def test_processes_starting_together_share_one_secret_key(tmp_path: Path) -> None:
    rounds = _together(_secret, [(str(tmp_path / f"i{n}"),) for n in range(ROUNDS)])
    for n, keys in enumerate(rounds):
        assert len(set(keys)) == 1 and len(keys[0]) == 64, keys
        assert (tmp_path / f"i{n}" / "secret_key").read_text() == keys[0]
        assert [p.name for p in (tmp_path / f"i{n}").iterdir()] == ["secret_key"]


def test_processes_starting_together_all_create_the_schema(tmp_path: Path) -> None:
    urls = [(f"sqlite:///{tmp_path / f'db{n}.sqlite'}",) for n in range(ROUNDS)]
    for outcome in _together(_schema, urls):
        assert outcome == ["ok"] * PROCESSES, outcome
    tables = sa.inspect(sa.create_engine(urls[0][0])).get_table_names()
    assert set(tables) == set(db.metadata.tables)


def test_processes_starting_together_create_the_postgresql_schema(postgres_url: str) -> None:
    admin = sa.create_engine(postgres_url)
    with admin.begin() as conn:  # an empty database, as on a first start
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    admin.dispose()
    for outcome in _together(_schema, [(postgres_url,)] * 2):
        assert outcome == ["ok"] * PROCESSES, outcome


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork with threads

"""A running worker process picks up a promoted version mid-stream, losing and repeating nothing."""

from __future__ import annotations

import time

import sqlalchemy as sa

from service.storage import db, model_state
from tests.helpers.apps import make_site
from tests.helpers.ops import post_comments


def _machine_decisions(app, ids: list[str]) -> list[tuple[str, str]]:
    """(comment id, model version) of every machine decision on IDS, in the order made."""
    with app.extensions["db_engine"].connect() as conn:
        rows = conn.execute(
            sa.select(db.decisions.c.comment_id, db.decisions.c.model_version)
            .where(db.decisions.c.kind == "machine", db.decisions.c.comment_id.in_(ids))
            .order_by(db.decisions.c.id)
        )
        return [tuple(r) for r in rows]


def _wait_for(app, ids: list[str], count: int, proc) -> None:
    """Until COUNT of IDS are decided (generous deadline: a stuck worker fails, not hangs)."""
    deadline = time.monotonic() + 120
    while len(_machine_decisions(app, ids)) < count:
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, "worker stopped deciding"
        time.sleep(0.05)


def test_worker_switches_versions_mid_stream_without_losing_or_repeating(
    app, model_dir, tiny_version, worker_process
):
    _site, key = make_site(app)
    first = post_comments(app, key, 40, "before")
    _wait_for(app, first, 5, worker_process)
    with app.extensions["db_engine"].begin() as conn:
        model_state.activate(conn, tiny_version)  # what `models promote` writes
    # Keep the stream going until the worker has picked the new version up: how many comments
    # it decides before its next refresh depends on the machine's speed, not on the code.
    ids = list(first)
    deadline = time.monotonic() + 120
    round_ = 0
    while not any(v == tiny_version for _, v in _machine_decisions(app, ids)):
        assert time.monotonic() < deadline, "the worker never switched to the new version"
        round_ += 1
        ids += post_comments(app, key, 20, f"after{round_}")
        _wait_for(app, ids, len(ids), worker_process)
    ids += post_comments(app, key, 20, "last")
    _wait_for(app, ids, len(ids), worker_process)
    # Stop the worker (it finishes the job in hand) so a job scored twice would be on record.
    worker_process.terminate()
    assert worker_process.wait(timeout=60) == 0

    made = _machine_decisions(app, ids)
    assert sorted(c for c, _ in made) == sorted(ids)  # every comment exactly once
    versions = [v for _, v in made]
    assert versions[0] == model_dir[1] and versions[-1] == tiny_version
    # One worker switches once: no old-version decision after the first new-version one.
    switch = versions.index(tiny_version)
    assert set(versions[switch:]) == {tiny_version}
    with app.extensions["db_engine"].connect() as conn:
        pending = conn.execute(
            sa.select(sa.func.count()).where(db.comments.c.status == "pending")
        ).scalar()
    assert pending == 0

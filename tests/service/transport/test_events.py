"""Events are wired per application: create_app builds a publisher, the worker runtime holds it."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from rq import Queue

from service.ops import metrics
from service.storage.integrations import webhook_deliveries
from service.transport.events import Ref
from tests.helpers.apps import build_app, make_site, teardown, work_queue
from workers import runtime

COMMENT = {"id": "c1", "text": "You are an idiot", "article": {"id": "a1"}, "author": {"id": "u1"}}


def _site_with_endpoint_and_comment(app: Flask) -> Ref:
    """A site with a webhook endpoint for every event and one comment waiting."""
    site_id, key = make_site(app)
    client, headers = app.test_client(), {"Authorization": f"Bearer {key}"}
    hook = {"url": "http://127.0.0.1:9/hook"}
    assert client.post("/v1/site/webhooks", json=hook, headers=headers).status_code == 201
    posted = client.post("/v1/comments", json=COMMENT, headers=headers)
    assert posted.status_code == 202
    return site_id, posted.get_json()["id"]


def _queued_deliveries(app: Flask) -> tuple[int, int]:
    """(delivery rows in the app's database, delivery jobs on the app's Redis)."""
    with app.extensions["db_engine"].connect() as conn:
        rows = conn.execute(sa.select(sa.func.count()).select_from(webhook_deliveries)).scalar()
    queue = Queue(app.config["WEBHOOK_QUEUE_NAME"], connection=app.extensions["redis"])
    return rows, queue.count


def test_two_apps_in_one_process_hear_only_their_own_events(
    tmp_path: Path, model_dir: tuple[Path, str]
) -> None:
    # Each app its own SQLite file and embedded Redis, whatever the run's servers are: the point
    # is two stores in one process, which one shared PostgreSQL or Redis server could not show.
    apps = []
    for name in ("first", "second"):
        local = {"DATABASE_URL": f"sqlite:///{tmp_path / name / 'moderation.db'}", "REDIS_URL": ""}
        apps.append(build_app(tmp_path / name, model_dir, WEBHOOK_ALLOW_PRIVATE=True, **local))
    first, second = apps
    try:
        assert first.config["DATABASE_URL"] != second.config["DATABASE_URL"]
        assert first.extensions["events"] is not second.extensions["events"]
        heard: dict[str, list[Ref]] = {"first": [], "second": []}
        for name, app in (("first", first), ("second", second)):
            app.extensions["events"].subscribe(
                lambda _engine, _kind, refs, name=name: heard[name].extend(refs)
            )
        first_comment = _site_with_endpoint_and_comment(first)
        second_comment = _site_with_endpoint_and_comment(second)

        work_queue(first)  # the worker runtime, built from the first app, decides its comment
        assert heard == {"first": [first_comment], "second": []}
        assert _queued_deliveries(first) == (1, 1)
        assert _queued_deliveries(second) == (0, 0)
        assert first.extensions["redis"].hlen(metrics.DECISIONS) > 0
        assert second.extensions["redis"].hlen(metrics.DECISIONS) == 0

        work_queue(second)
        assert heard == {"first": [first_comment], "second": [second_comment]}
        assert _queued_deliveries(first) == (1, 1)
        assert _queued_deliveries(second) == (1, 1)
    finally:
        teardown(first)
        teardown(second)


def test_the_worker_runtime_holds_the_publisher_of_the_app_it_was_built_from(app: Flask) -> None:
    assert runtime.install(app).events is app.extensions["events"]


def test_a_writer_that_fails_rolls_back_the_change_it_was_writing_for(app: Flask) -> None:
    from service.storage import db
    from service.transport.events import Publisher

    engine = app.extensions["db_engine"]
    publisher = Publisher(engine)

    def broken_writer(_conn, _kind, _refs):
        raise RuntimeError("could not write the outbox")

    publisher.add_writer(broken_writer)
    with pytest.raises(RuntimeError), engine.begin() as conn:
        conn.execute(
            db.app_state.insert().values(key="probe", value="changed", updated_at=db.utcnow())
        )
        publisher.stage(conn, "comment.reported", [("site", "comment")])
    with engine.connect() as conn:
        assert db.get_state(conn, "probe") is None


def test_a_failing_after_commit_step_does_not_keep_the_subscribers_from_hearing(
    app: Flask,
) -> None:
    from service.transport.events import Publisher

    engine = app.extensions["db_engine"]
    publisher, heard = Publisher(engine), []

    def queue_on_redis() -> None:
        raise ConnectionError("Redis went away")

    publisher.add_writer(lambda _conn, _kind, _refs: queue_on_redis)
    publisher.subscribe(lambda _engine, kind, refs: heard.append((kind, list(refs))))
    with engine.begin() as conn:
        staged = publisher.stage(conn, "comment.reported", [("site", "comment")])
    publisher.announce(staged)
    assert heard == [("comment.reported", [("site", "comment")])]

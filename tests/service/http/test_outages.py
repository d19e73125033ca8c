"""Stores that stop answering: Redis down still accepts (pending), the database down answers 503."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from scripts.procs import RedisServer
from service.storage import db
from tests.helpers.apps import make_site, work_queue
from tests.helpers.batches import machine_decisions
from tests.helpers.comments import ABUSIVE, comment_body, post


def test_redis_down_still_accepts_and_the_sweeper_decides_after_it_returns(
    redis_app: Flask, own_redis: RedisServer
):
    client = redis_app.test_client()
    _, key = make_site(redis_app)
    before = post(client, key, comment_body("before", ABUSIVE))
    assert before.status_code == 202  # queued; then Redis dies with the job in it

    own_redis.kill()
    during = post(client, key, comment_body("during", "Thanks for the report."))
    waited = post(client, key, comment_body("waited", "Good piece."), query="?wait=1000")
    assert during.status_code == 202 and during.json["status"] == "pending"
    assert waited.status_code == 202 and waited.json["status"] == "pending"
    read = client.get(during.headers["Location"], headers={"Authorization": f"Bearer {key}"})
    assert read.status_code == 200 and read.json["status"] == "pending"

    own_redis.start()  # empty: the queued job for "before" is gone too
    negative = redis_app.test_cli_runner().invoke(args=["comments", "sweep", "--grace", "-5"])
    assert negative.exit_code == 2 and "-5" in negative.output
    result = redis_app.test_cli_runner().invoke(args=["comments", "sweep", "--grace", "0"])
    assert result.exit_code == 0 and "re-queued 3 " in result.output
    work_queue(redis_app)

    ids = {r.json["id"] for r in (before, during, waited)}
    assert machine_decisions(redis_app) == dict.fromkeys(ids, 1)


def test_redis_down_with_an_idempotency_key_still_stores_the_comment(
    redis_app: Flask, own_redis: RedisServer
):
    """Idempotency fails open like the rate limiter (seen failing before: 503, nothing stored)."""
    client = redis_app.test_client()
    _, key = make_site(redis_app)
    own_redis.kill()
    body = comment_body("keyed", "Thanks for the report.")
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": "k-1"}
    first = client.post("/v1/comments", json=body, headers=headers)
    assert first.status_code == 202 and first.json["status"] == "pending"
    again = client.post("/v1/comments", json=body, headers=headers)
    # No replay without Redis, but the site comment id keeps it one comment.
    assert again.json["id"] == first.json["id"]
    read = client.get(first.headers["Location"], headers={"Authorization": f"Bearer {key}"})
    assert read.status_code == 200 and read.json["status"] == "pending"
    own_redis.start()


def test_sweeping_twice_still_decides_each_comment_once(app: Flask):
    client = app.test_client()
    _, key = make_site(app)
    ids = [post(client, key, comment_body(f"c{i}")).json["id"] for i in range(3)]
    app.extensions["redis"].flushdb()  # their jobs lost, as in a Redis restart
    runner = app.test_cli_runner()
    assert "re-queued 3 " in runner.invoke(args=["comments", "sweep", "--grace", "0"]).output
    # Still waiting on the list: not pushed a second time.
    assert "re-queued 0 " in runner.invoke(args=["comments", "sweep", "--grace", "0"]).output
    work_queue(app)
    assert machine_decisions(app) == dict.fromkeys(ids, 1)
    assert "re-queued 0 " in runner.invoke(args=["comments", "sweep", "--grace", "0"]).output


def test_sweeper_leaves_recent_pending_comments_alone(app: Flask):
    client = app.test_client()
    _, key = make_site(app)
    post(client, key, comment_body("fresh"))
    result = app.test_cli_runner().invoke(args=["comments", "sweep", "--grace", "3600"])
    assert "re-queued 0 " in result.output


@pytest.fixture
def unreachable_db(app: Flask) -> Iterator[Flask]:
    """The app with its database engine pointed at a port where nothing listens."""
    working = app.extensions["db_engine"]
    app.extensions["db_engine"] = db.make_engine(
        "postgresql+psycopg://moderation:s3cret-pw@127.0.0.1:1/nowhere"
    )
    yield app
    app.extensions["db_engine"].dispose()
    app.extensions["db_engine"] = working


def test_database_down_answers_503_with_retry_after_and_recovers(
    unreachable_db: Flask, caplog: pytest.LogCaptureFixture
):
    app = unreachable_db
    client = app.test_client()
    headers = {"Authorization": "Bearer mk_whatever"}
    for response in (
        post(client, "mk_whatever", comment_body("down")),
        client.get("/v1/comments/cmt_x", headers=headers),
        client.get("/v1/site", headers=headers),
    ):
        assert response.status_code == 503
        assert response.mimetype == "application/problem+json"
        assert int(response.headers["Retry-After"]) > 0
        assert response.json["status"] == 503
    # Neither the database password nor the key reaches the log.
    assert "s3cret-pw" not in caplog.text and "mk_whatever" not in caplog.text


def test_service_serves_again_once_the_database_answers(app: Flask):
    working = app.extensions["db_engine"]
    app.extensions["db_engine"] = db.make_engine("postgresql+psycopg://x@127.0.0.1:1/nowhere")
    client = app.test_client()
    assert client.get("/v1/site", headers={"Authorization": "Bearer mk_x"}).status_code == 503
    app.extensions["db_engine"] = working
    _, key = make_site(app)
    assert client.get("/v1/site", headers={"Authorization": f"Bearer {key}"}).status_code == 200

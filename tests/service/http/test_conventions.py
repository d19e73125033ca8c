"""API conventions: Idempotency-Key, rate limits, /readyz, /metrics; all state shared in Redis."""

from __future__ import annotations

import time
from pathlib import Path

from flask import Flask
from rq import Queue, Worker

from service import create_app
from service.ops import tally
from tests.helpers.apps import build_app, make_site, teardown, work_queue

COMMENT = {"id": "c1", "text": "Nice article", "article": {"id": "a1"}, "author": {"id": "u1"}}


def auth(key: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **extra}


def second_process_app(app: Flask, **overrides: object) -> Flask:
    """Another app on the same stores, as a second web process would have."""
    return create_app(
        {
            **overrides,
            "TESTING": True,
            "INSTANCE_PATH": app.instance_path,
            "DATABASE_URL": app.config["DATABASE_URL"],
            "REDIS_URL": app.config["REDIS_URL"],
            "MODEL_DIR": app.config["MODEL_DIR"],
            "SECRET_KEY": "test-secret",
        }
    )


def test_same_idempotency_key_replays_the_first_response(server_app: Flask) -> None:
    client = server_app.test_client()
    _, key = make_site(server_app)
    first = client.post(
        "/v1/comments", json=COMMENT, headers=auth(key, **{"Idempotency-Key": "k1"})
    )
    assert first.status_code == 202
    # Replayed by another web process, from Redis.
    other = second_process_app(server_app).test_client()
    again = other.post("/v1/comments", json=COMMENT, headers=auth(key, **{"Idempotency-Key": "k1"}))
    assert again.status_code == 202
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]


def test_same_idempotency_key_with_another_body_is_refused(client) -> None:
    _, key = make_site(client.application)
    headers = auth(key, **{"Idempotency-Key": "k2"})
    assert client.post("/v1/comments", json=COMMENT, headers=headers).status_code == 202
    changed = client.post("/v1/comments", json={**COMMENT, "text": "other"}, headers=headers)
    assert changed.status_code == 422
    assert changed.mimetype == "application/problem+json"
    assert "different request" in changed.get_json()["detail"]


def test_idempotency_keys_belong_to_one_site(client) -> None:
    _, key = make_site(client.application)
    _, other_key = make_site(client.application, "Other")
    headers = {"Idempotency-Key": "shared"}
    first = client.post("/v1/comments", json=COMMENT, headers=auth(key, **headers))
    second = client.post("/v1/comments", json=COMMENT, headers=auth(other_key, **headers))
    assert second.status_code == 202
    assert "Idempotent-Replayed" not in second.headers
    assert second.get_json()["id"] != first.get_json()["id"]


def test_rate_limit_per_key_answers_429_with_retry_after(tmp_path: Path, model_dir) -> None:
    app = build_app(tmp_path, model_dir, RATE_LIMIT_PER_MINUTE=3)
    try:
        client = app.test_client()
        _, key = make_site(app)
        _, other_key = make_site(app, "Other")
        statuses = [client.get("/v1/site", headers=auth(key)).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.get("/v1/site", headers=auth(key))
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert limited.mimetype == "application/problem+json"
        # The count is shared by every web process, and each key has its own.
        assert (
            second_process_app(app, RATE_LIMIT_PER_MINUTE=3)
            .test_client()
            .get("/v1/site", headers=auth(key))
            .status_code
            == 429
        )
        assert client.get("/v1/site", headers=auth(other_key)).status_code == 200
        perspective = client.post(
            f"/v1alpha1/comments:analyze?key={key}", json={"comment": {"text": "x"}}
        )
        assert perspective.status_code == 429
        assert perspective.get_json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    finally:
        teardown(app)


def test_readyz_needs_a_live_worker(client) -> None:
    app = client.application
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["redis"]["ok"] and checks["database"]["ok"] and checks["model"]["ok"]
    assert checks["worker"]["ok"] is False and checks["worker"]["live"] == 0
    # A real RQ worker registering itself, as `python -m workers` does on start.
    worker = Worker([app.extensions["queue"]], connection=app.extensions["redis"])
    worker.register_birth()
    worker.heartbeat()
    try:
        response = client.get("/readyz")
        assert response.status_code == 200
        worker_check = response.get_json()["checks"]["worker"]
        assert worker_check["ok"] is True and worker_check["live"] == 1
    finally:
        worker.register_death()


def test_readyz_counts_only_workers_that_score(client) -> None:
    """An ops worker or a webhooks-only worker (`--queues webhooks`) decides no comment."""
    app = client.application
    redis = app.extensions["redis"]
    others = [
        Worker([Queue(app.config["WEBHOOK_QUEUE_NAME"], connection=redis)], connection=redis),
        Worker([app.extensions["ops_queue"]], connection=redis),
    ]
    for worker in others:
        worker.register_birth()
        worker.heartbeat()
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["checks"]["worker"]["live"] == 0
    finally:
        for worker in others:
            worker.register_death()


def test_readyz_without_an_active_model_is_not_ready(client) -> None:
    app = client.application
    with app.extensions["db_engine"].begin() as conn:
        from service.storage import db

        conn.execute(db.app_state.delete())
    model = client.get("/readyz").get_json()["checks"]["model"]
    assert (model["ok"], model["active"]) == (False, None)
    assert "flask --app service models train" in model["error"]  # says what fixes it


def test_metrics_count_across_processes(client) -> None:
    app = client.application
    _, key = make_site(app)
    client.post("/v1/comments", json=COMMENT, headers=auth(key))
    client.get("/v1/comments/nope", headers=auth(key))
    work_queue(app)
    # Scraped from another web process: the counts live in Redis, not in this one. This
    # process adds its request counts to Redis once a second, so they show within a second.
    other = second_process_app(app).test_client()
    posted = (
        'moderation_http_requests_total{endpoint="/v1/comments",method="POST",status="202"} 1.0'
    )
    missing = 'endpoint="/v1/comments/<comment_id>",method="GET",status="404"} 1.0'
    # A flush may fall between the two requests: wait for both counts, not only the first.
    deadline = time.monotonic() + 1 + 2 * tally.FLUSH_SECONDS
    text = other.get("/metrics").get_data(as_text=True)
    while not (posted in text and missing in text) and time.monotonic() < deadline:
        time.sleep(0.05)
        text = other.get("/metrics").get_data(as_text=True)
    assert posted in text
    assert missing in text
    assert 'moderation_http_request_duration_seconds_count{endpoint="/v1/comments"} 1.0' in text
    assert 'moderation_scoring_duration_seconds_count{kind="queued"} 1.0' in text
    assert 'moderation_decisions_total{action="approve",guideline="none"} 1.0' in text
    assert 'moderation_queue_depth{queue="moderation"} 0.0' in text
    version = app.config["MODEL_DIR"] and _active(app)
    assert f'moderation_active_model_info{{version="{version}"}} 1.0' in text


def _active(app: Flask) -> str:
    from service.storage import model_state

    with app.extensions["db_engine"].connect() as conn:
        return model_state.active_version(conn)


def test_metrics_content_type_names_its_charset_once(client) -> None:
    content_type = client.get("/metrics").headers["Content-Type"]
    assert content_type.startswith("text/plain")
    assert content_type.count("charset") == 1


def test_limits_and_replays_follow_the_key_that_authenticates(tmp_path: Path, model_dir) -> None:
    app = build_app(tmp_path, model_dir, RATE_LIMIT_PER_MINUTE=2)
    try:
        client = app.test_client()
        _, key = make_site(app)
        analyze = f"/v1alpha1/comments:analyze?key={key}"
        body = {"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}}
        # No worker runs here, so the first two answer 503; they still count.
        statuses = [client.post(analyze, json=body).status_code for _ in range(3)]
        assert 429 not in statuses[:2] and statuses[2] == 429
        # Perspective authenticates with ?key=; a made-up bearer value must not open a new bucket.
        dodge = client.post(analyze, json=body, headers=auth("made-up"))
        assert dodge.status_code == 429
    finally:
        teardown(app)


def test_session_endpoints_never_replay_a_stored_answer(app: Flask) -> None:
    from tests.helpers.moderation import login, make_user

    app.config["SESSION_COOKIE_SECURE"] = False
    boss = app.test_client()
    token = login(boss, "boss", make_user(app, "boss", "admin"))
    headers = {"Authorization": "Bearer x", "Idempotency-Key": "rb-1"}
    first = boss.post("/v1/admin/models/rollback", headers={**headers, "X-CSRF-Token": token})
    assert first.status_code == 409  # nothing to roll back to: an answer that could be stored
    stranger = app.test_client().post("/v1/admin/models/rollback", headers=headers)
    assert stranger.status_code == 401
    assert "Idempotent-Replayed" not in stranger.headers


def test_refused_credentials_leave_no_stored_answer(app: Flask) -> None:
    from service.transport import broker

    client = app.test_client()
    headers = auth("made-up", **{"Idempotency-Key": "k-401"})
    for _ in range(2):
        refused = client.post("/v1/comments", json=COMMENT, headers=headers)
        assert refused.status_code == 401
        assert "Idempotent-Replayed" not in refused.headers
    with app.app_context():
        assert broker.connection().keys("moderation:idem:*") == []

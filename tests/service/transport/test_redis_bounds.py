"""What the service keeps in Redis stays bounded: the sweeper does not push an id that is still
queued, the sync request list's expiry does not slide, idempotency records have a size cap."""

from __future__ import annotations

import pytest

from service.transport import broker, sync_scoring
from tests.helpers.apps import make_site, work_queue
from tests.helpers.batches import machine_decisions
from tests.helpers.comments import auth, comment_body, post


def _pending(app) -> list[str]:
    return [
        i.decode() for i in app.extensions["redis"].lrange(broker.pending_key("moderation"), 0, -1)
    ]


def test_the_sweeper_does_not_push_a_comment_still_waiting_on_the_list(server_app):
    client = server_app.test_client()
    _, key = make_site(server_app)
    ids = [post(client, key, comment_body(f"c{i}")).json["id"] for i in range(3)]
    runner = server_app.test_cli_runner()
    for _ in range(3):  # a backlog outlasting several grace periods
        assert "re-queued 0 " in runner.invoke(args=["comments", "sweep", "--grace", "0"]).output
    assert _pending(server_app) == ids
    work_queue(server_app)
    assert machine_decisions(server_app) == dict.fromkeys(ids, 1)
    assert server_app.extensions["redis"].scard(broker.queued_set_key("moderation")) == 0


def test_a_comment_taken_off_the_list_and_lost_is_queued_again(server_app):
    from service.transport import queueing

    client = server_app.test_client()
    _, key = make_site(server_app)
    comment_id = post(client, key, comment_body("c-lost")).json["id"]
    with server_app.app_context():
        popped, left = queueing.pop_batch(broker.connection(), "moderation", 100)
    assert (popped, left) == ([comment_id], 0)  # a drain job that then dies
    result = server_app.test_cli_runner().invoke(args=["comments", "sweep", "--grace", "0"])
    assert "re-queued 1 " in result.output
    assert _pending(server_app) == [comment_id]


def test_the_sync_request_list_expiry_does_not_slide(server_app):
    redis = server_app.extensions["redis"]
    with server_app.app_context():
        with pytest.raises(sync_scoring.NoAnswer):
            sync_scoring.score_now("first", budget_ms=10)
        first_ttl = redis.ttl(sync_scoring.REQUEST_LIST)
        assert 0 < first_ttl <= sync_scoring.REQUEST_TTL_SECONDS
        redis.expire(sync_scoring.REQUEST_LIST, 3)  # as if the first push was 27 s ago
        with pytest.raises(sync_scoring.NoAnswer):
            sync_scoring.score_now("second", budget_ms=10)
        assert redis.ttl(sync_scoring.REQUEST_LIST) <= 3


def _idempotency_records(app) -> list[bytes]:
    redis = app.extensions["redis"]
    return [redis.get(k) for k in redis.scan_iter("moderation:idem:*")]


def test_a_large_response_is_kept_for_replay_as_its_status_and_location_only(server_app):
    server_app.config["IDEMPOTENCY_MAX_BODY_BYTES"] = 256
    client = server_app.test_client()
    _, key = make_site(server_app)
    headers = {**auth(key), "Idempotency-Key": "k-large"}
    body = comment_body("c-large")
    body["article"]["title"] = "A long headline about the council budget vote. " * 8
    first = client.post("/v1/comments", json=body, headers=headers)
    assert first.status_code == 202 and len(first.get_data()) > 600
    (record,) = _idempotency_records(server_app)
    assert len(record) < 600
    replay = client.post("/v1/comments", json=body, headers=headers)
    assert replay.status_code == 202
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.headers["Location"] == first.headers["Location"]
    assert replay.json["id"] == first.json["id"]
    assert replay.json["status"] == "pending"
    assert replay.json["replay_truncated"] is True
    full = client.get(replay.headers["Location"], headers=auth(key))
    assert full.json == first.json


def test_a_small_response_is_replayed_whole(server_app):
    client = server_app.test_client()
    _, key = make_site(server_app)
    headers = {**auth(key), "Idempotency-Key": "k-small"}
    first = client.post("/v1/comments", json=comment_body("c-small"), headers=headers)
    replay = client.post("/v1/comments", json=comment_body("c-small"), headers=headers)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_data() == first.get_data()

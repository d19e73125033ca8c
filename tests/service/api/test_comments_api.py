"""The comments API end to end: store, queue, a real worker, decisions, and every bad input."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from service.storage import db
from tests.helpers.apps import make_site, work_queue
from tests.helpers.comments import ABUSIVE, CIVIL, auth, comment_body, post


def test_abusive_comment_is_held_or_rejected_and_civil_one_approved(server_app):
    client = server_app.test_client()
    _, key = make_site(server_app)
    bad = post(client, key, comment_body("bad", ABUSIVE))
    good = post(client, key, comment_body("good", CIVIL))
    assert bad.status_code == good.status_code == 202
    assert bad.json["status"] == "pending"
    work_queue(server_app)

    bad_view = client.get(f"/v1/comments/{bad.json['id']}", headers=auth(key)).json
    good_view = client.get(f"/v1/comments/{good.json['id']}", headers=auth(key)).json
    assert bad_view["status"] in {"held", "rejected"}
    assert bad_view["decision"]["action"] in {"hold", "reject"}
    assert {r["guideline"] for r in bad_view["decision"]["reasons"]} & {"abuse"}
    assert good_view["status"] == "approved"
    assert good_view["decision"]["action"] == "approve"
    for view in (bad_view, good_view):
        decision = view["decision"]
        assert set(decision["scores"]) >= {"toxicity", "spam"}
        assert decision["model_version"]
        assert decision["decided_at"].endswith("Z")


def test_reason_evidence_points_into_the_original_text(app, client):
    _, key = make_site(app)
    created = post(client, key, comment_body("bad", ABUSIVE)).json
    work_queue(app)
    view = client.get(f"/v1/comments/{created['id']}", headers=auth(key)).json
    spans = [span for reason in view["decision"]["reasons"] for span in reason["evidence"]]
    assert spans, "a flagged comment names the words that triggered it"
    for span in spans:
        assert ABUSIVE[span["start"] : span["end"]] == span["text"]


def test_repeated_post_returns_the_stored_comment_not_a_second_one(server_app):
    client = server_app.test_client()
    site_id, key = make_site(server_app)
    first = post(client, key, comment_body("same"))
    again = post(client, key, comment_body("same"))
    assert first.status_code == 202
    assert again.status_code == 200
    assert again.json["id"] == first.json["id"]
    assert again.json["external_id"] == "same"
    with server_app.extensions["db_engine"].connect() as conn:
        count = conn.execute(
            sa.select(sa.func.count())
            .select_from(db.comments)
            .where(db.comments.c.site_id == site_id)
        ).scalar()
    assert count == 1


def test_each_job_run_twice_still_gives_one_machine_decision(app, client):
    _, key = make_site(app)
    created = post(client, key, comment_body("twice")).json
    work_queue(app)
    from service.transport import queueing

    with app.app_context():
        queueing.enqueue_scoring(created["id"])
    work_queue(app)
    with app.extensions["db_engine"].connect() as conn:
        rows = conn.execute(
            sa.select(db.decisions).where(db.decisions.c.comment_id == created["id"])
        ).all()
    assert len(rows) == 1


def test_lookup_by_external_id(app, client):
    _, key = make_site(app)
    created = post(client, key, comment_body("ext-42")).json
    found = client.get("/v1/comments?external_id=ext-42", headers=auth(key))
    assert found.status_code == 200
    assert found.json["id"] == created["id"]
    missing = client.get("/v1/comments?external_id=nope", headers=auth(key))
    assert missing.status_code == 404


def test_one_site_cannot_read_another_sites_comment(server_app):
    client = server_app.test_client()
    _, key_a = make_site(server_app, "A")
    _, key_b = make_site(server_app, "B")
    created = post(client, key_a, comment_body("private")).json
    assert client.get(f"/v1/comments/{created['id']}", headers=auth(key_b)).status_code == 404
    assert client.get("/v1/comments?external_id=private", headers=auth(key_b)).status_code == 404
    assert client.get(f"/v1/comments/{created['id']}", headers=auth(key_a)).status_code == 200


def test_site_endpoint_answers_the_keys_own_site(app, client):
    site_id, key = make_site(app, "Daily Planet")
    body = client.get("/v1/site", headers=auth(key)).json
    assert body["id"] == site_id
    assert body["name"] == "Daily Planet"
    assert key not in json.dumps(body)


def test_wait_returns_the_decision_from_a_running_worker(app, client, worker_process):
    _, key = make_site(app)
    response = post(client, key, comment_body("waited", ABUSIVE), query="?wait=5000")
    assert response.status_code == 200
    assert response.json["decision"]["action"] in {"hold", "reject"}
    assert response.json["status"] in {"held", "rejected"}


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == status
    assert body["title"]
    return body


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer mk_wrong"}, 401), ({"Authorization": "Basic x"}, 401)],
)
def test_missing_or_wrong_key_is_401(client, headers, status):
    assert_problem(client.post("/v1/comments", json=comment_body(), headers=headers), status)
    assert_problem(client.get("/v1/site", headers=headers), status)


def test_bad_json_is_400(app, client):
    _, key = make_site(app)
    response = client.post(
        "/v1/comments", data="{not json", content_type="application/json", headers=auth(key)
    )
    assert_problem(response, 400)
    # Python's parser would take these; JSON has no NaN or Infinity.
    for constant in ("NaN", "Infinity", "-Infinity"):
        data = '{"id": "c1", "text": "hi", "article": {"id": "a"}, "author": {"id": "u"}, ' + (
            f'"extra": {constant}}}'
        )
        response = client.post(
            "/v1/comments", data=data, content_type="application/json", headers=auth(key)
        )
        assert_problem(response, 400)


def test_invalid_utf8_and_deep_nesting_are_400(app, client):
    _, key = make_site(app)
    bad_bytes = client.post(
        "/v1/comments", data=b'{"id": "\xff"}', content_type="application/json", headers=auth(key)
    )
    assert_problem(bad_bytes, 400)
    deep = client.post(
        "/v1/comments",
        data="[" * 5000 + "]" * 5000,
        content_type="application/json",
        headers=auth(key),
    )
    assert_problem(deep, 400)


def test_wrong_content_type_is_415(app, client):
    _, key = make_site(app)
    response = client.post("/v1/comments", data="id=1", headers=auth(key))
    assert_problem(response, 415)


def test_missing_fields_are_422_with_every_field_named(app, client):
    _, key = make_site(app)
    response = client.post("/v1/comments", json={"text": 5, "article": {}}, headers=auth(key))
    body = assert_problem(response, 422)
    fields = {error["field"] for error in body["errors"]}
    assert {"id", "text", "article.id", "author"} <= fields


def test_non_object_body_and_nul_text_are_422(app, client):
    _, key = make_site(app)
    assert_problem(client.post("/v1/comments", json=[1, 2], headers=auth(key)), 422)
    nul = post(client, key, comment_body("nul", "bad\x00text"))
    assert_problem(nul, 422)


def test_field_errors_name_the_fields_the_client_sent(app, client):
    _, key = make_site(app)
    body = comment_body("ok-id", "fine text")
    body["id"] = "bad\x01id"
    body["article"] = {"id": "a\x02"}
    body["parent_id"] = {"id": "p1"}
    response = post(client, key, body)
    assert_problem(response, 422)
    errors = {e["field"]: e["message"] for e in response.get_json()["errors"]}
    assert set(errors) == {"id", "article.id", "parent_id"}
    assert "control characters" in errors["id"] and "control characters" in errors["article.id"]
    assert errors["parent_id"].startswith("is optional")


def test_text_over_the_limit_is_413(app, client):
    _, key = make_site(app)
    assert_problem(post(client, key, comment_body("long", "a" * 20_001)), 413)


def test_body_over_the_limit_is_413(app, client):
    _, key = make_site(app)
    response = client.post(
        "/v1/comments",
        data=json.dumps(comment_body("huge", "b" * 300_000)),
        content_type="application/json",
        headers=auth(key),
    )
    assert_problem(response, 413)


def test_text_limit_is_a_setting(tmp_path, model_dir):
    from tests.helpers.apps import build_app

    small = build_app(tmp_path, model_dir, MAX_TEXT_CHARS=10)
    _, key = make_site(small)
    assert_problem(post(small.test_client(), key, comment_body("x", "eleven chars")), 413)


def test_unknown_comment_and_unknown_route_are_404(app, client):
    _, key = make_site(app)
    assert_problem(client.get("/v1/comments/cmt_missing", headers=auth(key)), 404)
    assert_problem(client.get("/v1/nothing-here", headers=auth(key)), 404)


def test_bad_wait_value_is_422(app, client):
    _, key = make_site(app)
    assert_problem(post(client, key, comment_body(), query="?wait=99999"), 422)
    assert_problem(post(client, key, comment_body(), query="?wait=soon"), 422)

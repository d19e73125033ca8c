"""POST /v1/comments:batch: every comment answered on its own, stored and queued together."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from scripts.procs import RedisServer
from service.storage import db
from tests.helpers.apps import make_site, work_queue
from tests.helpers.batches import machine_decisions
from tests.helpers.comments import ABUSIVE, CIVIL, auth, comment_body, post


def batch(client, key: str, comments: list, **headers: str):
    return client.post(
        "/v1/comments:batch", json={"comments": comments}, headers={**auth(key), **headers}
    )


def stored(app: Flask, site_id: str) -> list[sa.Row]:
    with app.extensions["db_engine"].connect() as conn:
        return conn.execute(
            sa.select(db.comments.c.external_id, db.comments.c.status, db.comments.c.text)
            .where(db.comments.c.site_id == site_id)
            .order_by(db.comments.c.external_id)
        ).all()


def test_good_and_bad_comments_are_each_answered_as_one_post_would_be(server_app):
    client = server_app.test_client()
    site_id, key = make_site(server_app)
    too_long = "x" * (int(server_app.config["MAX_TEXT_CHARS"]) + 1)
    bad = [
        comment_body("no-text", ""),
        comment_body("long", too_long),
        "not an object",
        comment_body("ctrl", "a\x07b"),
        {**comment_body("no-author"), "author": None},
    ]
    comments = [comment_body("good", CIVIL), *bad[:2], comment_body("rude", ABUSIVE), *bad[2:]]
    answer = batch(client, key, comments)
    assert answer.status_code == 200
    results = answer.json["results"]
    assert [r["index"] for r in results] == list(range(len(comments)))
    assert [r["status"] for r in results] == [202, 422, 413, 202, 422, 422, 422]
    assert answer.json["counts"] == {"created": 2, "repeated": 0, "failed": 5}
    # The same validation code: each refused item carries the problem its own POST gets.
    for result, body in zip([results[i] for i in (1, 2, 5, 6)], [*bad[:2], *bad[3:]], strict=True):
        alone = post(client, key, body)
        assert (result["status"], result["problem"]) == (alone.status_code, alone.json)
    assert results[4]["problem"]["detail"] == "Each comment must be a JSON object."
    assert [(r.external_id, r.status) for r in stored(server_app, site_id)] == [
        ("good", "pending"),
        ("rude", "pending"),
    ]
    work_queue(server_app)
    views = {
        r["comment"]["external_id"]: client.get(
            f"/v1/comments/{r['comment']['id']}", headers=auth(key)
        ).json
        for r in results
        if r["status"] == 202
    }
    assert views["good"]["status"] == "approved"
    assert views["rude"]["status"] in {"held", "rejected"}


def test_an_id_repeated_inside_a_batch_is_stored_and_decided_once(server_app):
    client = server_app.test_client()
    site_id, key = make_site(server_app)
    comments = [
        comment_body("c-1", CIVIL),
        comment_body("c-1", CIVIL),
        comment_body("c-1", "The same id with another text."),
        comment_body("c-2", CIVIL),
    ]
    first = batch(client, key, comments).json["results"]
    assert [r["status"] for r in first] == [202, 200, 409, 202]
    assert first[1]["comment"]["id"] == first[0]["comment"]["id"]
    assert "PUT" in first[2]["problem"]["detail"]
    assert len(stored(server_app, site_id)) == 2
    # The whole batch again (a client's retry): nothing new, the earlier ids are repeats.
    again = batch(client, key, comments).json
    assert [r["status"] for r in again["results"]] == [200, 200, 409, 200]
    assert again["counts"] == {"created": 0, "repeated": 3, "failed": 1}
    work_queue(server_app)
    decided = machine_decisions(server_app)
    assert decided == {first[0]["comment"]["id"]: 1, first[3]["comment"]["id"]: 1}


def test_a_site_key_creates_and_sees_only_its_own_sites_comments(server_app):
    client = server_app.test_client()
    site_a, key_a = make_site(server_app, "A")
    site_b, key_b = make_site(server_app, "B")
    mine = batch(client, key_a, [comment_body("s-1"), comment_body("s-2")]).json["results"]
    # The same site ids under another key are that site's own new comments, not repeats.
    theirs = batch(client, key_b, [comment_body("s-1", "Another site's own text.")]).json
    assert theirs["results"][0]["status"] == 202
    assert theirs["results"][0]["comment"]["id"] != mine[0]["comment"]["id"]
    assert [r.external_id for r in stored(server_app, site_a)] == ["s-1", "s-2"]
    assert [r.text for r in stored(server_app, site_b)] == ["Another site's own text."]
    other = client.get(f"/v1/comments/{mine[0]['comment']['id']}", headers=auth(key_b))
    assert other.status_code == 404
    assert batch(client, "mk_wrong", [comment_body("s-3")]).status_code == 401


def test_a_malformed_envelope_is_one_problem_and_stores_nothing(app: Flask, client):
    site_id, key = make_site(app)
    too_many = [comment_body(f"n-{i}") for i in range(501)]
    for comments, status in ((too_many, 422), ([], 422), ("text", 422)):
        answer = batch(client, key, comments)
        assert answer.status_code == status
        assert answer.mimetype == "application/problem+json"
        assert answer.json["errors"][0]["field"] == "comments"
    not_json = client.post(
        "/v1/comments:batch", data="{", headers={**auth(key), "Content-Type": "application/json"}
    )
    assert not_json.status_code == 400
    assert stored(app, site_id) == []


def test_a_batch_may_be_larger_than_one_comments_body_limit_but_not_its_own(app: Flask, client):
    site_id, key = make_site(app)
    text = "A long and considered comment about the council's plans. " * 70  # about 4 KB
    comments = [comment_body(f"big-{i}", text) for i in range(100)]  # over 256 KiB in all
    answer = batch(client, key, comments, **{"Idempotency-Key": "import-1"})
    assert answer.status_code == 200
    assert answer.json["counts"]["created"] == 100
    replay = batch(client, key, comments, **{"Idempotency-Key": "import-1"})
    assert replay.headers["Idempotent-Replayed"] == "true"
    app.config["MAX_BATCH_BODY_BYTES"] = 64 * 1024
    refused = batch(client, key, [comment_body(f"more-{i}", text) for i in range(20)])
    assert refused.status_code == 413
    assert len(stored(app, site_id)) == 100


def test_a_batch_comment_with_store_text_false_is_decided_without_its_text_stored(
    server_app,
):
    client = server_app.test_client()
    site_id, key = make_site(server_app)
    comments = [comment_body("kept"), {**comment_body("secret", ABUSIVE), "store_text": False}]
    results = batch(client, key, comments).json["results"]
    assert [r["comment"]["text_state"] for r in results] == [None, "not_stored"]
    assert [r.text for r in stored(server_app, site_id)] == [CIVIL, ""]
    work_queue(server_app)
    secret = client.get(f"/v1/comments/{results[1]['comment']['id']}", headers=auth(key)).json
    assert secret["decision"]["action"] in {"hold", "reject"}


def test_redis_down_stores_the_batch_pending_but_refuses_texts_it_must_not_store(
    redis_app: Flask,
    own_redis: RedisServer,
):
    client = redis_app.test_client()
    site_id, key = make_site(redis_app)
    secret = {**comment_body("secret"), "store_text": False}
    own_redis.kill()
    answer = batch(client, key, [comment_body("kept"), secret, secret]).json["results"]
    assert [r["status"] for r in answer] == [202, 503, 503]
    assert [r.external_id for r in stored(redis_app, site_id)] == ["kept"]
    own_redis.start()
    swept = redis_app.test_cli_runner().invoke(args=["comments", "sweep", "--grace", "0"])
    assert "re-queued 1 " in swept.output
    work_queue(redis_app)
    assert machine_decisions(redis_app) == {answer[0]["comment"]["id"]: 1}


def test_each_comment_is_held_to_one_posts_field_limit(app: Flask, client):
    _, key = make_site(app)
    crowded = {**comment_body("crowded"), "extra": {str(i): i for i in range(250)}}
    results = batch(client, key, [comment_body("plain"), crowded]).json["results"]
    assert [r["status"] for r in results] == [202, 422]
    assert results[1]["problem"]["detail"] == "The comment has more than 200 fields and items."
    assert post(client, key, crowded).status_code == 422

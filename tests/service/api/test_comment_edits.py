"""Editing a comment (PUT): a new revision, moderated afresh through the one scoring path."""

from __future__ import annotations

import json

import sqlalchemy as sa

from service.moderation import actions
from service.moderation.users import User
from service.storage import db, lifecycle, store
from service.storage.integrations import webhook_deliveries
from service.transport import events
from service.webhooks import create_endpoint
from tests.helpers.apps import make_site, work_queue
from tests.helpers.comments import ABUSIVE, CIVIL, auth, comment_body, post
from tests.helpers.moderation import queued_ids, refusal_of

# Held by the default policy whatever the model says: links wait for a moderator.
LINKED = "Details of the council's budget are at https://budget.example.org/plan for anyone."
LINKED_EDIT = "Corrected: the plan is at https://budget.example.org/plan-v2 now, see page 3."


def put(client, key: str, comment_id: str, body: dict, query: str = ""):
    return client.put(f"/v1/comments/{comment_id}{query}", json=body, headers=auth(key))


def view(client, key: str, comment_id: str) -> dict:
    return client.get(f"/v1/comments/{comment_id}", headers=auth(key)).json


def test_edit_to_abusive_text_is_moderated_again_with_the_revision_judged(server_app):
    client = server_app.test_client()
    _, key = make_site(server_app)
    created = post(client, key, comment_body("e-1", CIVIL)).json
    work_queue(server_app)
    assert view(client, key, created["id"])["status"] == "approved"

    edited = put(client, key, created["id"], {"text": ABUSIVE})
    assert edited.status_code == 202
    assert edited.json["status"] == "pending" and edited.json["decision"] is None
    assert edited.json["revision"] == 2
    work_queue(server_app)

    after = view(client, key, created["id"])
    assert after["status"] in {"held", "rejected"}
    assert after["decision"]["revision"] == 2
    assert {r["guideline"] for r in after["decision"]["reasons"]} & {"abuse"}
    assert [r["revision"] for r in after["revisions"]] == [1, 2]
    assert all(r["created_at"].endswith("Z") for r in after["revisions"])
    assert after["revisions"][0]["created_at"] <= after["revisions"][1]["created_at"]
    with server_app.extensions["db_engine"].connect() as conn:
        judged = conn.execute(
            sa.select(db.decisions.c.revision, db.decisions.c.action)
            .where(db.decisions.c.comment_id == created["id"], db.decisions.c.kind == "machine")
            .order_by(db.decisions.c.id)
        ).all()
        old_text = conn.execute(
            sa.select(lifecycle.comment_revisions.c.text).where(
                lifecycle.comment_revisions.c.comment_id == created["id"]
            )
        ).scalar_one()
    assert [(r.revision or 1) for r in judged] == [1, 2]
    assert judged[0].action == "approve"
    assert old_text == CIVIL  # the earlier revision is kept (until erased)


def test_put_by_external_id_and_the_same_text_again_is_idempotent(server_app):
    client = server_app.test_client()
    _, key = make_site(server_app)
    created = post(client, key, comment_body("ext-e", CIVIL)).json
    first = client.put(
        "/v1/comments?external_id=ext-e",
        json={"text": ABUSIVE, "author": {"name": "New Name"}},
        headers=auth(key),
    )
    again = client.put("/v1/comments?external_id=ext-e", json={"text": ABUSIVE}, headers=auth(key))
    assert first.status_code == 202
    assert first.json["id"] == created["id"]
    assert first.json["author"]["name"] == "New Name"
    assert again.status_code == 200
    assert again.json["revision"] == 2  # no third revision for the same text


def test_post_of_a_stored_id_with_new_text_is_409_pointing_to_put(server_app):
    client = server_app.test_client()
    _, key = make_site(server_app)
    created = post(client, key, comment_body("dup", CIVIL)).json
    same = post(client, key, comment_body("dup", CIVIL))
    changed = post(client, key, comment_body("dup", ABUSIVE))
    assert same.status_code == 200
    assert changed.status_code == 409
    assert changed.mimetype == "application/problem+json"
    assert f"PUT the new text to /v1/comments/{created['id']}" in changed.json["detail"]
    assert view(client, key, created["id"])["revision"] == 1


def test_held_comment_edited_leaves_the_queue_and_comes_back_undecided(server_app):
    client = server_app.test_client()
    site_id, key = make_site(server_app)
    created = post(client, key, comment_body("held", LINKED)).json
    work_queue(server_app)
    assert view(client, key, created["id"])["status"] == "held"
    moderator = User(id=1, name="mo", role="moderator", sites=(site_id,))
    engine = server_app.extensions["db_engine"]

    def queued() -> list[str]:
        return queued_ids(server_app, moderator)

    assert queued() == [created["id"]]
    with server_app.app_context():
        actions.decide(engine, events.publisher(), moderator, created["id"], "approve", None)
    assert view(client, key, created["id"])["decision"]["kind"] == "moderator"

    put(client, key, created["id"], {"text": LINKED_EDIT})
    assert queued() == []  # pending: no moderator may decide it yet
    assert refusal_of(server_app, moderator, created["id"]) == 409
    work_queue(server_app)
    after = view(client, key, created["id"])
    assert after["status"] == "held"
    assert after["decision"]["kind"] == "machine"  # the approval judged the old text
    assert after["decision"]["revision"] == 2
    assert queued() == [created["id"]]


def test_webhook_decided_fires_for_the_new_revision(server_app):
    client = server_app.test_client()
    site_id, key = make_site(server_app)
    with server_app.app_context(), db.engine().begin() as conn:
        create_endpoint(conn, site_id, "https://hooks.example/in", ["comment.decided"])
    created = post(client, key, comment_body("hook", CIVIL)).json
    work_queue(server_app)
    put(client, key, created["id"], {"text": ABUSIVE})
    work_queue(server_app)
    with server_app.extensions["db_engine"].connect() as conn:
        payloads = conn.execute(
            sa.select(webhook_deliveries.c.payload)
            .where(webhook_deliveries.c.comment_id == created["id"])
            .order_by(webhook_deliveries.c.created_at)
        ).scalars()
        bodies = [json.loads(p) for p in payloads]
    assert [b["type"] for b in bodies] == ["comment.decided", "comment.decided"]
    assert [b["data"]["decision"]["revision"] for b in bodies] == [1, 2]
    assert bodies[1]["data"]["revision"] == 2


def test_decision_of_a_replaced_revision_does_not_become_the_comments(app):
    """A worker that read the old text and stores its decision after the edit loses."""
    site_id, _ = make_site(app)
    fields = comment_body("race")
    values = {
        "external_id": "race",
        "text": CIVIL,
        "article_id": "a-1",
        "article_title": None,
        "article_url": None,
        "author_id": "u-1",
        "author_name": None,
        "parent_id": None,
    }
    assert fields["id"] == values["external_id"]
    with app.app_context(), db.engine().begin() as conn:
        comment, _ = store.insert_comment(conn, site_id, values)
        lifecycle.store_revision(conn, comment, ABUSIVE, {})
        stored = store.record_machine_decisions(
            conn,
            "v-test",
            [
                {
                    "comment_id": comment["id"],
                    "revision": 1,
                    "action": "approve",
                    "scores": {},
                    "reasons": [],
                    "policy_version": None,
                }
            ],
        )
        after = store.get_comment(conn, comment["id"])
        left = conn.execute(
            sa.select(sa.func.count()).where(db.decisions.c.comment_id == comment["id"])
        ).scalar()
    assert stored == {}
    assert after["status"] == "pending" and after["decision_id"] is None
    assert left == 0


def test_bad_edits_are_problems(app, client):
    _, key = make_site(app)
    _, other_key = make_site(app, "Other")
    created = post(client, key, comment_body("bad-edit")).json
    assert put(client, key, created["id"], {}).status_code == 422
    assert put(client, key, created["id"], {"text": "x", "id": "another"}).status_code == 422
    assert put(client, key, created["id"], {"text": "x\x00"}).status_code == 422
    assert put(client, key, created["id"], {"text": "x", "author": "me"}).status_code == 422
    assert put(client, other_key, created["id"], {"text": "x"}).status_code == 404
    assert put(client, key, "cmt_nope", {"text": "x"}).status_code == 404
    no_id = client.put("/v1/comments", json={"text": "x"}, headers=auth(key))
    assert no_id.status_code == 422
    assert put(client, key, created["id"], {"text": "x"}, "?wait=abc").status_code == 422
    assert client.put(f"/v1/comments/{created['id']}", json={"text": "x"}).status_code == 401


def test_two_edits_of_one_revision_at_once_store_one_and_refuse_the_other(server_app):
    import threading
    import time

    _, key = make_site(server_app)
    client = server_app.test_client()
    created = post(client, key, comment_body("both", CIVIL)).json
    engine = server_app.extensions["db_engine"]
    with engine.connect() as conn:
        read = store.get_comment(conn, created["id"])
    outcome: list[str] = []

    def second_edit() -> None:
        try:
            with engine.begin() as conn:
                lifecycle.store_revision(conn, dict(read), "second edit", {})
            outcome.append("stored")
        except lifecycle.EditConflict:
            outcome.append("conflict")

    with engine.begin() as conn:
        lifecycle.store_revision(conn, dict(read), "first edit", {})
        other = threading.Thread(target=second_edit)
        other.start()
        time.sleep(0.3)  # the second edit is now waiting for this transaction's lock
    other.join(timeout=30)
    assert outcome == ["conflict"]
    with engine.connect() as conn:
        assert store.get_comment(conn, created["id"])["text"] == "first edit"
        history = conn.execute(sa.select(lifecycle.comment_revisions.c.text)).scalars().all()
    assert history == [CIVIL]

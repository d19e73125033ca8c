"""Deleting a comment and erasing an author leave no copy of what they wrote in any table."""

from __future__ import annotations

import sqlalchemy as sa

from service.moderation import actions, claims
from service.moderation.users import User
from service.storage import authors, db, labels, lifecycle
from service.storage.moderation import moderation_log
from service.transport import events
from service.webhooks import create_endpoint
from tests.helpers.apps import make_site, work_queue
from tests.helpers.comments import auth, post
from tests.helpers.erasure import SECRET_NAME, body, text_left
from tests.helpers.moderation import queued_ids, refusal_of

SECRET_EDIT = "Zorblax edited: call 555-0199 or see https://zorblax.example/y for more"
EVERY_COPY = {
    "comments.text",
    "comments.author_name",
    "comments.article_title",
    "comment_revisions.text",
    "decisions.reasons",
    "decisions.note",
    "reports.reason",
    "appeals.reason",
    "webhook_deliveries.payload",
}


def everything_about(app, key: str, site_id: str, external_id: str, author: str) -> str:
    """Post, decide, edit, decide, report, moderate and webhook one comment; returns its id."""
    client = app.test_client()
    created = post(client, key, body(external_id, author)).json
    work_queue(app)
    client.put(f"/v1/comments/{created['id']}", json={"text": SECRET_EDIT}, headers=auth(key))
    work_queue(app)
    client.post(
        f"/v1/comments/{created['id']}/reports",
        json={"reason": "Zorblax posted my number"},
        headers=auth(key),
    )
    engine = app.extensions["db_engine"]
    moderator = User(id=1, name="mo", role="moderator", sites=(site_id,))
    with app.app_context():
        status = client.get(f"/v1/comments/{created['id']}", headers=auth(key)).json["status"]
        if status in ("held", "approved"):
            actions.decide(
                engine, events.publisher(), moderator, created["id"], "reject", "privacy"
            )
        with engine.begin() as conn:
            conn.execute(
                db.decisions.update()
                .where(db.decisions.c.comment_id == created["id"])
                .values(note="Zorblax again")
            )
    appealed = client.post(
        f"/v1/comments/{created['id']}/appeals",
        json={"reason": "Zorblax was only quoting"},
        headers=auth(key),
    )
    assert appealed.status_code == 201, appealed.json
    return created["id"]


def test_deleted_comment_leaves_no_text_anywhere_and_keeps_its_audit_trail(server_app):
    client = server_app.test_client()
    site_id, key = make_site(server_app)
    with server_app.app_context(), db.engine().begin() as conn:
        create_endpoint(conn, site_id, "https://hooks.example/in", ["comment.decided"])
    comment_id = everything_about(server_app, key, site_id, "del-1", "u-erase")
    engine = server_app.extensions["db_engine"]
    places = {place for place, _ in text_left(engine)}
    assert places >= EVERY_COPY, "the test must first put a copy wherever one can be"
    with engine.connect() as conn:
        decisions_before = conn.execute(
            sa.select(db.decisions.c.id, db.decisions.c.action, db.decisions.c.kind)
            .where(db.decisions.c.comment_id == comment_id)
            .order_by(db.decisions.c.id)
        ).all()
        status_before = conn.execute(
            sa.select(db.comments.c.status).where(db.comments.c.id == comment_id)
        ).scalar()

    deleted = client.delete(f"/v1/comments/{comment_id}", headers=auth(key))
    assert deleted.status_code == 204
    assert text_left(engine) == []
    gone = client.get(f"/v1/comments/{comment_id}", headers=auth(key))
    assert gone.status_code == 410 and gone.mimetype == "application/problem+json"
    assert client.get("/v1/comments?external_id=del-1", headers=auth(key)).status_code == 410
    again = client.delete(f"/v1/comments/{comment_id}", headers=auth(key))
    assert again.status_code == 204  # idempotent
    assert post(client, key, body("del-1")).status_code == 410  # the id is not reused
    edit = client.put(f"/v1/comments/{comment_id}", json={"text": "new"}, headers=auth(key))
    assert edit.status_code == 410
    with engine.connect() as conn:
        decisions_after = conn.execute(
            sa.select(db.decisions.c.id, db.decisions.c.action, db.decisions.c.kind)
            .where(db.decisions.c.comment_id == comment_id)
            .order_by(db.decisions.c.id)
        ).all()
        row = conn.execute(sa.select(db.comments).where(db.comments.c.id == comment_id)).one()
        logged = conn.execute(
            sa.select(sa.func.count()).where(moderation_log.c.comment_id == comment_id)
        ).scalar()
        exported = list(labels.latest_decisions(conn, site_id=site_id))
    assert decisions_after == decisions_before  # the audit trail is whole
    assert row.status == status_before and row.external_id == "del-1"
    assert row.text_state == lifecycle.DELETED and row.erased_at is not None
    assert logged >= (1 if status_before == "rejected" else 0)
    assert exported == []  # no label without its text


def test_deleted_held_comment_leaves_the_queue_and_its_claim(server_app):
    client = server_app.test_client()
    site_id, key = make_site(server_app)
    created = post(client, key, body("held-1")).json  # a link and an address: held
    work_queue(server_app)
    moderator = User(id=1, name="mo", role="moderator", sites=(site_id,))
    assert queued_ids(server_app, moderator) == [created["id"]]
    with server_app.app_context():
        claims.claim(created["id"], "mo")
    client.delete(f"/v1/comments/{created['id']}", headers=auth(key))
    assert queued_ids(server_app, moderator) == []
    with server_app.app_context():
        assert claims.holder_of(created["id"]) is None
    assert refusal_of(server_app, moderator, created["id"]) == 409  # nothing left to decide


def test_author_erasure_erases_their_comments_on_that_site_only(server_app):
    client = server_app.test_client()
    site_id, key = make_site(server_app)
    other_site, other_key = make_site(server_app, "Other")
    ids = [everything_about(server_app, key, site_id, f"a-{n}", "u-gone") for n in range(2)]
    kept = post(client, key, body("keep", author="u-stays", text="A civil word on the budget."))
    elsewhere = post(client, other_key, body("there", author="u-gone"))

    with server_app.app_context(), db.engine().begin() as conn:
        authors.add_note(conn, site_id, "u-gone", "mo", "Zorblax is Quibbleton's other account")
        create_endpoint(conn, site_id, "https://hooks.example/in", ["author.updated"])
    standing = client.put(
        "/v1/authors/u-gone",
        json={"standing": "always_hold", "reason": "Quibbleton posts addresses"},
        headers=auth(key),
    )
    assert standing.status_code == 200, standing.json
    places = {place for place, _ in text_left(server_app.extensions["db_engine"])}
    assert {"author_notes.text", "author_standings.reason", "webhook_deliveries.payload"} <= places
    erased = client.delete("/v1/authors/u-gone", headers=auth(key))
    assert erased.status_code == 202
    job = erased.json
    assert job["status"] == "finished" and job["comments"] == 2 and job["newly_erased"] == 2
    assert client.get(erased.headers["Location"], headers=auth(key)).json == job
    assert client.get(erased.headers["Location"], headers=auth(other_key)).status_code == 404
    for comment_id in ids:
        assert client.get(f"/v1/comments/{comment_id}", headers=auth(key)).status_code == 410
    assert client.get(f"/v1/comments/{kept.json['id']}", headers=auth(key)).status_code == 200
    there = client.get(f"/v1/comments/{elsewhere.json['id']}", headers=auth(other_key))
    assert there.json["author"]["name"] == SECRET_NAME  # another site's record is its own
    # Only the other site's copy is left.
    assert {place for place, _ in text_left(server_app.extensions["db_engine"])} <= {
        "comments.text",
        "comments.author_name",
        "comments.article_title",
    }
    # The standing stays (a ban outlives an erasure request); its reason is gone.
    assert client.get("/v1/authors/u-gone", headers=auth(key)).json["standing"] == "always_hold"
    again = client.delete("/v1/authors/u-gone", headers=auth(key))
    assert again.status_code == 202
    assert again.json["comments"] == 2 and again.json["newly_erased"] == 0
    assert client.delete("/v1/authors/nobody", headers=auth(key)).status_code == 404
    assert other_site != site_id


def test_erasure_routes_need_the_sites_key(app, client):
    _, key = make_site(app)
    _, other_key = make_site(app, "Other")
    created = post(client, key, body("mine")).json
    assert client.delete(f"/v1/comments/{created['id']}").status_code == 401
    foreign = client.delete(f"/v1/comments/{created['id']}", headers=auth(other_key))
    assert foreign.status_code == 404
    assert client.delete("/v1/authors/u-erase").status_code == 401
    assert client.delete("/v1/comments", headers=auth(key)).status_code == 422
    assert client.delete("/v1/comments?external_id=mine", headers=auth(key)).status_code == 204
    assert client.get("/v1/erasures/erj_nope", headers=auth(key)).status_code == 404

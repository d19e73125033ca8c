"""Statements of reasons on withholding decisions, and appeals decided by another moderator."""

from __future__ import annotations

import json

import sqlalchemy as sa

from service.storage import db, labels
from service.storage.integrations import webhook_deliveries
from service.webhooks import create_endpoint
from tests.helpers.apps import make_site
from tests.helpers.comments import auth
from tests.helpers.moderation import api, held_comment, login, make_user

REJECTED_REASONS = [
    {"guideline": "abuse", "score": 0.97, "threshold": 0.9, "rule": None, "action": "reject",
     "evidence": [{"start": 8, "end": 13, "text": "idiot"}], "detail": ""},
]  # fmt: skip


def rejected_comment(app, site_id: str) -> str:
    return held_comment(app, site_id, "You are idiot", reasons=REJECTED_REASONS, action="reject")


def get(client, key: str, comment_id: str) -> dict:
    return client.get(f"/v1/comments/{comment_id}", headers=auth(key)).json


def appeal(client, key: str, comment_id: str, reason: str = "I was quoting someone"):
    return client.post(
        f"/v1/comments/{comment_id}/appeals", json={"reason": reason}, headers=auth(key)
    )


def test_a_rejection_carries_a_plain_statement_with_the_way_to_appeal(server_app):
    client = server_app.test_client()
    site_id, key = make_site(server_app)
    comment_id = rejected_comment(server_app, site_id)
    statement = get(client, key, comment_id)["decision"]["statement"]
    assert statement["decision"] == "rejected" and statement["automated"] is True
    assert statement["guideline"]["code"] == "abuse"
    assert statement["guideline"]["title"] == "Be respectful"
    assert statement["evidence"] == ["idiot"]
    assert statement["appeal"] == {"url": None, "api": f"/v1/comments/{comment_id}/appeals"}
    assert "Be respectful" in statement["text"] and "\u201cidiot\u201d" in statement["text"]
    assert "automated" in statement["text"] and "appeal" in statement["text"]

    client.patch(
        "/v1/site/settings", json={"appeal_url": "https://news.example/appeal"}, headers=auth(key)
    )
    statement = get(client, key, comment_id)["decision"]["statement"]
    assert statement["appeal"]["url"] == "https://news.example/appeal"
    assert "https://news.example/appeal" in statement["text"]


def test_held_comments_are_told_they_wait_for_a_person_and_approvals_get_no_statement(app):
    client = app.test_client()
    site_id, key = make_site(app)
    held = held_comment(app, site_id, "You are an idiot")
    approved = held_comment(app, site_id, "Fine words", reasons=[], action="approve")
    statement = get(client, key, held)["decision"]["statement"]
    assert statement["decision"] == "withheld" and statement["appeal"] is None
    assert "withheld your comment for review by a moderator" in statement["text"]
    assert "statement" not in get(client, key, approved)["decision"]


def test_appeal_reversed_by_another_moderator_publishes_the_comment(server_app):
    server_app.config["SESSION_COOKIE_SECURE"] = False
    client = server_app.test_client()
    site_id, key = make_site(server_app)
    with server_app.app_context(), db.engine().begin() as conn:
        create_endpoint(conn, site_id, "https://hooks.example/in", ["comment.appeal_decided"])
    comment_id = rejected_comment(server_app, site_id)
    filed = appeal(client, key, comment_id)
    assert filed.status_code == 201 and filed.json["status"] == "open"
    assert appeal(client, key, comment_id).status_code == 409  # one open appeal at a time
    assert get(client, key, comment_id)["appeal"]["status"] == "open"

    ui = server_app.test_client()
    token = login(ui, "mo", make_user(server_app, "mo", sites=[site_id]))
    page = ui.get("/queue?view=appeals").get_data(as_text=True)
    assert "appeal: I was quoting someone" in page and "<mark>idiot</mark>" in page
    decided = api(
        ui, token, "/queue/api/decisions", {"ids": [comment_id], "action": "approve", "note": "ok"}
    )
    assert decided.status_code == 200, decided.json
    assert decided.json["decided"][0]["appeal"] == "reversed"

    view = get(client, key, comment_id)
    assert view["status"] == "approved" and view["decision"]["kind"] == "moderator"
    assert view["appeal"] == {**view["appeal"], "status": "reversed", "moderator": "mo"}
    assert "appeal reversed" in ui.get(f"/comments/{comment_id}/audit").get_data(as_text=True)
    with server_app.extensions["db_engine"].connect() as conn:
        bodies = [
            json.loads(p)
            for p in conn.execute(
                sa.select(webhook_deliveries.c.payload).where(
                    webhook_deliveries.c.event_type == "comment.appeal_decided"
                )
            ).scalars()
        ]
        label = list(labels.latest_decisions(conn, site_id=site_id))
    assert [b["data"]["appeal"]["status"] for b in bodies] == ["reversed"]
    assert [(row["comment_id"], row["action"]) for row in label] == [(comment_id, "approve")]
    assert ui.get("/queue?view=appeals").get_data(as_text=True).count(comment_id) == 0


def test_the_moderator_who_rejected_cannot_decide_the_appeal_another_upholds_it(server_app):
    server_app.config["SESSION_COOKIE_SECURE"] = False
    client = server_app.test_client()
    site_id, key = make_site(server_app)
    comment_id = held_comment(server_app, site_id, "You are an idiot")
    first, second = server_app.test_client(), server_app.test_client()
    first_token = login(first, "ann", make_user(server_app, "ann", sites=[site_id]))
    second_token = login(second, "ben", make_user(server_app, "ben", sites=[site_id]))
    reject = {"ids": [comment_id], "action": "reject", "guideline": "abuse"}
    assert api(first, first_token, "/queue/api/decisions", reject).status_code == 200
    assert get(client, key, comment_id)["decision"]["statement"]["automated"] is False
    assert appeal(client, key, comment_id).status_code == 201

    assert api(first, first_token, "/queue/api/decisions", reject).status_code == 403
    upheld = api(second, second_token, "/queue/api/decisions", {**reject, "note": "still abuse"})
    assert upheld.json["decided"][0]["appeal"] == "upheld"
    [stored] = client.get(f"/v1/comments/{comment_id}/appeals", headers=auth(key)).json["appeals"]
    assert (stored["status"], stored["moderator"], stored["note"]) == (
        "upheld",
        "ben",
        "still abuse",
    )
    assert get(client, key, comment_id)["status"] == "rejected"

    # An undo of the appeal's decision opens the appeal again.
    log_id = upheld.json["decided"][0]["log_id"]
    assert api(second, second_token, f"/queue/api/undo/{log_id}").status_code == 200
    assert get(client, key, comment_id)["appeal"]["status"] == "open"


def test_bad_appeals_are_problems(app, client):
    site_id, key = make_site(app)
    _, other_key = make_site(app, "Other")
    held = held_comment(app, site_id, "You are an idiot")
    rejected = rejected_comment(app, site_id)
    assert appeal(client, key, held).status_code == 409  # nothing to appeal yet
    assert appeal(client, other_key, rejected).status_code == 404
    assert appeal(client, key, rejected, "").status_code == 422
    assert appeal(client, key, rejected, "x\x00").status_code == 422
    assert appeal(client, key, rejected, "x" * 2001).status_code == 413
    assert client.post(f"/v1/comments/{rejected}/appeals", json={"reason": "r"}).status_code == 401
    client.delete(f"/v1/comments/{rejected}", headers=auth(key))
    assert appeal(client, key, rejected).status_code == 410


def test_an_edit_withdraws_the_open_appeal_and_counts_say_so(app, client):
    site_id, key = make_site(app)
    reversed_id = rejected_comment(app, site_id)
    edited_id = rejected_comment(app, site_id)
    for comment_id in (reversed_id, edited_id):
        assert appeal(client, key, comment_id).status_code == 201
    from service.moderation import actions
    from service.moderation.users import User

    with app.app_context():
        actions.decide(
            app.extensions["db_engine"],
            app.extensions["events"],
            User(id=1, name="mo", role="moderator", sites=(site_id,)),
            reversed_id,
            "approve",
            None,
        )
    client.put(f"/v1/comments/{edited_id}", json={"text": "I take it back"}, headers=auth(key))
    assert get(client, key, edited_id)["appeal"]["status"] == "withdrawn"
    result = app.test_cli_runner().invoke(args=["comments", "appeals"])
    assert result.exit_code == 0, result.output
    assert "abuse\t2\t0\t0\t1\t1" in result.output.splitlines()


def test_retention_leaves_a_comment_with_an_open_appeal_alone(app, client):
    from datetime import timedelta

    from service.transport import retention

    site_id, key = make_site(app)
    client.patch("/v1/site/settings", json={"text_retention_days": 1}, headers=auth(key))
    appealed, plain = rejected_comment(app, site_id), rejected_comment(app, site_id)
    appeal(client, key, appealed)
    with app.extensions["db_engine"].begin() as conn:
        conn.execute(db.decisions.update().values(created_at=db.utcnow() - timedelta(days=5)))
    engine, redis = app.extensions["db_engine"], app.extensions["redis"]
    assert retention.purge(engine, redis) == {site_id: 1}
    assert get(client, key, plain)["text_state"] == "expired"
    assert get(client, key, appealed)["text_state"] is None

"""Readers' reports, the history page, undo of one's own decision, and the audit trail."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from service.storage import db
from service.storage.moderation import moderation_log
from tests.helpers.moderation import api, held_comment, login


def _report(client, key: str, comment: str, body: object):
    return client.post(
        f"/v1/comments/{comment}/reports", json=body, headers={"Authorization": f"Bearer {key}"}
    )


def test_a_reported_published_comment_returns_to_the_reported_queue(ui_app: Flask, two_sites):
    comment = held_comment(ui_app, two_sites["a"], "published words", action="approve", reasons=[])
    client = ui_app.test_client()
    response = _report(client, two_sites["key_a"], comment, {"reason": "it <b>offends</b> me"})
    assert response.status_code == 202
    token = login(client, "alice", two_sites["alice"])
    assert "published words" not in client.get("/queue").get_data(as_text=True)
    page = client.get("/queue?view=reported").get_data(as_text=True)
    assert "published words" in page and "it &lt;b&gt;offends&lt;/b&gt; me" in page
    body = {"ids": [comment], "action": "reject", "guideline": "abuse"}
    assert api(client, token, "/queue/api/decisions", body).status_code == 200
    assert "published words" not in client.get("/queue?view=reported").get_data(as_text=True)
    seen = client.get(
        f"/v1/comments/{comment}", headers={"Authorization": f"Bearer {two_sites['key_a']}"}
    )
    assert seen.get_json()["status"] == "rejected"


def test_reports_are_checked(ui_app: Flask, two_sites) -> None:
    comment = held_comment(ui_app, two_sites["a"], action="reject", reasons=[])
    client = ui_app.test_client()
    assert _report(client, two_sites["key_b"], comment, {"reason": "x"}).status_code == 404
    assert _report(client, "wrong", comment, {"reason": "x"}).status_code == 401
    assert _report(client, two_sites["key_a"], comment, {"reason": "x"}).status_code == 409
    assert _report(client, two_sites["key_a"], comment, {"reason": ""}).status_code == 422
    assert _report(client, two_sites["key_a"], comment, ["x"]).status_code == 422
    big = {"reason": "x" * 5000}
    assert _report(client, two_sites["key_a"], comment, big).status_code == 413


def test_history_shows_who_when_why_and_undo_restores(ui_app: Flask, two_sites) -> None:
    comment = held_comment(ui_app, two_sites["a"], "undo me")
    client = ui_app.test_client()
    token = login(client, "alice", two_sites["alice"])
    body = {"ids": [comment], "action": "reject", "guideline": "abuse"}
    log_id = api(client, token, "/queue/api/decisions", body).get_json()["decided"][0]["log_id"]
    page = client.get("/history").get_data(as_text=True)
    assert "alice" in page and "reject" in page and "abuse" in page and "undo me" in page
    assert f'class="undo" data-log="{log_id}"' in page
    undone = api(client, token, f"/queue/api/undo/{log_id}")
    assert undone.get_json() == {"id": comment, "status": "held"}
    assert "undo me" in client.get("/queue").get_data(as_text=True)
    with ui_app.app_context(), db.engine().connect() as conn:
        kinds = conn.execute(
            sa.select(db.decisions.c.kind).where(db.decisions.c.comment_id == comment)
        ).scalars()
        assert sorted(kinds) == ["machine", "undone"]  # no training label from an undone decision
    twice = api(client, token, f"/queue/api/undo/{log_id}")
    assert twice.status_code == 409 and twice.get_json()["detail"] == "already undone"


def test_only_ones_own_recent_decision_can_be_undone(ui_app: Flask, two_sites) -> None:
    comment = held_comment(ui_app, two_sites["a"])
    alice, carol = ui_app.test_client(), ui_app.test_client()
    alice_token = login(alice, "alice", two_sites["alice"])
    carol_token = login(carol, "carol", two_sites["carol"])
    body = {"ids": [comment], "action": "approve"}
    log_id = api(alice, alice_token, "/queue/api/decisions", body).get_json()["decided"][0][
        "log_id"
    ]
    assert api(carol, carol_token, f"/queue/api/undo/{log_id}").status_code == 403
    bob = ui_app.test_client()
    assert (
        api(bob, login(bob, "bob", two_sites["bob"]), f"/queue/api/undo/{log_id}").status_code
        == 404
    )
    with ui_app.app_context(), db.engine().begin() as conn:
        conn.execute(
            moderation_log.update()
            .where(moderation_log.c.id == log_id)
            .values(created_at=db.utcnow() - timedelta(hours=1))
        )
    assert api(alice, alice_token, f"/queue/api/undo/{log_id}").status_code == 409


def test_audit_trail_lists_machine_and_human_actions(ui_app: Flask, two_sites) -> None:
    comment = held_comment(ui_app, two_sites["a"], "audit me")
    client = ui_app.test_client()
    token = login(client, "alice", two_sites["alice"])
    body = {"ids": [comment], "action": "reject", "guideline": "abuse"}
    log_id = api(client, token, "/queue/api/decisions", body).get_json()["decided"][0]["log_id"]
    api(client, token, f"/queue/api/undo/{log_id}")
    api(client, token, "/queue/api/decisions", {"ids": [comment], "action": "approve"})
    page = client.get(f"/comments/{comment}/audit").get_data(as_text=True)
    order = ["machine hold", "model test-model-1", "undone reject", "undo", "moderator approve"]
    positions = [page.index(word) for word in order]
    assert positions == sorted(positions), page
    assert "abuse 0.71" in page


def test_history_and_audit_name_an_erased_text_and_its_date(ui_app: Flask, two_sites) -> None:
    from service.storage import erasure, lifecycle

    comment = held_comment(ui_app, two_sites["a"], "erase my words")
    client = ui_app.test_client()
    token = login(client, "alice", two_sites["alice"])
    api(client, token, "/queue/api/decisions", {"ids": [comment], "action": "reject"})
    with ui_app.app_context(), db.engine().begin() as conn:
        assert erasure.erase_comments(conn, [comment], lifecycle.DELETED) == [comment]
    label = f"text erased on {db.utcnow().date().isoformat()}"
    for path in ("/history", f"/comments/{comment}/audit"):
        page = client.get(path).get_data(as_text=True)
        assert label in page and "erase my words" not in page, path

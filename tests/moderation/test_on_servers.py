"""The moderator flow on the embedded stack and on PostgreSQL + a Redis server."""

from __future__ import annotations

from flask import Flask

from tests.conftest import make_site
from tests.moderation.conftest import api, held_comment, login, make_user


def test_queue_decide_undo_and_report_on_each_stack(server_app: Flask) -> None:
    server_app.config["SESSION_COOKIE_SECURE"] = False
    site, key = make_site(server_app)
    other_site, _ = make_site(server_app, "Other")
    password = make_user(server_app, "alice", sites=[site])
    mine = held_comment(server_app, site, "mine, idiot")
    theirs = held_comment(server_app, other_site, "theirs")
    published = held_comment(server_app, site, "published", action="approve", reasons=[])
    client = server_app.test_client()
    token = login(client, "alice", password)
    page = client.get("/queue?order=score&guideline=abuse").get_data(as_text=True)
    assert "mine, <mark>idiot</mark>" in page and theirs not in page
    answer = api(client, token, "/queue/api/decisions", {"ids": [mine, theirs], "action": "reject"})
    body = answer.get_json()
    assert [d["id"] for d in body["decided"]] == [mine] and body["refused"][0]["id"] == theirs
    undone = api(client, token, f"/queue/api/undo/{body['decided'][0]['log_id']}")
    assert undone.get_json()["status"] == "held"
    reported = client.post(
        f"/v1/comments/{published}/reports",
        json={"reason": "rude"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert reported.status_code == 202
    assert "published" in client.get("/queue?view=reported").get_data(as_text=True)
    assert client.get(f"/comments/{mine}/audit").status_code == 200

"""`GET/PUT /v1/authors/<id>`: standings a site sets apply to the author's next comments."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from service.storage import authors, db
from tests.helpers.apps import build_app, make_site, teardown, work_queue
from tests.helpers.comments import CIVIL, auth, comment_body, post
from tests.helpers.receiver import Receiver, verify
from tests.helpers.webhooks import register, work_webhooks


def _standing(client, key: str, author_id: str, body: dict):
    return client.put(f"/v1/authors/{author_id}", json=body, headers=auth(key))


def test_a_ban_applies_to_the_authors_next_comment_through_the_api(server_app: Flask) -> None:
    server_app.config["AUTHOR_STANDING_CACHE_SECONDS"] = 0  # the next comment, not 5 s later
    client = server_app.test_client()
    _, key = make_site(server_app)
    first = post(client, key, comment_body("c-1", CIVIL)).json
    work_queue(server_app)
    assert client.get(f"/v1/comments/{first['id']}", headers=auth(key)).json["status"] == (
        "approved"
    )
    banned = _standing(client, key, "u-1", {"standing": "banned", "reason": "spam waves"})
    assert banned.status_code == 200
    assert banned.json["standing"] == "banned" and banned.json["reason"] == "spam waves"
    assert banned.json["comments"]["approved"] == 1 and banned.json["first_seen"].endswith("Z")
    second = post(client, key, comment_body("c-2", CIVIL)).json
    other = post(client, key, comment_body("c-3", CIVIL, author={"id": "u-2"})).json
    work_queue(server_app)
    view = client.get(f"/v1/comments/{second['id']}", headers=auth(key)).json
    assert view["status"] == "rejected"
    assert view["decision"]["reasons"][0]["guideline"] == "banned_author"
    assert client.get(f"/v1/comments/{other['id']}", headers=auth(key)).json["status"] == (
        "approved"
    )  # only that author
    # Cleared, the author's comments are decided on their merits again.
    assert _standing(client, key, "u-1", {"standing": None}).json["standing"] is None
    later = "Thanks for the clear explanation of the new bus timetable in this article."
    third = post(client, key, comment_body("c-4", later)).json
    work_queue(server_app)
    assert client.get(f"/v1/comments/{third['id']}", headers=auth(key)).json["status"] == (
        "approved"
    )
    with server_app.app_context(), db.engine().connect() as conn:
        logged = authors.standing_log(conn, _site(conn), "u-1")
    assert [(e["standing"], e["previous_standing"], e["by"]) for e in logged] == [
        (None, "banned", "site API"),
        ("banned", None, "site API"),
    ]


def _site(conn: sa.Connection) -> str:
    return conn.execute(sa.select(db.sites.c.id)).scalar_one()


def test_always_hold_holds_a_civil_comment(server_app: Flask) -> None:
    server_app.config["AUTHOR_STANDING_CACHE_SECONDS"] = 0
    client = server_app.test_client()
    _, key = make_site(server_app)
    assert _standing(client, key, "u-1", {"standing": "always_hold"}).status_code == 200
    posted = post(client, key, comment_body("c-1", CIVIL)).json
    work_queue(server_app)
    view = client.get(f"/v1/comments/{posted['id']}", headers=auth(key)).json
    assert view["status"] == "held"
    assert view["decision"]["reasons"][0]["guideline"] == "author_hold"


def test_a_suspension_ends_at_its_expiry(app: Flask, client) -> None:
    _, key = make_site(app)
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 1.5))
    suspended = _standing(client, key, "u-1", {"standing": "banned", "expires_at": soon})
    assert suspended.json["standing"] == "banned" and suspended.json["expires_at"] == soon
    time.sleep(2)
    shown = client.get("/v1/authors/u-1", headers=auth(key)).json
    assert shown["standing"] is None and shown["comments"]["approved"] == 0  # known: in the log


def test_an_author_the_site_never_saw_is_404(app: Flask, client) -> None:
    _, key = make_site(app)
    answer = client.get("/v1/authors/nobody", headers=auth(key))
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"


def test_standings_are_per_site(app: Flask, client) -> None:
    _, key_a = make_site(app, "A")
    _, key_b = make_site(app, "B")
    _standing(client, key_a, "u-1", {"standing": "trusted"})
    assert client.get("/v1/authors/u-1", headers=auth(key_a)).json["standing"] == "trusted"
    assert client.get("/v1/authors/u-1", headers=auth(key_b)).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"standing": "muted"},
        {"standing": "banned", "expires_at": "tomorrow"},
        {"standing": "banned", "expires_at": "2020-01-01T00:00:00Z"},
        {"standing": "banned", "expires_at": "2099-01-01T00:00:00"},  # no time zone
        {"standing": "banned", "reason": 5},
        {"standing": "banned", "reason": "x" * 1001},
        {"standing": "banned", "colour": "red"},
    ],
)
def test_bad_standings_are_422_problems(app: Flask, client, body: dict) -> None:
    _, key = make_site(app)
    answer = _standing(client, key, "u-1", body)
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert answer.json["errors"]


def test_authors_need_the_site_key(app: Flask, client) -> None:
    assert client.get("/v1/authors/u-1").status_code == 401
    assert client.put("/v1/authors/u-1", json={"standing": "banned"}).status_code == 401


@pytest.fixture
def hook_app(tmp_path: Path, model_dir) -> Flask:
    app = build_app(tmp_path, model_dir, WEBHOOK_ALLOW_PRIVATE=True, WEBHOOK_RETRY_INTERVALS=[0])
    yield app
    teardown(app)


def test_a_standing_change_is_announced_as_author_updated(hook_app: Flask) -> None:
    client = hook_app.test_client()
    _, key = make_site(hook_app)
    with Receiver() as receiver:
        hook = register(client, key, receiver.url)
        changed = _standing(client, key, "u-7", {"standing": "banned"}).json
        work_webhooks(hook_app)
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert verify(hook["secret"], headers, body)
    payload = json.loads(body)
    assert payload["type"] == "author.updated"
    assert payload["data"] == changed

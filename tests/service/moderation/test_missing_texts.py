"""The thread and the author panel name a text that is gone (erased by DELETE, an author's erasure
or retention) or was never stored, as the queue and the history do, instead of showing it blank."""

from __future__ import annotations

import re

from flask import Flask

from service.storage import db, erasure, lifecycle
from tests.helpers.apps import make_site
from tests.helpers.moderation import held_comment, login, make_user


def _thread_site(app: Flask) -> tuple[str, str, str]:
    """(site, moderator's password, the held comment's id); the held comment replies to a
    deleted parent and has an expired reply and a reply whose text was never stored."""
    app.config["SESSION_COOKIE_SECURE"] = False
    site, key = make_site(app)
    password = make_user(app, "alice", sites=[site])
    parent = held_comment(app, site, "the parent's words", action="approve", external_id="p1")
    held = held_comment(app, site, "You are an idiot", external_id="h1", parent_id="p1")
    expired = held_comment(app, site, "expired words", action="approve", parent_id="h1")
    held_comment(app, site, "", action="approve", parent_id="h1", text_state=lifecycle.NOT_STORED)
    client = app.test_client()
    deleted = client.delete(f"/v1/comments/{parent}", headers={"Authorization": f"Bearer {key}"})
    assert deleted.status_code == 204
    with app.app_context(), db.engine().begin() as conn:
        assert erasure.erase_comments(conn, [expired], lifecycle.EXPIRED) == [expired]
    return site, password, held


def test_the_thread_names_erased_and_unstored_texts(server_app: Flask) -> None:
    _, password, _ = _thread_site(server_app)
    client = server_app.test_client()
    login(client, "alice", password)
    page = client.get("/queue").get_data(as_text=True)
    today = db.utcnow().date().isoformat()
    assert f'<blockquote class="parent">text erased on {today}</blockquote>' in page
    replies = re.findall(r'<p class="reply-text" dir="auto">([^<]*)</p>', page)
    assert replies == [f"text erased on {today}", "text not stored"]
    assert "expired words" not in page and "the parent&#39;s words" not in page


def test_the_author_panel_names_erased_and_unstored_texts(server_app: Flask) -> None:
    site, password, _ = _thread_site(server_app)
    client = server_app.test_client()
    login(client, "alice", password)
    today = db.utcnow().date().isoformat()
    for path in (f"/authors/{site}/u1", f"/queue/api/authors/{site}/u1"):
        page = client.get(path).get_data(as_text=True)
        excerpts = re.findall(r'<p class="excerpt" dir="auto">([^<]*)</p>', page)
        erased = f"text erased on {today}"  # the expired reply and the deleted parent
        assert sorted(excerpts) == sorted(["text not stored", erased, "You are an idiot", erased])

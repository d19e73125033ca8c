"""The author panel: the author's record on one site, standings and notes set by moderators."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from service.storage import authors, db
from tests.helpers.apps import make_site
from tests.helpers.moderation import csrf_of, held_comment, login, make_user


def _form(client, path: str, data: dict, token: str):
    return client.post(path, data={**data, "csrf_token": token})


def test_panel_shows_the_record_and_moderators_set_standing_and_notes(server_app: Flask) -> None:
    server_app.config["SESSION_COOKIE_SECURE"] = False
    site, key = make_site(server_app)
    password = make_user(server_app, "alice", sites=[site])
    older = held_comment(server_app, site, "first words", action="approve", reasons=[])
    held_comment(server_app, site, "second words, idiot")
    held_comment(server_app, site, "someone else", author_id="u9")
    client = server_app.test_client()
    login(client, "alice", password)
    reported = client.post(
        f"/v1/comments/{older}/reports",
        json={"reason": "rude to me"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert reported.status_code == 202
    page = client.get(f"/authors/{site}/u1").get_data(as_text=True)
    assert page.index("second words") < page.index("first words")  # newest first
    assert "someone else" not in page
    assert '<dd class="n-approved">1</dd>' in page and '<dd class="n-held">1</dd>' in page
    assert '<dd class="n-reports">1</dd>' in page and "rude to me" in page
    assert "first seen" in page and "Reader One" in page
    token = csrf_of(client, f"/authors/{site}/u1")
    noted = _form(client, f"/authors/{site}/u1/notes", {"text": "Warned by e-mail."}, token)
    assert noted.status_code == 303
    banned = _form(
        client,
        f"/authors/{site}/u1/standing",
        {"standing": "banned", "duration": "7d", "reason": "threats"},
        token,
    )
    assert banned.status_code == 303
    page = client.get(f"/queue/api/authors/{site}/u1").get_data(as_text=True)
    assert "Warned by e-mail." in page and "Banned" in page and "threats" in page
    with server_app.app_context(), db.engine().connect() as conn:
        standing = authors.get_standing(conn, site, "u1")
        log = authors.standing_log(conn, site, "u1")
    assert standing["standing"] == "banned" and standing["updated_by"] == "alice"
    assert standing["expires_at"] is not None
    assert [(e["standing"], e["by"], e["reason"]) for e in log] == [("banned", "alice", "threats")]
    shown = client.get("/v1/authors/u1", headers={"Authorization": f"Bearer {key}"}).get_json()
    assert shown["standing"] == "banned" and shown["updated_by"] == "alice"


def test_queue_links_each_author_to_their_panel(ui_app: Flask, two_sites) -> None:
    held_comment(ui_app, two_sites["a"], "linked")
    client = ui_app.test_client()
    login(client, "alice", two_sites["alice"])
    page = client.get("/queue").get_data(as_text=True)
    assert f'data-panel="/queue/api/authors/{two_sites["a"]}/u1"' in page


def test_other_sites_authors_are_not_found(ui_app: Flask, two_sites) -> None:
    held_comment(ui_app, two_sites["b"], "theirs")
    client = ui_app.test_client()
    token = login(client, "alice", two_sites["alice"])
    assert client.get(f"/authors/{two_sites['b']}/u1").status_code == 404
    assert client.get(f"/queue/api/authors/{two_sites['b']}/u1").status_code == 404
    refused = _form(client, f"/authors/{two_sites['b']}/u1/standing", {"standing": "banned"}, token)
    assert refused.status_code == 404
    with ui_app.app_context(), db.engine().connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(authors.author_log)).scalar() == 0
        )


def test_bad_standing_forms_are_422_and_need_the_csrf_token(ui_app: Flask, two_sites) -> None:
    client = ui_app.test_client()
    token = login(client, "alice", two_sites["alice"])
    site = two_sites["a"]
    assert (
        _form(client, f"/authors/{site}/u1/standing", {"standing": "muted"}, token).status_code
        == 422
    )
    assert (
        _form(
            client, f"/authors/{site}/u1/standing", {"standing": "banned", "duration": "9y"}, token
        )
    ).status_code == 422
    assert _form(client, f"/authors/{site}/u1/notes", {"text": "  "}, token).status_code == 422
    assert client.post(f"/authors/{site}/u1/notes", data={"text": "x"}).status_code == 403


def test_the_panel_needs_a_login(ui_app: Flask, two_sites) -> None:
    client = ui_app.test_client()
    assert client.get(f"/authors/{two_sites['a']}/u1").status_code == 302
    assert client.get(f"/queue/api/authors/{two_sites['a']}/u1").status_code == 401


def test_an_author_id_with_slashes_and_reserved_characters_has_working_links(
    ui_app: Flask, two_sites
) -> None:
    """The queue's links, the panel's forms and the page itself all reach the same author."""
    odd = "wp/users/7?x=1#top"
    site = two_sites["a"]
    held_comment(ui_app, site, "odd one, idiot", author_id=odd)
    held_comment(ui_app, site, "a namesake prefix", author_id="wp")
    client = ui_app.test_client()
    token = login(client, "alice", two_sites["alice"])
    queue = client.get("/queue").get_data(as_text=True)
    href = f"/authors/{site}/wp/users/7%3Fx=1%23top"
    assert f'href="{href}"' in queue
    assert f'data-panel="/queue/api/authors/{site}/wp/users/7%3Fx=1%23top"' in queue
    page = client.get(href).get_data(as_text=True)
    assert "odd one" in page and "a namesake prefix" not in page
    assert f'action="{href}/standing"' in page and f'action="{href}/notes"' in page
    assert _form(client, f"{href}/notes", {"text": "Checked."}, token).status_code == 303
    saved = _form(client, f"{href}/standing", {"standing": "banned"}, token)
    assert saved.status_code == 303 and saved.headers["Location"].endswith(href)
    panel = client.get(f"/queue/api/authors/{site}/wp/users/7%3Fx=1%23top").get_data(as_text=True)
    assert "Checked." in panel and "Banned" in panel
    with ui_app.app_context(), db.engine().connect() as conn:
        assert authors.get_standing(conn, site, odd)["standing"] == "banned"
        assert authors.get_standing(conn, site, "wp") is None
    shown = client.get(
        "/v1/authors/wp/users/7%3Fx=1%23top",
        headers={"Authorization": f"Bearer {two_sites['key_a']}"},
    ).get_json()
    assert shown["id"] == odd and shown["standing"] == "banned"

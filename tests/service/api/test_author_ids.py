"""Author ids are the site's own and may hold "/" and other URL-reserved characters: GET, PUT
and DELETE /v1/authors/<id> find them whether the "/" is sent as it is or as %2F."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask import Flask

from tests.helpers.apps import make_site
from tests.helpers.comments import auth, comment_body, post
from tests.helpers.moderation import login, make_user

ODD_IDS = [
    "wp/1234",
    "/leading",
    "trailing/",
    "two//slashes",
    "a?b#c%d e&f=g",
    "notes",
    "x/notes",
    "ü/ß",
]


def _url(author_id: str, encode_slash: bool) -> str:
    return "/v1/authors/" + quote(author_id, safe="" if encode_slash else "/")


@pytest.mark.parametrize("encode_slash", [False, True], ids=["slash-as-is", "slash-encoded"])
@pytest.mark.parametrize("author_id", ODD_IDS)
def test_an_odd_author_id_is_read_set_and_erased(
    app: Flask, client, author_id: str, encode_slash: bool
) -> None:
    _, key = make_site(app)
    created = post(client, key, comment_body("c-1", author={"id": author_id, "name": "R"}))
    assert created.status_code in (200, 201, 202), created.json
    post(client, key, comment_body("c-2", author={"id": "someone-else"}))
    url = _url(author_id, encode_slash)
    put = client.put(url, json={"standing": "always_hold"}, headers=auth(key))
    assert put.status_code == 200, put.json
    assert put.json["id"] == author_id and put.json["standing"] == "always_hold"
    got = client.get(url, headers=auth(key))
    assert got.status_code == 200
    assert got.json["id"] == author_id and sum(got.json["comments"].values()) == 1
    erased = client.delete(url, headers=auth(key))
    assert erased.status_code == 202, erased.json
    assert erased.json["comments"] == 1  # this author's comment only, not someone-else's
    assert client.get(f"/v1/comments/{created.json['id']}", headers=auth(key)).status_code == 410


def test_a_prefix_of_an_id_with_a_slash_is_another_author(app: Flask, client) -> None:
    _, key = make_site(app)
    client.put("/v1/authors/wp/1234", json={"standing": "banned"}, headers=auth(key))
    assert client.get("/v1/authors/wp/1234", headers=auth(key)).json["standing"] == "banned"
    assert client.get("/v1/authors/wp", headers=auth(key)).status_code == 404
    assert client.get("/v1/authors/1234", headers=auth(key)).status_code == 404
    put = client.put("/v1/authors/wp", json={"standing": "trusted"}, headers=auth(key))
    assert put.json["id"] == "wp" and put.json["standing"] == "trusted"
    assert client.get("/v1/authors/wp/1234", headers=auth(key)).json["standing"] == "banned"


def test_an_empty_author_id_is_not_a_route(app: Flask, client) -> None:
    _, key = make_site(app)
    assert client.get("/v1/authors/", headers=auth(key)).status_code == 404


def test_an_id_no_author_can_have_is_404_in_the_api_and_the_author_panel(
    app: Flask, client
) -> None:
    """One rule (usable_author_id) for every route that looks an author up: an id longer than
    any stored one is looked up nowhere. (A NUL in a path is refused before any route.)"""
    author_id = "x" * 201
    app.config["SESSION_COOKIE_SECURE"] = False
    site_id, key = make_site(app)
    url = _url(author_id, encode_slash=True)
    assert client.get(url, headers=auth(key)).status_code == 404
    assert client.put(url, json={"standing": "banned"}, headers=auth(key)).status_code == 404
    assert client.delete(url, headers=auth(key)).status_code == 404
    login(client, "mod", make_user(app, "mod", sites=[site_id]))
    panel = f"/queue/api/authors/{site_id}/{quote(author_id, safe='')}"
    assert client.get(panel).status_code == 404

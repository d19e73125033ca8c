"""Hostile requests: each gets a clear 4xx problem, nothing is stored, and the service keeps
serving. Plus a property: no JSON body whatsoever makes the API answer 5xx.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.apps import make_site
from tests.helpers.comments import CIVIL, auth, comment_body, post


@pytest.fixture
def key(app) -> str:
    return make_site(app)[1]


def assert_problem(response, status: int) -> None:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == status and response.json["title"]


def still_serving(client, key: str) -> None:
    response = post(client, key, comment_body("after-attack", CIVIL))
    assert response.status_code == 202


def raw(client, key: str, data: bytes, content_type: str = "application/json"):
    return client.post(
        "/v1/comments", data=data, headers={**auth(key), "Content-Type": content_type}
    )


@pytest.mark.parametrize(
    "char", ["\x01", "\x07", "\x08", "\x0b", "\x1b", "\x1f", "\x7f"], ids=lambda c: hex(ord(c))
)
def test_control_characters_are_422(client, key, char):
    response = post(client, key, comment_body("ctl", f"look{char}here"))
    assert_problem(response, 422)
    assert response.json["errors"][0]["field"] == "text"
    still_serving(client, key)


def test_tabs_and_newlines_are_fine(client, key):
    assert post(client, key, comment_body("ws", "Line one\n\tLine two\r\n")).status_code == 202


def test_control_characters_in_ids_are_422(client, key):
    assert_problem(post(client, key, comment_body("id\x1b[2J")), 422)


def test_a_100000_character_word_is_413_and_the_service_keeps_serving(client, key):
    assert_problem(post(client, key, comment_body("long", "a" * 100_000)), 413)
    still_serving(client, key)


def test_huge_numbers_of_fields_are_422(client, key):
    body = comment_body("many", **{f"f{i}": i for i in range(5000)})
    assert_problem(post(client, key, body), 422)
    nested = comment_body("nested")
    nested["author"] = {"id": "u", **{f"x{i}": "y" for i in range(5000)}}
    assert_problem(post(client, key, nested), 422)
    still_serving(client, key)


def test_a_long_array_is_422(client, key):
    assert_problem(post(client, key, comment_body("arr", tags=list(range(20_000)))), 422)


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""],
)
def test_wrong_content_types_are_415(client, key, content_type):
    data = json.dumps(comment_body("ct")).encode()
    assert_problem(raw(client, key, data, content_type), 415)


def test_oversized_invalid_and_nested_bodies_then_still_serving(client, key):
    assert_problem(raw(client, key, b"{" + b" " * (300 * 1024) + b"}"), 413)
    assert_problem(raw(client, key, b'{"id": "\xff\xfe"}'), 400)
    assert_problem(raw(client, key, b"[" * 150_000 + b"]" * 150_000), 413)
    assert_problem(raw(client, key, b"[" * 10_000 + b"]" * 10_000), 400)
    assert_problem(raw(client, key, b'{"id": 1e999999}'), 400)  # out of range: not a number
    still_serving(client, key)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=20,
)
bodies = st.fixed_dictionaries(
    {},
    optional={
        "id": json_values,
        "text": st.text() | json_values,
        "article": st.fixed_dictionaries({}, optional={"id": json_values, "url": json_values}),
        "author": st.fixed_dictionaries({}, optional={"id": json_values, "name": json_values}),
        "parent_id": json_values,
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies | json_values)
def test_no_json_body_gets_a_5xx(client, key, body):
    response = client.post("/v1/comments", json=body, headers=auth(key))
    assert response.status_code < 500, response.get_data(as_text=True)

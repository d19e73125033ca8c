"""Path ids no column can hold, NUL characters in URLs and malformed If-Match headers: a 4xx
problem on every database, never a 500 (PostgreSQL refuses an out-of-range integer literal or a
NUL in text instead of finding nothing)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers.apps import make_site
from tests.helpers.moderation import login, make_user

HUGE_IDS = ["99999999999999999999999", str(2**31), str(2**63), "9" * 5000]
_PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_SKIPPED = {"HEAD", "OPTIONS"}


def _rules_with(app: Flask, converters: set[str]) -> list[tuple[str, str]]:
    """(rule, method) of every route with a path parameter of one of these converter kinds."""
    found = []
    for rule in app.url_map.iter_rules():
        kinds = {kind or "default" for kind, _ in _PARAM.findall(rule.rule)}
        if kinds & converters:
            found += [(rule.rule, method) for method in sorted(rule.methods - _SKIPPED)]
    return found


def _with_every_credential(app: Flask) -> tuple[FlaskClient, dict[str, str]]:
    """A client logged in as an admin (moderator UI, admin API) that also sends a site key."""
    app.config["SESSION_COOKIE_SECURE"] = False  # the test client speaks plain http
    client = app.test_client()
    token = login(client, "root", make_user(app, "root", role="admin"))
    _, key = make_site(app)
    return client, {"Authorization": f"Bearer {key}", "X-CSRF-Token": token}


def _assert_problem(response, status: int, what: str) -> None:
    assert response.status_code == status, (what, response.status_code, response.data[:300])
    assert response.mimetype == "application/problem+json", what
    assert response.json["status"] == status


@pytest.mark.parametrize("huge", HUGE_IDS, ids=lambda h: f"{len(h)}-digits")
def test_every_integer_route_answers_404_for_an_id_no_column_holds(
    server_app: Flask, huge: str
) -> None:
    client, headers = _with_every_credential(server_app)
    routes = _rules_with(server_app, {"int"})
    assert {rule for rule, _ in routes} >= {
        "/v1/site/policy/versions/<int:version>",
        "/queue/api/undo/<int:log_id>",
    }
    for rule, method in routes:
        path = _PARAM.sub(huge, rule)
        response = client.open(path, method=method, headers=headers, json={})
        _assert_problem(response, 404, f"{method} {rule}")


def test_the_largest_stored_integer_is_still_routed(server_app: Flask) -> None:
    """2**31 - 1 reaches the view (and is simply not found); only larger values stop at routing."""
    client, headers = _with_every_credential(server_app)
    response = client.get(f"/v1/site/policy/versions/{2**31 - 1}", headers=headers)
    _assert_problem(response, 404, "largest version")
    assert "no policy version 2147483647" in response.json["detail"]
    assert client.get("/v1/site/policy/versions/0", headers=headers).status_code == 200


def test_non_ascii_digits_do_not_name_a_version(app: Flask) -> None:
    client, headers = _with_every_credential(app)
    _assert_problem(client.get("/v1/site/policy/versions/٠", headers=headers), 404, "arabic 0")


@pytest.mark.parametrize("huge", HUGE_IDS[:2], ids=lambda h: f"{len(h)}-digits")
def test_every_v1_id_route_answers_404_for_a_huge_numeric_id(server_app: Flask, huge: str):
    """Comment, webhook, delivery, job and model ids are strings, but a numeric one is no 500."""
    client, headers = _with_every_credential(server_app)
    routes = [(r, m) for r, m in _rules_with(server_app, {"default"}) if r.startswith("/v1")]
    assert len(routes) >= 10
    for rule, method in routes:
        body = {"reason": "spam"} if rule.endswith("/reports") else {}
        response = client.open(_PARAM.sub(huge, rule), method=method, headers=headers, json=body)
        if rule == "/v1/integrations/coral/<site_id>":
            # Coral's callback names no site it can prove to be: unsigned is 401, known or not.
            _assert_problem(response, 401, rule)
        elif (rule, method) == ("/v1/authors/<author_id>", "PUT"):
            # A standing may be set before the author posts (a pre-emptive ban): an empty body
            # is the problem here, not the id.
            _assert_problem(response, 422, f"{method} {rule}")
        else:
            _assert_problem(response, 404, f"{method} {rule}")


def test_a_redelivery_of_a_huge_delivery_id_is_404(server_app: Flask) -> None:
    server_app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    client, headers = _with_every_credential(server_app)
    created = client.post(
        "/v1/site/webhooks", json={"url": "http://127.0.0.1:9/hook"}, headers=headers
    )
    assert created.status_code == 201
    path = f"/v1/site/webhooks/{created.json['id']}/deliveries/{HUGE_IDS[0]}/redeliver"
    _assert_problem(client.post(path, headers=headers), 404, "redeliver")


@pytest.mark.parametrize(
    "if_match",
    [
        '"²"',  # str.isdigit() says yes, int() says no
        '""',  # werkzeug parses it as one tag that is None
        '"١"',
        '"99999999999999999999999"',
        '"' + "9" * 5000 + '"',
        "garbage",
        'W/"0"',
        '"0", "1"',
        '"-1"',
        '"1.0"',
        ",",
    ],
    ids=lambda value: value[:25],
)
def test_a_malformed_or_unknown_if_match_is_412_and_changes_nothing(
    server_app: Flask, if_match: str
) -> None:
    _, key = make_site(server_app)
    site = {"Authorization": f"Bearer {key}"}
    client = server_app.test_client()
    response = client.put(
        "/v1/site/policy",
        json={"links": {"action": "allow"}},
        headers={**site, "If-Match": if_match},
    )
    _assert_problem(response, 412, if_match)
    assert client.get("/v1/site/policy", headers=site).json["version"] == 0


@pytest.mark.parametrize("if_none_match", ['"²"', '"99999999999999999999999"', "garbage"])
def test_a_malformed_if_none_match_just_reads_the_policy(app: Flask, if_none_match: str) -> None:
    _, key = make_site(app)
    headers = {"Authorization": f"Bearer {key}", "If-None-Match": if_none_match}
    response = app.test_client().get("/v1/site/policy", headers=headers)
    assert response.status_code == 200 and response.json["version"] == 0


@pytest.mark.parametrize(
    "url",
    [
        "/v1/comments?external_id=%00",
        "/v1/comments/c%00",
        "/v1/site/webhooks/%00/deliveries",
        "/v1/site/policy?x=%00",
        "/v1/admin/models/shadow/report?version=%00",
        "/queue?site=%00",
        "/comments/%00/audit",
    ],
)
def test_a_nul_in_the_url_is_400(server_app: Flask, url: str) -> None:
    client, headers = _with_every_credential(server_app)
    _assert_problem(client.get(url, headers=headers), 400, url)


def test_a_nul_in_a_perspective_url_is_400_in_googles_shape(server_app: Flask) -> None:
    response = server_app.test_client().post(
        "/v1alpha1/comments:analyze?key=%00", json={"comment": {"text": "hi"}}
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == 400

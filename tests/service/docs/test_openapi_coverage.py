"""/openapi.json documents every /v1 and /v1alpha1 route the app serves, and what the policy,
report and admin routes really answer conforms to it (schemathesis, in test_openapi.py, only
reaches them with a site key, so admin answers are checked here with an admin's session)."""

from __future__ import annotations

import re

import pytest
import schemathesis
from flask import Flask

from models.policy import DEFAULT_POLICY
from tests.helpers.apps import make_site
from tests.helpers.moderation import api, held_comment, login, make_user


def _openapi_path(rule: str) -> str:
    """Flask's `/a/<int:b>/c` as OpenAPI's `/a/{b}/c`."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_every_v1_route_the_app_serves_is_documented_with_its_methods(app: Flask, client) -> None:
    spec = client.get("/openapi.json").get_json()
    served = {
        (_openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(("/v1/", "/v1alpha1/"))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    assert len(served) >= 28
    assert served - documented == set()
    # Nothing documented that the app does not serve (a renamed route leaves no stale entry).
    assert {d for d in documented if d[0].startswith("/v1")} - served == set()


def test_documented_path_parameters_match_the_route_templates(client) -> None:
    spec = client.get("/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        for method, operation in operations.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, (method, path)


@pytest.fixture
def documented(app: Flask):
    """Assert a response's status is documented for its operation and its body conforms."""
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)

    def check(path: str, method: str, response, status: int) -> None:
        assert response.status_code == status, response.get_data(as_text=True)[:300]
        operation = schema[path][method.upper()]
        assert str(status) in operation.definition.raw["responses"], (method, path, status)
        operation.validate_response(response)

    return check


def test_policy_answers_conform_to_the_document(app: Flask, client, documented) -> None:
    _, key = make_site(app)
    site = {"Authorization": f"Bearer {key}"}
    got = client.get("/v1/site/policy", headers=site)
    documented("/v1/site/policy", "get", got, 200)
    etag = got.headers["ETag"]
    unchanged = client.get("/v1/site/policy", headers={**site, "If-None-Match": etag})
    documented("/v1/site/policy", "get", unchanged, 304)
    document = DEFAULT_POLICY.to_dict()
    document["links"]["action"] = "allow"
    saved = client.put("/v1/site/policy", json=document, headers={**site, "If-Match": etag})
    documented("/v1/site/policy", "put", saved, 200)
    envelope = {**got.json, "policy": document}  # what GET answered, edited, is accepted too
    documented(
        "/v1/site/policy", "put", client.put("/v1/site/policy", json=envelope, headers=site), 200
    )
    stale = client.put("/v1/site/policy", json={}, headers={**site, "If-Match": etag})
    documented("/v1/site/policy", "put", stale, 412)
    bad = client.put("/v1/site/policy", json={"links": {"action": "x"}}, headers=site)
    documented("/v1/site/policy", "put", bad, 422)
    listing = client.get("/v1/site/policy/versions", headers=site)
    documented("/v1/site/policy/versions", "get", listing, 200)
    one = client.get("/v1/site/policy/versions/1", headers=site)
    documented("/v1/site/policy/versions/{version}", "get", one, 200)
    missing = client.get("/v1/site/policy/versions/7", headers=site)
    documented("/v1/site/policy/versions/{version}", "get", missing, 404)


def test_report_answers_conform_to_the_document(app: Flask, client, documented) -> None:
    site_id, key = make_site(app)
    site = {"Authorization": f"Bearer {key}"}
    comment_id = held_comment(app, site_id)
    path = "/v1/comments/{comment_id}/reports"
    reported = client.post(
        f"/v1/comments/{comment_id}/reports", json={"reason": "spam"}, headers=site
    )
    documented(path, "post", reported, 202)
    empty = client.post(f"/v1/comments/{comment_id}/reports", json={"reason": ""}, headers=site)
    documented(path, "post", empty, 422)
    unknown = client.post("/v1/comments/nope/reports", json={"reason": "spam"}, headers=site)
    documented(path, "post", unknown, 404)


def test_admin_model_answers_conform_to_the_document(app: Flask, model_dir, documented) -> None:
    app.config["SESSION_COOKIE_SECURE"] = False  # the test client speaks plain http
    base = "/v1/admin/models"
    documented(base, "get", app.test_client().get(base), 401)
    moderator = app.test_client()
    login(moderator, "mod", make_user(app, "mod"))
    documented(base, "get", moderator.get(base), 403)
    client = app.test_client()
    token = login(client, "boss", make_user(app, "boss", "admin"))
    documented(base, "get", client.get(base), 200)
    documented(f"{base}/rollback", "post", client.post(f"{base}/rollback"), 403)  # no CSRF
    documented(f"{base}/rollback", "post", api(client, token, f"{base}/rollback"), 409)
    bad = api(client, token, f"{base}/train", {"max_rows": 0})
    documented(f"{base}/train", "post", bad, 422)
    queued = api(client, token, f"{base}/train", {"max_rows": 30})
    documented(f"{base}/train", "post", queued, 202)
    job = client.get(queued.headers["Location"])
    documented(f"{base}/jobs/{{job_id}}", "get", job, 200)
    documented(f"{base}/jobs/{{job_id}}", "get", client.get(f"{base}/jobs/nope"), 404)
    unknown = api(client, token, f"{base}/2020-01-01T0000-abcdef/promote", {})
    documented(f"{base}/{{version}}/promote", "post", unknown, 404)
    active = model_dir[1]
    same = api(client, token, f"{base}/shadow", {"version": active}, method="PUT")
    documented(f"{base}/shadow", "put", same, 409)
    off = api(client, token, f"{base}/shadow", method="DELETE")
    documented(f"{base}/shadow", "delete", off, 200)
    documented(f"{base}/shadow/report", "get", client.get(f"{base}/shadow/report"), 404)
    report = client.get(f"{base}/shadow/report?version={active}")
    documented(f"{base}/shadow/report", "get", report, 200)


def test_admin_credential_answers_conform_to_the_document(app: Flask, documented) -> None:
    app.config["SESSION_COOKIE_SECURE"] = False
    client = app.test_client()
    token = login(client, "boss", make_user(app, "boss", "admin"))
    site_id, _ = make_site(app)
    make_user(app, "mod", sites=[site_id])
    rotate = "/v1/admin/sites/{site_id}/rotate-key"
    answer = api(client, token, f"/v1/admin/sites/{site_id}/rotate-key", {"grace_seconds": 60})
    documented(rotate, "post", answer, 200)
    documented(rotate, "post", api(client, token, "/v1/admin/sites/nope/rotate-key"), 404)
    disable = "/v1/admin/users/{name}/disable"
    documented(disable, "post", api(client, token, "/v1/admin/users/mod/disable"), 200)
    documented(disable, "post", api(client, token, "/v1/admin/users/boss/disable"), 409)
    deleted = api(client, token, "/v1/admin/users/mod", method="DELETE")
    documented("/v1/admin/users/{name}", "delete", deleted, 200)

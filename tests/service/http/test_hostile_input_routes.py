"""Hostile input beyond /v1/comments: the moderator queue, the admin API, reports, webhooks,
Coral, and the CLI. Each gets a clear 4xx (or a clean `Error:`), never a 500 or a traceback."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.helpers.apps import make_site
from tests.helpers.moderation import held_comment, login, make_user

# A JSON escape for half a surrogate pair: valid JSON syntax, but no database can store it.
LONE_SURROGATE = "\\ud800"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}


def admin(app: Flask):
    app.config["SESSION_COOKIE_SECURE"] = False
    client = app.test_client()
    token = login(client, "boss", make_user(app, "boss", "admin"))
    return client, token


def test_lone_surrogates_are_400_wherever_a_body_is_read(app: Flask) -> None:
    client = app.test_client()
    site_id, key = make_site(app)
    comment = held_comment(app, site_id, status="approved", action="approve")
    bodies = {
        f"/v1/comments/{comment}/reports": f'{{"reason": "bad {LONE_SURROGATE}"}}',
        "/v1/site/webhooks": f'{{"url": "https://example.com/{LONE_SURROGATE}"}}',
    }
    for path, body in bodies.items():
        response = client.post(path, data=body, headers=bearer(key))
        assert response.status_code == 400, path
        assert "surrogate" in response.get_json()["detail"]
    secret = client.put(
        "/v1/site/integrations/coral", data=f'{{"secret": "{LONE_SURROGATE * 8}"}}',
        headers=bearer(key),
    )  # fmt: skip
    assert secret.status_code == 400


def test_out_of_range_numbers_are_not_json(app: Flask) -> None:
    client = app.test_client()
    _, key = make_site(app)
    body = '{"id": "c1", "text": "hi", "article": {"id": "a"}, "author": {"id": "u"}, "x": 1e400}'
    response = client.post("/v1/comments", data=body, headers=bearer(key))
    assert response.status_code == 400
    assert "out of range" in response.get_json()["detail"]


def test_report_reasons_refuse_control_characters(app: Flask) -> None:
    client = app.test_client()
    site_id, key = make_site(app)
    comment = held_comment(app, site_id, status="approved", action="approve")
    path = f"/v1/comments/{comment}/reports"
    refused = client.post(path, json={"reason": "spam\x1b[31m"}, headers=bearer(key))
    assert refused.status_code == 422
    assert client.post(path, json={"reason": "spam"}, headers=bearer(key)).status_code == 202


@pytest.mark.parametrize("url", ["https://[::1/h", "https://exa mple.com/", "https://a.com/\x00"])
def test_unparseable_webhook_urls_are_422(app: Flask, url: str) -> None:
    _, key = make_site(app)
    response = app.test_client().post("/v1/site/webhooks", json={"url": url}, headers=bearer(key))
    assert response.status_code == 422


@pytest.mark.parametrize("wait", ["%D9%A3", "1_0", "+5", "%205"])
def test_wait_takes_ascii_digits_only(app: Flask, wait: str) -> None:
    _, key = make_site(app)
    body = {"id": f"w{len(wait)}", "text": "hi", "article": {"id": "a"}, "author": {"id": "u"}}
    response = app.test_client().post(f"/v1/comments?wait={wait}", json=body, headers=bearer(key))
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "wait"


def test_queue_decisions_refuse_a_guideline_that_is_not_a_string(app: Flask) -> None:
    site_id, _ = make_site(app)
    comment = held_comment(app, site_id)
    client, token = admin(app)
    for guideline in (["abuse"], {}, 7):
        response = client.post(
            "/queue/api/decisions",
            json={"ids": [comment], "action": "reject", "guideline": guideline},
            headers={"X-CSRF-Token": token},
        )
        assert response.status_code == 422, guideline


def test_admin_api_unknown_ids_and_numbers(app: Flask) -> None:
    client, token = admin(app)
    assert client.get("/v1/admin/models/jobs/%C3%A9").status_code == 404
    assert client.get("/v1/admin/models/jobs/a*b").status_code == 404
    assert client.get("/v1/admin/models/shadow/report?version=garbage").status_code == 404
    for weight in (0, 5000, -1):
        response = client.post(
            "/v1/admin/models/train", json={"label_weight": weight}, headers={"X-CSRF-Token": token}
        )
        assert response.status_code == 422, weight


@pytest.mark.parametrize(
    "args",
    [
        ["sites", "policy", "show", "{site}", "--version", "99999999999999999999"],
        ["comments", "sweep", "--grace", "nan"],
        ["comments", "sweep", "--grace", "1e400"],
        ["models", "train", "--label-weight", "nan"],
        ["models", "train", "--max-rows", "0"],
        ["models", "train", "--gate-limit", "-5"],
        ["sites", "simulate", "{site}", "--max-rows", "-5"],
    ],
    ids=lambda a: " ".join(a[:2] + a[-2:]),
)
def test_cli_refuses_out_of_range_numbers_before_doing_anything(app: Flask, runner, args) -> None:
    site_id, _ = make_site(app)
    result = runner.invoke(args=[a.format(site=site_id) for a in args])
    assert result.exit_code == 2, result.output
    assert "Invalid value" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    "args",
    [
        ["models", "job", "a*b"],
        ["models", "shadow-report", "nope"],
        ["webhooks", "deliveries", "nope"],
        ["webhooks", "add", "{site}", "https://[::1/h"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_cli_unknown_ids_are_clean_errors(app: Flask, runner, args) -> None:
    site_id, _ = make_site(app)
    result = runner.invoke(args=[a.format(site=site_id) for a in args])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error:")

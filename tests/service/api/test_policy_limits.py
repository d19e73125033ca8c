"""A site may store only so many policy versions an hour; past it a 429 with Retry-After."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from service.storage import db, policies
from tests.helpers.apps import make_site


def _doc(word: str) -> dict:
    return {"word_lists": {"banned": [word]}}


def _headers(app, name: str) -> dict[str, str]:
    _, key = make_site(app, name)
    return {"Authorization": f"Bearer {key}"}


def test_a_change_past_the_hourly_limit_is_a_429_and_is_not_stored(server_app):
    server_app.config["POLICY_CHANGES_PER_HOUR"] = 2
    client = server_app.test_client()
    site = _headers(server_app, "Busy News")
    for word in ("alpha", "beta"):
        assert client.put("/v1/site/policy", json=_doc(word), headers=site).status_code == 200
    refused = client.put("/v1/site/policy", json=_doc("gamma"), headers=site)
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.json["status"] == 429
    assert 3500 <= int(refused.headers["Retry-After"]) <= 3600
    current = client.get("/v1/site/policy", headers=site).json
    assert current["version"] == 2
    assert current["policy"]["word_lists"]["banned"] == ["beta"]
    # Storing the current document again changes nothing, so it is not counted or refused.
    assert client.put("/v1/site/policy", json=_doc("beta"), headers=site).status_code == 200
    # Another site has its own count.
    other = _headers(server_app, "Other News")
    assert client.put("/v1/site/policy", json=_doc("gamma"), headers=other).status_code == 200


def test_changes_older_than_an_hour_no_longer_count(server_app):
    server_app.config["POLICY_CHANGES_PER_HOUR"] = 1
    client = server_app.test_client()
    site = _headers(server_app, "Example News")
    assert client.put("/v1/site/policy", json=_doc("alpha"), headers=site).status_code == 200
    assert client.put("/v1/site/policy", json=_doc("beta"), headers=site).status_code == 429
    with server_app.app_context(), db.engine().begin() as conn:
        conn.execute(
            sa.update(policies.site_policies).values(
                created_at=db.utcnow() - timedelta(hours=1, minutes=1)
            )
        )
    assert client.put("/v1/site/policy", json=_doc("beta"), headers=site).status_code == 200

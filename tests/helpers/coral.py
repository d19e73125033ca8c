"""Coral Talk's request shape and signing, and a site set up for it."""

from __future__ import annotations

import hashlib
import hmac
import json

from tests.helpers.apps import make_site

SECRET = "coral-signing-secret-1"


def coral_request(body: str, parent: str | None = None) -> dict:
    """Shaped as Coral's EXTERNAL_MODERATION_PHASES.md example."""
    return {
        "action": "NEW",
        "comment": {"body": body, "parentID": parent},
        "author": {"id": "baf4e943-3594-4fcc-b2ba-3e8de7a76352", "role": "COMMENTER"},
        "story": {"id": "245b3856", "url": "http://localhost:1313/posts/a-story-url/"},
        "site": {"id": "a4bede88"},
        "tenantID": "19ba5794",
        "tenantDomain": "localhost",
    }


def signed(raw: bytes, *secrets: str) -> dict[str, str]:
    """Coral's scheme from its WEBHOOKS.md: sha256=<hex HMAC of the raw body>, comma-separated."""
    parts = [f"sha256={hmac.new(s.encode(), raw, hashlib.sha256).hexdigest()}" for s in secrets]
    return {"X-Coral-Signature": ",".join(parts), "Content-Type": "application/json"}


def setup_site(client) -> tuple[str, str]:
    site_id, key = make_site(client.application)
    response = client.put(
        "/v1/site/integrations/coral",
        json={"secret": SECRET},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200
    assert response.get_json()["url"] == f"/v1/integrations/coral/{site_id}"
    return site_id, key


def post(client, site_id: str, payload: dict, *secrets: str):
    raw = json.dumps(payload).encode()
    return client.post(f"/v1/integrations/coral/{site_id}", data=raw, headers=signed(raw, *secrets))

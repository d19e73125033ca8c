"""Coral Talk External Moderation Phase: signature checks and Coral's response shapes."""

from __future__ import annotations

import json

from tests.helpers.apps import make_site
from tests.helpers.coral import SECRET, coral_request, post, setup_site, signed


def test_a_clean_comment_is_approved(client, sync_worker) -> None:
    client.application.config["CORAL_BUDGET_MS"] = 15_000  # the decision, not the clock, is tested
    site_id, _ = setup_site(client)
    body = "<p>Thanks for covering the council meeting, very informative.</p>"
    response = post(client, site_id, coral_request(body), SECRET)
    assert response.status_code == 200
    assert response.get_json() == {"status": "APPROVED"}


def test_an_abusive_comment_is_withheld_or_rejected_and_flagged(client, sync_worker) -> None:
    client.application.config["CORAL_BUDGET_MS"] = 15_000
    site_id, _ = setup_site(client)
    response = post(client, site_id, coral_request("You are a stupid idiot, shut up"), SECRET)
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] in ("SYSTEM_WITHHELD", "REJECTED")
    assert {"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"} in body["actions"]
    assert set(body) == {"status", "actions"}


def test_wrong_missing_or_foreign_signatures_are_refused(client, sync_worker) -> None:
    site_id, _ = setup_site(client)
    payload = coral_request("hello")
    assert post(client, site_id, payload, "another-secret").status_code == 401
    raw = json.dumps(payload).encode()
    unsigned = client.post(
        f"/v1/integrations/coral/{site_id}", data=raw, content_type="application/json"
    )
    assert unsigned.status_code == 401
    assert unsigned.mimetype == "application/problem+json"
    # A signature over other bytes than those sent does not pass.
    tampered = client.post(
        f"/v1/integrations/coral/{site_id}",
        data=raw.replace(b"hello", b"HELLO"),
        headers=signed(raw, SECRET),
    )
    assert tampered.status_code == 401
    other_site, _ = make_site(client.application, "Other")
    assert post(client, other_site, payload, SECRET).status_code == 401


def test_rotation_accepts_old_and_new_secrets_and_several_signatures(client, sync_worker) -> None:
    client.application.config["CORAL_BUDGET_MS"] = 15_000
    site_id, key = setup_site(client)
    client.put(
        "/v1/site/integrations/coral",
        json={"secret": "coral-signing-secret-2"},
        headers={"Authorization": f"Bearer {key}"},
    )
    payload = coral_request("Good piece")
    assert post(client, site_id, payload, SECRET).status_code == 200
    assert post(client, site_id, payload, "coral-signing-secret-2").status_code == 200
    both = post(client, site_id, payload, "unknown-secret", "coral-signing-secret-2")
    assert both.status_code == 200
    client.put(
        "/v1/site/integrations/coral",
        json={"secret": "coral-signing-secret-3"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert post(client, site_id, payload, SECRET).status_code == 401, "only two stay valid"


def test_no_decision_within_the_budget_answers_204(client) -> None:
    site_id, _ = setup_site(client)  # no worker is running
    response = post(client, site_id, coral_request("hello there"), SECRET)
    assert response.status_code == 204
    assert response.data == b""


def test_bad_requests_are_problems(client) -> None:
    site_id, _ = setup_site(client)
    response = post(client, site_id, {"action": "DELETE", "comment": {}}, SECRET)
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert fields == {"action", "comment.body"}


def test_comment_without_text_gets_no_opinion(client, sync_worker) -> None:
    # A worker answers, so a 204 here is "nothing to read", not "no decision in time".
    site_id, _ = setup_site(client)
    assert post(client, site_id, coral_request("Nice piece"), SECRET).status_code == 200
    for body in ("", "   ", "<p></p>", "<img src='x.png'>"):
        assert post(client, site_id, coral_request(body), SECRET).status_code == 204, body

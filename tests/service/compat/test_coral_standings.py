"""Coral's decisions respect the author's standing on the site, as queued comments do."""

from __future__ import annotations

from flask import Flask

from tests.helpers.coral import SECRET, coral_request, post, setup_site

CIVIL = "<p>Thanks for covering the council meeting, very informative.</p>"
SUSPECT = "<p>The council's budget plan needs another look.</p>"


def _by(author_id: str, body: str) -> dict:
    payload = coral_request(body)
    payload["author"] = {"id": author_id, "role": "COMMENTER"}
    return payload


def _set(client, key: str, author_id: str, standing: str | None) -> None:
    response = client.put(
        f"/v1/authors/{author_id}",
        json={"standing": standing},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200


def _status(client, site_id: str, payload: dict) -> dict:
    response = post(client, site_id, payload, SECRET)
    assert response.status_code == 200
    return response.get_json()


def test_a_banned_author_is_rejected_and_others_are_not(client, sync_worker) -> None:
    client.application.config["CORAL_BUDGET_MS"] = 15_000  # the decision, not the clock, is tested
    site_id, key = setup_site(client)
    _set(client, key, "coral-user-1", "banned")
    assert _status(client, site_id, _by("coral-user-1", CIVIL)) == {"status": "REJECTED"}
    assert _status(client, site_id, _by("coral-user-2", CIVIL)) == {"status": "APPROVED"}
    _set(client, key, "coral-user-1", None)  # unbanned: the next comment is judged on its text
    assert _status(client, site_id, _by("coral-user-1", CIVIL)) == {"status": "APPROVED"}


def test_always_hold_withholds_a_civil_comment(client, sync_worker) -> None:
    client.application.config["CORAL_BUDGET_MS"] = 15_000
    site_id, key = setup_site(client)
    _set(client, key, "coral-user-1", "always_hold")
    assert _status(client, site_id, _by("coral-user-1", CIVIL))["status"] == "SYSTEM_WITHHELD"


def test_a_trusted_author_is_approved_where_others_are_held(client, sync_worker) -> None:
    client.application.config["CORAL_BUDGET_MS"] = 15_000
    site_id, key = setup_site(client)
    policy = client.put(
        "/v1/site/policy",
        json={"word_lists": {"suspect": ["budget"]}},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert policy.status_code == 200
    _set(client, key, "coral-user-1", "trusted")
    assert _status(client, site_id, _by("coral-user-2", SUSPECT))["status"] == "SYSTEM_WITHHELD"
    assert _status(client, site_id, _by("coral-user-1", SUSPECT)) == {"status": "APPROVED"}


def test_standings_are_per_site(client, sync_worker) -> None:
    client.application.config["CORAL_BUDGET_MS"] = 15_000
    banning_site, key = setup_site(client)
    other_site, _ = setup_site(client)
    _set(client, key, "coral-user-1", "banned")
    assert _status(client, other_site, _by("coral-user-1", CIVIL)) == {"status": "APPROVED"}
    assert _status(client, banning_site, _by("coral-user-1", CIVIL)) == {"status": "REJECTED"}


def test_a_banned_author_is_rejected_even_without_a_worker(app: Flask, client) -> None:
    """No worker answers: a ban needs no model, so it is still a rejection, not a 204."""
    app.config["CORAL_BUDGET_MS"] = 60  # a short wait for the worker that never comes
    site_id, key = setup_site(client)
    _set(client, key, "coral-user-1", "banned")
    assert _status(client, site_id, _by("coral-user-1", CIVIL)) == {"status": "REJECTED"}
    assert post(client, site_id, _by("coral-user-2", CIVIL), SECRET).status_code == 204


def test_a_missing_or_odd_author_is_judged_on_the_text(client, sync_worker) -> None:
    client.application.config["CORAL_BUDGET_MS"] = 15_000
    site_id, _ = setup_site(client)
    for author in (None, {}, {"id": 7}, {"id": "x" * 500}, {"id": "a\x00b"}, "someone"):
        payload = coral_request(CIVIL)
        payload["author"] = author
        assert _status(client, site_id, payload) == {"status": "APPROVED"}

"""Coral's synchronous decisions follow the site's own guideline policy, like queued ones."""

from __future__ import annotations

from tests.helpers.coral import SECRET, coral_request, post, setup_site

TEXT = "<p>The council's b.u.d.g.e.t plan is a disgrace.</p>"


def test_coral_decides_with_the_sites_current_policy(client, sync_worker) -> None:
    client.application.config["CORAL_BUDGET_MS"] = 15_000  # the decision, not the clock, is tested
    strict_id, strict_key = setup_site(client)
    relaxed_id, _ = setup_site(client)
    response = client.put(
        "/v1/site/policy",
        json={"word_lists": {"banned": ["budget"]}},
        headers={"Authorization": f"Bearer {strict_key}"},
    )
    assert response.status_code == 200
    assert post(client, strict_id, coral_request(TEXT), SECRET).get_json()["status"] == "REJECTED"
    assert post(client, relaxed_id, coral_request(TEXT), SECRET).get_json() == {
        "status": "APPROVED"
    }

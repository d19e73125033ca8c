"""The queue: what a moderator sees, claims, and decisions (one, bulk, refused)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from service.storage import db
from tests.helpers.moderation import api, held_comment, login


def test_queue_shows_only_the_moderators_sites(ui_app: Flask, two_sites) -> None:
    mine = held_comment(ui_app, two_sites["a"], "alpha comment idiot")
    theirs = held_comment(ui_app, two_sites["b"], "beta comment idiot")
    client = ui_app.test_client()
    login(client, "alice", two_sites["alice"])
    page = client.get("/queue").get_data(as_text=True)
    assert mine in page and "alpha comment" in page
    assert theirs not in page and "beta comment" not in page
    # Naming the other site in the filter shows nothing of it either.
    page = client.get(f"/queue?site={two_sites['b']}").get_data(as_text=True)
    assert "beta comment" not in page


def test_admin_sees_every_site(ui_app: Flask, two_sites) -> None:
    held_comment(ui_app, two_sites["a"], "alpha comment")
    held_comment(ui_app, two_sites["b"], "beta comment")
    client = ui_app.test_client()
    login(client, "root", two_sites["root"])
    page = client.get("/queue").get_data(as_text=True)
    assert "alpha comment" in page and "beta comment" in page


def test_moderator_cannot_act_on_another_sites_comment(ui_app: Flask, two_sites) -> None:
    theirs = held_comment(ui_app, two_sites["b"])
    client = ui_app.test_client()
    token = login(client, "alice", two_sites["alice"])
    decided = api(client, token, "/queue/api/decisions", {"ids": [theirs], "action": "approve"})
    assert decided.status_code == 404
    assert api(client, token, f"/queue/api/claims/{theirs}").status_code == 404
    assert client.get(f"/comments/{theirs}/audit").status_code == 404
    with ui_app.app_context(), db.engine().connect() as conn:
        status = conn.execute(sa.select(db.comments.c.status).where(db.comments.c.id == theirs))
        assert status.scalar() == "held"


def test_evidence_reasons_author_counts_and_parent_are_shown(ui_app: Flask, two_sites) -> None:
    site = two_sites["a"]
    held_comment(ui_app, site, "first words", action="approve", external_id="p1", reasons=[])
    held_comment(ui_app, site, "an old one", action="reject", author_id="u1", reasons=[])
    held_comment(ui_app, site, "You are an idiot", parent_id="p1")
    client = ui_app.test_client()
    login(client, "alice", two_sites["alice"])
    page = client.get("/queue").get_data(as_text=True)
    assert "You are an <mark>idiot</mark>" in page
    assert "Be respectful" in page and "0.71" in page
    assert '<blockquote class="parent">first words</blockquote>' in page
    assert (
        "1 approved · 1 held · 1 rejected" in page
    )  # u1: one approved, this one held, one rejected
    assert 'href="https://news.example/budget"' in page and "Budget debate" in page


def test_filters_and_score_order(ui_app: Flask, two_sites) -> None:
    site = two_sites["a"]

    def reason(guideline: str, score: float) -> list[dict]:
        return [{"guideline": guideline, "score": score, "action": "hold", "evidence": []}]

    held_comment(ui_app, site, "low spam", reasons=reason("spam", 0.3))
    held_comment(ui_app, site, "high abuse", reasons=reason("abuse", 0.9), article_id="a2")
    client = ui_app.test_client()
    login(client, "alice", two_sites["alice"])
    oldest = client.get("/queue").get_data(as_text=True)
    assert oldest.index("low spam") < oldest.index("high abuse")
    by_score = client.get("/queue?order=score").get_data(as_text=True)
    assert by_score.index("high abuse") < by_score.index("low spam")
    spam = client.get("/queue?guideline=spam").get_data(as_text=True)
    assert "low spam" in spam and "high abuse" not in spam
    article = client.get("/queue?article=a2").get_data(as_text=True)
    assert "high abuse" in article and "low spam" not in article


def test_approve_changes_status_label_and_announces(ui_app: Flask, two_sites) -> None:
    comment = held_comment(ui_app, two_sites["a"])
    heard: list[tuple[str, str]] = []
    subscriber = lambda _e, kind, refs: heard.extend((kind, cid) for _, cid in refs)  # noqa: E731
    ui_app.extensions["events"].subscribe(subscriber)  # this app's publisher, gone with the app
    client = ui_app.test_client()
    token = login(client, "alice", two_sites["alice"])
    response = api(client, token, "/queue/api/decisions", {"ids": [comment], "action": "approve"})
    assert response.status_code == 200
    assert [d["id"] for d in response.get_json()["decided"]] == [comment]
    assert heard == [("comment.moderated", comment)]
    seen = ui_app.test_client().get(
        f"/v1/comments/{comment}", headers={"Authorization": f"Bearer {two_sites['key_a']}"}
    )
    body = seen.get_json()
    assert body["status"] == "approved"
    assert body["decision"]["kind"] == "moderator"
    assert body["decision"]["moderator"] == "alice"
    assert comment not in client.get("/queue").get_data(as_text=True)


def test_reject_defaults_to_the_strongest_reason(ui_app: Flask, two_sites) -> None:
    reasons = [
        {"guideline": "abuse", "score": 0.6, "action": "hold", "evidence": []},
        {"guideline": "threat", "score": 0.8, "action": "hold", "evidence": []},
        {"guideline": "links", "score": None, "rule": "links", "action": "hold", "evidence": []},
    ]
    comment = held_comment(ui_app, two_sites["a"], "text", reasons=reasons)
    client = ui_app.test_client()
    token = login(client, "alice", two_sites["alice"])
    page = client.get("/queue").get_data(as_text=True)
    assert '<option value="threat" selected>' in page
    response = api(client, token, "/queue/api/decisions", {"ids": [comment], "action": "reject"})
    assert response.get_json()["decided"][0]["guideline"] == "threat"
    other = held_comment(ui_app, two_sites["a"], "text", reasons=reasons)
    chosen = {"ids": [other], "action": "reject", "guideline": "abuse"}
    assert (
        api(client, token, "/queue/api/decisions", chosen).get_json()["decided"][0]["guideline"]
        == "abuse"
    )


def test_bulk_decides_mine_and_refuses_the_rest(ui_app: Flask, two_sites) -> None:
    ids = [held_comment(ui_app, two_sites["a"], f"comment {i}") for i in range(3)]
    theirs = held_comment(ui_app, two_sites["b"])
    client = ui_app.test_client()
    token = login(client, "alice", two_sites["alice"])
    body = {"ids": [*ids, theirs], "action": "approve"}
    answer = api(client, token, "/queue/api/decisions", body).get_json()
    assert sorted(d["id"] for d in answer["decided"]) == sorted(ids)
    assert answer["refused"] == [
        {"id": theirs, "status": 404, "why": "no such comment in your sites"}
    ]
    again = api(client, token, "/queue/api/decisions", {"ids": ids[:1], "action": "reject"})
    assert again.status_code == 409  # already decided


def test_bad_decision_bodies_are_422_not_500(ui_app: Flask, two_sites) -> None:
    client = ui_app.test_client()
    token = login(client, "alice", two_sites["alice"])
    for body in (
        {"ids": ["x"], "action": "delete"},
        {"ids": [], "action": "approve"},
        {"ids": [1], "action": "approve"},
        {"ids": ["x"], "action": "reject", "guideline": "nonsense"},
        {"ids": "x", "action": "approve"},
    ):
        response = api(client, token, "/queue/api/decisions", body)
        assert response.status_code == 422, body
        assert response.mimetype == "application/problem+json"


def test_second_moderator_sees_the_claim_and_cannot_decide(ui_app: Flask, two_sites) -> None:
    comment = held_comment(ui_app, two_sites["a"])
    alice, carol = ui_app.test_client(), ui_app.test_client()
    alice_token = login(alice, "alice", two_sites["alice"])
    carol_token = login(carol, "carol", two_sites["carol"])
    assert api(alice, alice_token, f"/queue/api/claims/{comment}").get_json()["claimed"] is True
    answer = api(carol, carol_token, f"/queue/api/claims/{comment}").get_json()
    assert answer == {"id": comment, "claimed": False, "by": "alice"}
    assert "alice has it" in carol.get("/queue").get_data(as_text=True)
    refused = api(
        carol, carol_token, "/queue/api/decisions", {"ids": [comment], "action": "approve"}
    )
    assert refused.status_code == 409
    assert "alice" in refused.get_json()["detail"]
    # Carol cannot release alice's claim; it stays alice's.
    theirs = api(carol, carol_token, f"/queue/api/claims/{comment}", method="DELETE")
    assert theirs.status_code == 409 and "alice" in theirs.get_json()["detail"]
    assert api(carol, carol_token, f"/queue/api/claims/{comment}").get_json()["by"] == "alice"
    # Released (skip), the claim passes to the next one who opens it.
    mine = api(alice, alice_token, f"/queue/api/claims/{comment}", method="DELETE")
    assert mine.get_json()["released"] is True
    assert api(carol, carol_token, f"/queue/api/claims/{comment}").get_json()["claimed"] is True


def test_a_long_queue_pages_with_its_filters_kept(ui_app: Flask, two_sites) -> None:
    from service.moderation.queue_data import PAGE_SIZE

    ids = [held_comment(ui_app, two_sites["a"], f"Comment number {i:03d}") for i in range(55)]
    client = ui_app.test_client()
    login(client, "alice", two_sites["alice"])
    first = client.get("/queue?order=oldest").get_data(as_text=True)
    assert first.count('class="comment"') == PAGE_SIZE
    assert f"comments 1–{PAGE_SIZE}" in first and 'rel="prev"' not in first
    assert 'href="/queue?view=held&amp;order=oldest&amp;page=2" rel="next"' in first
    second = client.get("/queue?order=oldest&page=2").get_data(as_text=True)
    assert second.count('class="comment"') == 5 and 'rel="next"' not in second
    assert all(f"c-{i}" in second for i in ids[PAGE_SIZE:])
    assert 'href="/queue?view=held&amp;order=oldest" rel="prev"' in second
    assert client.get("/queue?page=%D9%A3").status_code == 200  # odd page values read as 1

"""The moderator flow on the embedded stack and on PostgreSQL + a Redis server."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from tests.helpers.apps import make_site
from tests.helpers.moderation import api, held_comment, login, make_user


def test_queue_decide_undo_and_report_on_each_stack(server_app: Flask) -> None:
    server_app.config["SESSION_COOKIE_SECURE"] = False
    site, key = make_site(server_app)
    other_site, _ = make_site(server_app, "Other")
    password = make_user(server_app, "alice", sites=[site])
    mine = held_comment(server_app, site, "mine, idiot")
    theirs = held_comment(server_app, other_site, "theirs")
    published = held_comment(server_app, site, "published", action="approve", reasons=[])
    client = server_app.test_client()
    token = login(client, "alice", password)
    page = client.get("/queue?order=score&guideline=abuse").get_data(as_text=True)
    assert "mine, <mark>idiot</mark>" in page and theirs not in page
    answer = api(client, token, "/queue/api/decisions", {"ids": [mine, theirs], "action": "reject"})
    body = answer.get_json()
    assert [d["id"] for d in body["decided"]] == [mine] and body["refused"][0]["id"] == theirs
    undone = api(client, token, f"/queue/api/undo/{body['decided'][0]['log_id']}")
    assert undone.get_json()["status"] == "held"
    reported = client.post(
        f"/v1/comments/{published}/reports",
        json={"reason": "rude"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert reported.status_code == 202
    assert "published" in client.get("/queue?view=reported").get_data(as_text=True)
    assert client.get(f"/comments/{mine}/audit").status_code == 200


def _many_held(app: Flask, site: str, n: int) -> None:
    """N held comments, oldest first, each held for abuse at a low score (bulk inserted)."""
    from datetime import timedelta

    from service.storage import db

    start = db.utcnow() - timedelta(days=1)
    comments, decisions = [], []
    for i in range(n):
        cid = f"cmt_bulk{i:05d}"
        at = start + timedelta(seconds=i)
        comments.append(
            {"id": cid, "site_id": site, "external_id": f"bulk-{i}", "text": f"bulk comment {i}",
             "article_id": "a1", "author_id": "u1", "status": "held", "created_at": at,
             "updated_at": at}
        )  # fmt: skip
        decisions.append(
            {"comment_id": cid, "kind": "machine", "action": "hold", "created_at": at,
             "reasons": [{"guideline": "abuse", "score": 0.5 + i / (10 * n), "action": "hold"}]}
        )  # fmt: skip
    with app.app_context(), db.engine().begin() as conn:
        conn.execute(db.comments.insert(), comments)
        conn.execute(db.decisions.insert(), decisions)
        ids = conn.execute(sa.select(db.decisions.c.id, db.decisions.c.comment_id)).all()
        conn.execute(
            db.comments.update()
            .where(db.comments.c.id == sa.bindparam("cid"))
            .values(decision_id=sa.bindparam("did")),
            [{"cid": cid, "did": did} for did, cid in ids],
        )


def test_score_order_and_guideline_filter_cover_the_whole_queue(server_app: Flask) -> None:
    """A long backlog: the newest comment is the strongest and the only spam; both views find it
    (they used to look at the oldest 1,000 comments only)."""
    server_app.config["SESSION_COOKIE_SECURE"] = False
    site, _ = make_site(server_app)
    _many_held(server_app, site, 1200)
    spam = [{"guideline": "spam", "score": 0.99, "action": "hold", "evidence": []}]
    newest = held_comment(server_app, site, "buy cheap pills now", reasons=spam)
    client = server_app.test_client()
    login(client, "alice", make_user(server_app, "alice", sites=[site]))
    by_score = client.get("/queue?order=score").get_data(as_text=True)
    assert "buy cheap pills now" in by_score
    assert by_score.index("buy cheap pills now") < by_score.index("bulk comment 1199")
    # Within one guideline, still highest first: the bulk comments rise with their age.
    abuse = client.get("/queue?order=score&guideline=abuse").get_data(as_text=True)
    assert "bulk comment 1199" in abuse and "bulk comment 0<" not in abuse
    assert "buy cheap pills now" not in abuse
    only_spam = client.get("/queue?guideline=spam").get_data(as_text=True)
    assert newest in only_spam and "bulk comment" not in only_spam
    oldest = client.get("/queue").get_data(as_text=True)
    assert "bulk comment 0<" in oldest and "buy cheap pills now" not in oldest

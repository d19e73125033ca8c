"""Model operations' tests: comments stored directly, decided by a moderator, or posted."""

from __future__ import annotations

import uuid

from flask import Flask

from service.storage import db, store

GATE_LIMIT = "200"  # rows per test set for gate figures: seconds, and still far apart


def add_comment(app: Flask, site_id: str, text: str, external_id: str) -> str:
    fields = {
        "external_id": external_id,
        "text": text,
        "article_id": "a1",
        "author_id": "u1",
    }
    with app.extensions["db_engine"].begin() as conn:
        row, _ = store.insert_comment(conn, site_id, fields)
    return row["id"]


def moderate(
    app: Flask,
    site_id: str,
    decisions: list[tuple[str, str, str | None]],
) -> list[str]:
    """Comments held by the machine, then decided by a moderator through the moderator UI's API
    (`POST /queue/api/decisions`); (text, action, guideline) each. Their ids."""
    from service.moderation.views_queue import MAX_BULK
    from tests.helpers.moderation import api, login, make_user

    app.config["SESSION_COOKIE_SECURE"] = False  # the test client speaks plain http
    name = f"mod-{uuid.uuid4().hex[:8]}"
    client = app.test_client()
    token = login(client, name, make_user(app, name, "moderator", [site_id]))
    ids = []
    groups: dict[tuple[str, str | None], list[str]] = {}
    for text, action, guideline in decisions:
        comment_id = add_comment(app, site_id, text, f"mod-{uuid.uuid4().hex}")
        with app.extensions["db_engine"].begin() as conn:
            store.record_machine_decision(
                conn, comment_id, action="hold", scores={}, reasons=[], model_version="held"
            )
        groups.setdefault((action, guideline), []).append(comment_id)
        ids.append(comment_id)
    for (action, guideline), group in groups.items():
        for start in range(0, len(group), MAX_BULK):
            chunk = group[start : start + MAX_BULK]
            body = {"ids": chunk, "action": action, "guideline": guideline}
            response = api(client, token, "/queue/api/decisions", body)
            assert response.status_code == 200, response.get_data(as_text=True)
            assert len(response.json["decided"]) == len(chunk), response.json
    return ids


def decisions_of(app: Flask, comment_id: str, kind: str) -> list[dict]:
    import sqlalchemy as sa

    with app.extensions["db_engine"].connect() as conn:
        rows = conn.execute(
            sa.select(db.decisions)
            .where(db.decisions.c.comment_id == comment_id, db.decisions.c.kind == kind)
            .order_by(db.decisions.c.id)
        )
        return [dict(r._mapping) for r in rows]


TEXTS = (
    "You are an idiot and nobody wants you here",
    "Thanks for the careful reporting on the budget",
    "I disagree with the council, the bridge is too expensive",
    "shut up you pathetic moron",
    "Great photos of the festival this year",
    "This mayor is a liar and a disgrace",
    "Buy cheap watches at my site, best prices",
    "The bus timetable changes make no sense to me",
)


def post_comments(app: Flask, key: str, count: int, prefix: str) -> list[str]:
    """Post COUNT comments through the API (each is queued); their ids."""
    client = app.test_client()
    ids = []
    for i in range(count):
        body = {
            "id": f"{prefix}-{i}",
            "text": f"{TEXTS[i % len(TEXTS)]} ({prefix} {i})",
            "article": {"id": "a1"},
            "author": {"id": f"u{i}"},
        }
        response = client.post(
            "/v1/comments", json=body, headers={"Authorization": f"Bearer {key}"}
        )
        assert response.status_code == 202, response.json
        ids.append(response.json["id"])
    return ids

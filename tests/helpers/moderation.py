"""Moderator accounts, held comments stored as the worker would, logins and CSRF."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from service.moderation import actions, queue_data, users
from service.moderation.users import User
from service.storage import db, store

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def make_user(app: Flask, name: str, role: str = "moderator", sites: list[str] = ()) -> str:
    """A new account's password."""
    with app.app_context(), db.engine().begin() as conn:
        return users.create_user(conn, name, role, list(sites))[1]


def held_comment(
    app: Flask,
    site_id: str,
    text: str = "You are an idiot",
    *,
    reasons: list[dict] | None = None,
    action: str = "hold",
    **fields: str | None,
) -> str:
    """Store a comment with a machine decision (hold by default) as the worker would."""
    if reasons is None:
        start = text.find("idiot")
        evidence = [{"start": start, "end": start + 5, "text": "idiot"}] if start >= 0 else []
        reasons = [
            {"guideline": "abuse", "score": 0.71, "threshold": 0.5, "rule": None,
             "action": "hold", "evidence": evidence, "detail": ""},
        ]  # fmt: skip
    values = {
        "external_id": fields.pop("external_id", None) or store.new_comment_id(),
        "text": text,
        "article_id": "a1",
        "article_title": "Budget debate",
        "article_url": "https://news.example/budget",
        "author_id": "u1",
        "author_name": "Reader One",
        "parent_id": None,
        **fields,
    }
    with app.app_context(), db.engine().begin() as conn:
        comment, _ = store.insert_comment(conn, site_id, values)
        store.record_machine_decision(
            conn,
            comment["id"],
            action=action,
            scores={"toxicity": 0.71},
            reasons=reasons,
            model_version="test-model-1",
        )
    return comment["id"]


def csrf_of(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    match = CSRF_META.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: FlaskClient, name: str, password: str) -> str:
    """Log in; returns the session's CSRF token for later requests."""
    token = csrf_of(client)
    response = client.post("/login", data={"name": name, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return csrf_of(client, "/queue")


def api(client: FlaskClient, token: str, path: str, body: dict | None = None, method: str = "POST"):
    return client.open(path, method=method, json=body, headers={"X-CSRF-Token": token})


def queued_ids(app, moderator: User) -> list[str]:
    """The ids on the first page of the moderator's held queue."""
    with app.app_context(), app.extensions["db_engine"].connect() as conn:
        items, _ = queue_data.queue(conn, moderator, queue_data.Filters())
    return [item["id"] for item in items]


def refusal_of(app, moderator: User, comment_id: str) -> int | None:
    """The status a moderator's approval of this comment is refused with (None: it was not)."""
    with app.app_context():
        try:
            actions.decide(
                app.extensions["db_engine"],
                app.extensions["events"],
                moderator,
                comment_id,
                "approve",
                None,
            )
        except actions.Refusal as refusal:
            return refusal.status
    return None

"""A stored policy that no longer validates: the queue page and the worker fall back to the
default guidelines, say so, and never fail.

The rows are written straight into the table, as an old release (before a validation rule) or a
hand edit in the database would have left them. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from flask import Flask

from service.storage import db, policies
from tests.helpers.apps import make_site, work_queue
from tests.helpers.moderation import held_comment, login, make_user

# Valid when an older release stored it; hold above reject is refused now.
HOLD_ABOVE_REJECT = {"thresholds": {"abuse": {"hold": 0.95, "reject": 0.9}}}


def _store_raw(app: Flask, site_id: str, document: object) -> None:
    with app.app_context(), db.engine().begin() as conn:
        conn.execute(
            policies.site_policies.insert().values(
                site_id=site_id,
                version=policies.current_version_number(conn, site_id) + 1,
                document=document,
                created_at=db.utcnow(),
                created_by="hand edit",
            )
        )


def test_the_queue_shows_a_warning_and_default_wording_for_an_invalid_policy(
    server_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    server_app.config["SESSION_COOKIE_SECURE"] = False
    site, _ = make_site(server_app, "Broken Policy News")
    password = make_user(server_app, "mod", sites=[site])
    admin = make_user(server_app, "boss", role="admin")
    held_comment(server_app, site, "You are an idiot")  # abuse 0.71
    _store_raw(server_app, site, HOLD_ABOVE_REJECT)
    for name, secret in (("mod", password), ("boss", admin)):
        client = server_app.test_client()
        login(client, name, secret)
        with caplog.at_level(logging.WARNING, logger="service.storage.policies"):
            response = client.get("/queue")
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Broken Policy News&#39;s policy (version 1) no longer validates" in page
        assert "thresholds.abuse.hold: must not be above reject" in page
        # Worded against the default abuse thresholds (hold 0.5), not the stored 0.95.
        assert "Possible abuse · 0.71" in page
    logged = [r for r in caplog.records if site in r.getMessage()]
    assert len(logged) == 1 and "version 1 no longer validates" in logged[0].getMessage()


def test_the_queue_warns_once_per_broken_site_however_many_of_its_comments(
    server_app: Flask,
) -> None:
    server_app.config["SESSION_COOKIE_SECURE"] = False
    broken, _ = make_site(server_app, "Broken Policy News")
    fine, _ = make_site(server_app, "Fine News")
    admin = make_user(server_app, "boss", role="admin")
    for site in (broken, broken, broken, fine):
        held_comment(server_app, site, "You are an idiot")
    _store_raw(server_app, broken, HOLD_ABOVE_REJECT)
    client = server_app.test_client()
    login(client, "boss", admin)
    page = client.get("/queue").get_data(as_text=True)
    assert page.count("no longer validates") == 1
    assert "Broken Policy News&#39;s policy (version 1)" in page


def test_the_queue_has_no_warning_for_a_valid_policy(server_app: Flask) -> None:
    server_app.config["SESSION_COOKIE_SECURE"] = False
    site, _ = make_site(server_app, "Fine News")
    password = make_user(server_app, "mod", sites=[site])
    held_comment(server_app, site, "You are an idiot")
    _store_raw(server_app, site, {"thresholds": {"abuse": {"hold": 0.8, "reject": 0.9}}})
    client = server_app.test_client()
    login(client, "mod", password)
    page = client.get("/queue").get_data(as_text=True)
    assert "no longer validates" not in page
    assert "Unlikely abuse · 0.71" in page  # the stored hold (0.8) words it


def test_the_worker_decides_with_the_default_policy_when_the_stored_one_is_invalid(
    server_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    site, key = make_site(server_app)
    # Banned "budget" would reject; the document is invalid, so the default decides instead.
    _store_raw(server_app, site, {**HOLD_ABOVE_REJECT, "word_lists": {"banned": ["budget"]}})
    client = server_app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    posted = []
    for i, text in enumerate(["The budget plan seems fine to me.", "I like the budget."]):
        body = {"id": f"c-{i}", "text": text, "article": {"id": "a-1"}, "author": {"id": f"u{i}"}}
        posted.append(client.post("/v1/comments", json=body, headers=headers).json["id"])
    with caplog.at_level(logging.WARNING, logger="service.storage.policies"):
        work_queue(server_app)
    for comment_id in posted:
        view = client.get(f"/v1/comments/{comment_id}", headers=headers).json
        assert view["status"] == "approved", view
        assert view["decision"]["policy_version"] == 0  # the version that decided: the default
    # One line per process for the broken version, not one per comment.
    assert sum(site in r.getMessage() for r in caplog.records) == 1


def test_text_that_is_not_json_is_an_invalid_policy_not_a_failure(app: Flask) -> None:
    """SQLite keeps any text a hand edit writes into the JSON column (PostgreSQL refuses it)."""
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("only SQLite stores text that is not JSON in a JSON column")
    app.config["SESSION_COOKIE_SECURE"] = False
    site, _ = make_site(app, "Garbled News")
    password = make_user(app, "mod", sites=[site])
    held_comment(app, site, "You are an idiot")
    with app.app_context(), db.engine().begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO site_policies (site_id, version, document, created_at)"
                " VALUES (:site, 1, '{\"thresholds\": {', :now)"
            ),
            {"site": site, "now": db.utcnow()},
        )
    client = app.test_client()
    login(client, "mod", password)
    response = client.get("/queue")
    assert response.status_code == 200
    assert "the policy must be a JSON object" in response.get_data(as_text=True)
    with app.app_context(), db.engine().connect() as conn:
        effective = policies.current_effective(conn, site)
    assert effective.version == 0 and effective.invalid is not None

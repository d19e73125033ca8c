"""Storage limitation: per-site retention, the purge (periodic and by hand), and store_text."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from service.moderation import queue_data
from service.moderation.users import User
from service.storage import db, lifecycle
from service.transport import broker, retention
from tests.helpers.apps import make_site, work_queue
from tests.helpers.comments import auth, post
from tests.helpers.erasure import body, text_left


def settings(client, key: str, changes: dict | None = None):
    if changes is None:
        return client.get("/v1/site/settings", headers=auth(key))
    return client.patch("/v1/site/settings", json=changes, headers=auth(key))


def decided_days_ago(app, comment_id: str, days: int) -> None:
    """Move the comment's current decision back in time."""
    with app.extensions["db_engine"].begin() as conn:
        decision_id = conn.execute(
            sa.select(db.comments.c.decision_id).where(db.comments.c.id == comment_id)
        ).scalar_one()
        conn.execute(
            db.decisions.update()
            .where(db.decisions.c.id == decision_id)
            .values(created_at=db.utcnow() - timedelta(days=days))
        )


def test_settings_default_change_and_refuse_bad_values(app, client):
    _, key = make_site(app)
    _, other = make_site(app, "Other")
    assert settings(client, key).json == {"text_retention_days": 365, "appeal_url": None}
    changed = settings(client, key, {"text_retention_days": 30})
    assert changed.status_code == 200 and changed.json["text_retention_days"] == 30
    forever = settings(client, key, {"appeal_url": "https://news.example/appeal"})
    assert forever.json == {"text_retention_days": 30, "appeal_url": "https://news.example/appeal"}
    assert settings(client, key, {"text_retention_days": None}).json["text_retention_days"] is None
    assert settings(client, other).json["text_retention_days"] == 365  # each site its own
    for bad in (
        {"text_retention_days": 0},
        {"text_retention_days": "30"},
        {"text_retention_days": True},
        {"text_retention_days": 10**6},
        {"appeal_url": "javascript:alert(1)"},
        {"appeal_url": 5},
        {"keep": 1},
    ):
        refused = settings(client, key, bad)
        assert refused.status_code == 422, bad
        assert refused.json["errors"][0]["field"] == next(iter(bad))
    assert client.get("/v1/site/settings").status_code == 401


def test_purge_erases_only_texts_past_their_sites_retention(server_app):
    client = server_app.test_client()
    _, short_key = make_site(server_app, "Short")
    _, forever_key = make_site(server_app, "Forever")
    _, default_key = make_site(server_app, "Default")
    settings(client, short_key, {"text_retention_days": 30})
    settings(client, forever_key, {"text_retention_days": None})
    cases = {
        (short_key, "old"): 40,
        (short_key, "recent"): 10,
        (forever_key, "ancient"): 5000,
        (default_key, "old"): 400,
        (default_key, "recent"): 300,
    }
    ids = {case: post(client, case[0], body(case[1])).json["id"] for case in cases}
    pending = post(client, short_key, body("pending")).json["id"]
    work_queue(server_app)
    for case, days in cases.items():
        decided_days_ago(server_app, ids[case], days)
    engine, redis = server_app.extensions["db_engine"], server_app.extensions["redis"]
    with engine.begin() as conn:  # never decided: kept however old
        conn.execute(
            db.comments.update()
            .where(db.comments.c.id == pending)
            .values(created_at=db.utcnow() - timedelta(days=900), status="pending")
        )

    runner = server_app.test_cli_runner()
    dry = runner.invoke(args=["comments", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would erase the texts of 2 comments in 2 sites" in dry.output
    assert len(text_left(engine)) > 0
    with engine.connect() as conn:
        assert (
            conn.execute(
                sa.select(sa.func.count()).where(db.comments.c.text_state.is_not(None))
            ).scalar()
            == 0
        )

    done = runner.invoke(args=["comments", "purge"])
    assert "erased the texts of 2 comments in 2 sites" in done.output
    expired = {case for case in cases if cases[case] in (40, 400)}
    for case, comment_id in ids.items():
        view = client.get(f"/v1/comments/{comment_id}", headers=auth(case[0]))
        assert view.status_code == 200  # expiry keeps the record readable
        assert (view.json["text_state"] == "expired") == (case in expired), case
        assert (view.json["author"]["name"] is None) == (case in expired), case
        assert view.json["decision"]["action"]
    assert retention.purge(engine, redis) == {}  # nothing left that is due
    with engine.connect() as conn:
        assert (
            conn.execute(
                sa.select(db.comments.c.text_state).where(db.comments.c.id == pending)
            ).scalar()
            is None
        )


@pytest.fixture
def expired_comment(app) -> tuple[str, str]:
    """(site key, id) of a comment decided 5 days ago on a site that keeps texts for 1 day."""
    client = app.test_client()
    _, key = make_site(app)
    settings(client, key, {"text_retention_days": 1})
    comment_id = post(client, key, body("expired")).json["id"]
    work_queue(app)
    decided_days_ago(app, comment_id, 5)
    return key, comment_id


def test_a_worker_process_purges_on_its_own(app, expired_comment, worker_process):
    key, comment_id = expired_comment
    client = app.test_client()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if client.get(f"/v1/comments/{comment_id}", headers=auth(key)).json["text_state"]:
            break
        time.sleep(0.2)
    assert client.get(f"/v1/comments/{comment_id}", headers=auth(key)).json["text_state"] == (
        "expired"
    )


def test_only_one_process_purges_per_interval(app):
    _, key = make_site(app)
    settings(app.test_client(), key, {"text_retention_days": 1})
    engine, redis = app.extensions["db_engine"], app.extensions["redis"]
    assert retention.purge_if_due(engine, redis, app.config) == {"scored_texts": {}, "comments": {}}
    assert retention.purge_if_due(engine, redis, app.config) is None  # another took the period


def test_store_text_false_is_scored_without_the_text_reaching_the_database(server_app):
    client = server_app.test_client()
    site_id, key = make_site(server_app)
    created = post(client, key, {**body("private"), "store_text": False})
    assert created.status_code == 202
    assert created.json["text_state"] == "not_stored"
    redis = server_app.extensions["redis"]
    assert redis.exists(broker.unstored_text_key(created.json["id"]))
    engine = server_app.extensions["db_engine"]
    assert {place for place, _ in text_left(engine)} == {
        "comments.author_name",
        "comments.article_title",
    }
    work_queue(server_app)

    view = client.get(f"/v1/comments/{created.json['id']}", headers=auth(key)).json
    assert view["status"] == "held"  # a link and an e-mail address: held
    guidelines = {r["guideline"] for r in view["decision"]["reasons"]}
    assert guidelines & {"links", "privacy"}
    assert not redis.exists(broker.unstored_text_key(created.json["id"]))
    assert {place for place, _ in text_left(engine)} == {
        "comments.author_name",
        "comments.article_title",
    }  # not in the decision's evidence either
    moderator = User(id=1, name="mo", role="moderator", sites=(site_id,))
    with server_app.app_context(), engine.connect() as conn:
        [item], _ = queue_data.queue(conn, moderator, queue_data.Filters())
    assert item["segments"] == [(queue_data.TEXT_NOT_STORED, False)]
    assert post(client, key, {**body("private"), "store_text": False}).status_code == 200


def test_unstored_text_that_expired_before_scoring_is_held_unscored(app, client):
    _, key = make_site(app)
    created = post(client, key, {**body("late"), "store_text": False}).json
    app.extensions["redis"].delete(broker.unstored_text_key(created["id"]))
    work_queue(app)
    view = client.get(f"/v1/comments/{created['id']}", headers=auth(key)).json
    assert view["status"] == "held"
    assert view["decision"]["reasons"][0]["rule"] == "unscored"


def test_store_text_must_be_a_boolean_and_edits_keep_the_choice(app, client):
    _, key = make_site(app)
    refused = post(client, key, {**body("x"), "store_text": "no"})
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "store_text"
    created = post(client, key, {**body("keep-choice"), "store_text": False}).json
    edited = client.put(
        f"/v1/comments/{created['id']}", json={"text": "Zorblax edit"}, headers=auth(key)
    )
    assert edited.status_code == 202 and edited.json["text_state"] == "not_stored"
    assert app.extensions["redis"].get(broker.unstored_text_key(created["id"])) == b"Zorblax edit"
    with app.extensions["db_engine"].connect() as conn:
        texts = conn.execute(sa.select(lifecycle.comment_revisions.c.text)).scalars().all()
    assert texts == [""]

"""A webhook fan-out reads each site's settings once per batch, and its bodies are unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from service.storage import site_settings, store
from service.storage.integrations import webhook_deliveries
from tests.helpers.apps import build_app, make_site, teardown
from tests.helpers.comments import auth
from tests.helpers.moderation import held_comment
from tests.helpers.webhooks import register

APPEAL = "https://news.example/appeal"


@pytest.fixture(params=["embedded", "servers"])
def hook_app(request: pytest.FixtureRequest, tmp_path: Path, model_dir) -> Flask:
    overrides: dict[str, object] = {"WEBHOOK_ALLOW_PRIVATE": True}
    if request.param == "servers":
        overrides["DATABASE_URL"] = request.getfixturevalue("postgres_url")
        overrides["REDIS_URL"] = request.getfixturevalue("redis_server_url")
    app = build_app(tmp_path, model_dir, **overrides)
    yield app
    teardown(app)


def _settings_reads(engine: sa.Engine) -> list[str]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "site_settings" in statement:
            seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    return seen


def test_a_batch_of_decided_comments_reads_each_sites_settings_once(hook_app: Flask) -> None:
    client = hook_app.test_client()
    sites = [make_site(hook_app, name) for name in ("One", "Two")]
    for _, key in sites:
        register(client, key, "http://127.0.0.1:9/hook")
        changed = client.patch("/v1/site/settings", json={"appeal_url": APPEAL}, headers=auth(key))
        assert changed.status_code == 200, changed.json
    # Rejected: the statement of a rejection names where to appeal (the site's appeal_url).
    refs = [
        (site_id, held_comment(hook_app, site_id, action="reject"))
        for site_id, _ in sites
        for _ in range(50)
    ]
    engine = hook_app.extensions["db_engine"]
    reads = _settings_reads(engine)
    with hook_app.app_context(), engine.begin() as conn:  # the outbox writes in one transaction
        hook_app.extensions["events"].stage(conn, "comment.decided", refs)
    assert len(reads) == len(sites)  # not one per held comment (100)
    with engine.connect() as conn:
        query = sa.select(webhook_deliveries.c.comment_id, webhook_deliveries.c.payload)
        bodies = {row.comment_id: row.payload for row in conn.execute(query)}
        assert len(bodies) == len(refs)
        for _, comment_id in refs:
            data = json.loads(bodies[comment_id])["data"]
            assert data["decision"]["statement"]["appeal"]["url"] == APPEAL
            conn.rollback()  # a transaction of its own: its settings are read afresh
            assert data == store.comment_view(conn, store.get_comment(conn, comment_id))


def test_a_change_earlier_in_the_fan_outs_transaction_is_in_its_statements(
    hook_app: Flask,
) -> None:
    site_id, key = make_site(hook_app)
    register(hook_app.test_client(), key, "http://127.0.0.1:9/hook")
    comment_id = held_comment(hook_app, site_id, action="reject")
    engine = hook_app.extensions["db_engine"]
    with hook_app.app_context(), engine.begin() as conn:
        site_settings.update(conn, site_id, {"appeal_url": APPEAL})
        hook_app.extensions["events"].stage(conn, "comment.decided", [(site_id, comment_id)])
    with engine.connect() as conn:
        payload = conn.execute(
            sa.select(webhook_deliveries.c.payload).where(
                webhook_deliveries.c.comment_id == comment_id
            )
        ).scalar_one()
    assert json.loads(payload)["data"]["decision"]["statement"]["appeal"]["url"] == APPEAL


def test_a_batch_reads_its_sites_settings_once_and_names_the_appeal_url(hook_app: Flask) -> None:
    client = hook_app.test_client()
    site_id, key = make_site(hook_app)
    client.patch("/v1/site/settings", json={"appeal_url": APPEAL}, headers=auth(key))
    texts = [f"You are an idiot, number {i}" for i in range(20)]
    ids = [held_comment(hook_app, site_id, text, action="reject", external_id=f"x{i}")
           for i, text in enumerate(texts)]  # fmt: skip
    reads = _settings_reads(hook_app.extensions["db_engine"])
    batch = [{"id": f"x{i}", "text": text, "article": {"id": "a1"}, "author": {"id": "u1"}}
             for i, text in enumerate(texts)]  # fmt: skip
    answer = client.post("/v1/comments:batch", json={"comments": batch}, headers=auth(key))
    assert answer.status_code == 200, answer.json
    assert answer.json["counts"]["repeated"] == len(ids)
    assert len(reads) == 1  # not one per repeated rejection (20)
    for result in answer.json["results"]:
        assert result["comment"]["decision"]["statement"]["appeal"]["url"] == APPEAL

"""Texts kept from Perspective-compatible requests (comments:analyze without doNotStore, and
comments:suggestscore) go with the comment they are a copy of (deletion, author erasure) and
after the site's retention period, like comment texts."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from service.storage import db
from service.storage.integrations import analyzed_texts, suggested_scores
from service.transport import retention
from tests.helpers.apps import make_site, work_queue
from tests.helpers.comments import auth, comment_body, post
from tests.helpers.erasure import SECRET_TEXT, text_left

ANALYZE = "/v1alpha1/comments:analyze"
SUGGEST = "/v1alpha1/comments:suggestscore"
EDITED = "Zorblax edited: quibbleton was wrong about the budget"
UNRELATED = "The budget debate ran late into the night."


def _analyze(client, key: str, text: str) -> None:
    body = {"comment": {"text": text}, "requestedAttributes": {"TOXICITY": {}}}
    assert client.post(f"{ANALYZE}?key={key}", json=body).status_code == 200


def _suggest(client, key: str, text: str) -> None:
    scores = {"TOXICITY": {"summaryScore": {"value": 0.1}}}
    body = {"comment": {"text": text}, "attributeScores": scores}
    assert client.post(f"{SUGGEST}?key={key}", json=body).status_code == 200


def _kept(app: Flask) -> list[tuple[str, str, str]]:
    """(table, site, text) of every kept Perspective request."""
    with app.extensions["db_engine"].connect() as conn:
        return sorted(
            (table.name, row.site_id, row.text)
            for table in (analyzed_texts, suggested_scores)
            for row in conn.execute(sa.select(table.c.site_id, table.c.text))
        )


def test_author_erasure_deletes_the_sites_copies_of_their_texts(client, sync_worker) -> None:
    app = client.application
    site_id, key = make_site(app)
    other_id, other_key = make_site(app, "Other")
    for text in (SECRET_TEXT, EDITED, UNRELATED):
        _analyze(client, key, text)
    _suggest(client, key, SECRET_TEXT)
    _analyze(client, other_key, SECRET_TEXT)  # another site's request is its own record
    created = post(client, key, comment_body("c-1", SECRET_TEXT, author={"id": "u-gone"})).json
    edited = client.put(f"/v1/comments/{created['id']}", json={"text": EDITED}, headers=auth(key))
    assert edited.status_code == 202, edited.json
    erased = client.delete("/v1/authors/u-gone", headers=auth(key))
    assert erased.status_code == 202
    assert set(_kept(app)) == {
        ("analyzed_texts", other_id, SECRET_TEXT),
        ("analyzed_texts", site_id, UNRELATED),
    }
    assert {place for place, _ in text_left(app.extensions["db_engine"])} == {
        "analyzed_texts.text"  # only the other site's
    }


def test_deleting_a_comment_deletes_the_copies_of_its_text(client, sync_worker) -> None:
    app = client.application
    site_id, key = make_site(app)
    _analyze(client, key, SECRET_TEXT)
    _analyze(client, key, UNRELATED)
    created = post(client, key, comment_body("c-1", SECRET_TEXT)).json
    assert client.delete(f"/v1/comments/{created['id']}", headers=auth(key)).status_code == 204
    assert _kept(app) == [("analyzed_texts", site_id, UNRELATED)]


def test_retention_deletes_requests_past_the_sites_period(app: Flask, client) -> None:
    short_id, short_key = make_site(app, "Short")
    forever_id, forever_key = make_site(app, "Forever")
    client.patch("/v1/site/settings", json={"text_retention_days": 30}, headers=auth(short_key))
    client.patch("/v1/site/settings", json={"text_retention_days": None}, headers=auth(forever_key))
    now = db.utcnow()
    with app.extensions["db_engine"].begin() as conn:
        for site_id, text, days in [
            (short_id, "old", 40),
            (short_id, "recent", 10),
            (forever_id, "ancient", 5000),
        ]:
            at = now - timedelta(days=days)
            conn.execute(
                analyzed_texts.insert().values(
                    site_id=site_id, text=f"{text} analyzed", scores={}, created_at=at
                )
            )
            conn.execute(
                suggested_scores.insert().values(
                    site_id=site_id, text=f"{text} suggested", attribute_scores={}, created_at=at
                )
            )
    engine = app.extensions["db_engine"]
    assert retention.purge_scored_texts(engine, dry_run=True) == {short_id: 2}
    assert len(_kept(app)) == 6  # a dry run deletes nothing
    runner = app.test_cli_runner()
    printed = runner.invoke(args=["comments", "purge"]).output
    assert "deleted 2 texts sent to the Perspective-compatible API in 1 sites" in printed
    assert {text for _, _, text in _kept(app)} == {
        "recent analyzed",
        "recent suggested",
        "ancient analyzed",
        "ancient suggested",
    }
    assert retention.purge_scored_texts(engine) == {}


def test_an_expiring_comment_leaves_a_copy_to_its_own_period(client, sync_worker) -> None:
    """Retention deletes the copies of an expired text by their age, once (purge_all): a copy
    sent within the period stays, unlike on a deletion."""
    app = client.application
    site_id, key = make_site(app)
    client.patch("/v1/site/settings", json={"text_retention_days": 30}, headers=auth(key))
    _analyze(client, key, SECRET_TEXT)  # sent before the comment: past the period below
    created = post(client, key, comment_body("c-1", SECRET_TEXT)).json
    work_queue(app)
    engine = app.extensions["db_engine"]
    long_ago = db.utcnow() - timedelta(days=40)
    with engine.begin() as conn:
        conn.execute(analyzed_texts.update().values(created_at=long_ago))
        conn.execute(
            db.decisions.update()
            .where(db.decisions.c.comment_id == created["id"])
            .values(created_at=long_ago)
        )
    _analyze(client, key, SECRET_TEXT)  # sent again today: kept for its own 30 days
    purged = retention.purge_all(engine, app.extensions["redis"])
    assert purged == {"scored_texts": {site_id: 1}, "comments": {site_id: 1}}
    assert _kept(app) == [("analyzed_texts", site_id, SECRET_TEXT)]
    view = client.get(f"/v1/comments/{created['id']}", headers=auth(key)).json
    assert view["text_state"] == "expired"

"""The per-key rate limit counts comments: a batch of n weighs n, and one that does not fit is
refused whole (nothing stored), leaving the minute's count for the requests that still fit."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from service.storage import db
from tests.helpers.apps import build_app, make_site, teardown
from tests.helpers.comments import auth, comment_body, post


def _batch(client, key: str, ids: list[str]):
    comments = [comment_body(i) for i in ids]
    return client.post("/v1/comments:batch", json={"comments": comments}, headers=auth(key))


def _stored(app, site_id: str) -> set[str]:
    with app.app_context(), db.engine().connect() as conn:
        c = db.comments.c
        return set(conn.scalars(sa.select(c.external_id).where(c.site_id == site_id)))


def test_a_batch_counts_once_per_comment(tmp_path: Path, model_dir) -> None:
    app = build_app(tmp_path, model_dir, RATE_LIMIT_PER_MINUTE=10)
    try:
        client = app.test_client()
        site_id, key = make_site(app)
        _, other_key = make_site(app, "Other")
        assert _batch(client, key, [f"a{i}" for i in range(6)]).status_code == 200  # 6 of 10
        refused = _batch(client, key, [f"b{i}" for i in range(5)])  # 11 would pass the limit
        assert refused.status_code == 429
        assert refused.mimetype == "application/problem+json"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert "counts as 5" in refused.json["detail"] and "4 fit now" in refused.json["detail"]
        assert not {f"b{i}" for i in range(5)} & _stored(app, site_id)  # refused whole
        # The refused batch took only its own arrival: 7 of 10 so far.
        assert post(client, key, comment_body("c1")).status_code == 202  # 8
        assert _batch(client, key, ["d1", "d2"]).status_code == 200  # 10
        assert post(client, key, comment_body("c2")).status_code == 429  # 11
        assert client.get("/v1/site", headers=auth(key)).status_code == 429
        # Another key has its own count.
        assert _batch(client, other_key, [f"e{i}" for i in range(9)]).status_code == 200
    finally:
        teardown(app)


def test_a_batch_larger_than_the_limit_is_told_to_split(tmp_path: Path, model_dir) -> None:
    app = build_app(tmp_path, model_dir, RATE_LIMIT_PER_MINUTE=3)
    try:
        client = app.test_client()
        _, key = make_site(app)
        refused = _batch(client, key, [f"a{i}" for i in range(4)])
        assert refused.status_code == 429
        assert "split it into requests of at most 3" in refused.json["detail"]
        assert _batch(client, key, ["b1", "b2"]).status_code == 200  # 1 + 2 of 3
    finally:
        teardown(app)

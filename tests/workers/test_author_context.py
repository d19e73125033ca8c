"""Counting copies of a text for the repeat rules, on both Redis servers (one script a batch)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask

from workers import author_context

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
WINDOW = 3600


def _comment(cid: str, author: str, at: datetime, text: str = "Buy cheap pills now") -> dict:
    return {"id": cid, "author_id": author, "site_id": "site_t", "text": text, "created_at": at}


def test_copies_are_counted_in_order_by_author_and_once_each(server_app: Flask) -> None:
    conn = server_app.extensions["redis"]
    old = _comment("cmt_old", "c", NOW - timedelta(seconds=2 * WINDOW))
    batch = [
        _comment("cmt_1", "a", NOW),
        _comment("cmt_2", "a", NOW + timedelta(seconds=1)),
        _comment("cmt_3", "b", NOW + timedelta(seconds=2)),
        _comment("cmt_4", "b:x", NOW + timedelta(seconds=3)),  # a colon in an author id
        _comment("cmt_5", "a", NOW, text="!!!"),  # no words: never a repeat
    ]
    assert author_context.count_repeats_many(conn, [(old, WINDOW)]) == [(0, 0)]
    counts = author_context.count_repeats_many(conn, [(c, WINDOW) for c in batch])
    # (other copies by the same author, other authors); the old copy is out of the window.
    assert counts == [(0, 0), (1, 0), (0, 1), (0, 2), (0, 0)]
    # A job that runs twice does not count its own comment; later copies count too.
    assert author_context.count_repeats_many(conn, [(batch[0], WINDOW)]) == [(1, 2)]
    key = author_context.repeats_key("site_t", author_context.fingerprint(batch[0]["text"]))
    members = {m.decode() for m in conn.zrange(key, 0, -1)}
    assert "cmt_old:c" not in members  # forgotten once older than the window
    assert 0 < conn.ttl(key) <= WINDOW + 60


def test_only_the_latest_copies_are_remembered(server_app: Flask, monkeypatch) -> None:
    conn = server_app.extensions["redis"]
    monkeypatch.setattr(author_context, "MAX_REMEMBERED", 3)
    batch = [_comment(f"cmt_{i}", f"u{i}", NOW + timedelta(seconds=i)) for i in range(6)]
    counts = author_context.count_repeats_many(conn, [(c, WINDOW) for c in batch])
    assert counts[-1] == (0, 2)  # only the 3 latest copies are kept: its own and two others
    key = author_context.repeats_key("site_t", author_context.fingerprint(batch[0]["text"]))
    assert conn.zcard(key) == 3

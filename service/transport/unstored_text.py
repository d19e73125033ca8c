"""Texts posted with "store_text": false: kept in Redis only, until a worker has scored them.

The database never sees them (its row has an empty text and text_state "not_stored"). The key
expires after UNSTORED_TEXT_TTL_SECONDS even if no worker ever comes; such a comment is then
held for a moderator as one that could not be scored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import redis

from service.transport.broker import unstored_text_key


def put(conn: redis.Redis, comment_id: str, text: str, config: Mapping[str, Any]) -> None:
    conn.set(unstored_text_key(comment_id), text, ex=int(config["UNSTORED_TEXT_TTL_SECONDS"]))


def take_many(conn: redis.Redis, comment_ids: Sequence[str]) -> dict[str, str]:
    """The texts still waiting for these comments (read only: `forget` once decided)."""
    if not comment_ids:
        return {}
    values = conn.mget([unstored_text_key(i) for i in comment_ids])
    return {
        comment_id: value.decode() if isinstance(value, bytes) else value
        for comment_id, value in zip(comment_ids, values, strict=True)
        if value is not None
    }


def forget(conn: redis.Redis, comment_ids: Sequence[str]) -> None:
    if comment_ids:
        conn.delete(*[unstored_text_key(i) for i in comment_ids])

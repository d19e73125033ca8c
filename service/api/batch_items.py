"""Many new comments of one site at once: validated one by one, stored and queued together.

Shared by `POST /v1/comments:batch` (service.api.comments_batch) and `flask comments import`
(service.cli.comment_import). Each item is validated by the single POST's own code
(comments.comment_fields, comments.store_text_arg), so an item is accepted or refused exactly
as the same body would be alone; then the good ones are one multi-row INSERT in one transaction
and one push onto the scoring queue (queueing.push_for_drain, the single POST's path).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from redis.exceptions import RedisError

from service.api.comments import comment_fields, store_text_arg
from service.http.parsing import MAX_FIELDS, check_members
from service.http.problems import Problem
from service.storage import bulk, db, lifecycle
from service.transport import broker, queueing, unstored_text

log = logging.getLogger(__name__)

# Comments a request (and an import chunk) may hold: a transaction and a queue push each.
MAX_BATCH = 500

CREATED = "created"  # stored now, pending, queued
REPEAT = "repeat"  # the site's id was stored before (or earlier in this batch): see `row`
INVALID = "invalid"  # refused: see `problem`


@dataclass
class Item:
    """What became of one comment of the batch, at its index in the request."""

    index: int
    outcome: str
    text: str = ""  # as sent (the stored text may be empty: store_text false)
    row: dict[str, Any] | None = None
    problem: Problem | None = None
    fields: dict[str, Any] = field(default_factory=dict)


def store_batch(site_id: str, bodies: Sequence[Any]) -> list[Item]:
    """Validate, store and queue these comment bodies; one Item per body, in order."""
    items = [_validated(index, body) for index, body in enumerate(bodies)]
    # The first valid occurrence of an id is the one stored; later ones repeat it.
    firsts: dict[str, Item] = {}
    for item in items:
        if item.outcome != INVALID:
            firsts.setdefault(item.fields["external_id"], item)
    with db.engine().begin() as conn:
        created = bulk.insert_new(conn, site_id, [item.fields for item in firsts.values()])
        earlier = [external_id for external_id in firsts if external_id not in created]
        stored = {**bulk.stored_by_external_id(conn, site_id, earlier), **created}
    for item in items:
        if item.outcome == INVALID:
            continue
        external_id = item.fields["external_id"]
        item.row = stored[external_id]
        is_new = external_id in created and firsts[external_id] is item
        item.outcome = CREATED if is_new else REPEAT
    _hand_texts_to_worker(items)
    queue_comments([i.row["id"] for i in items if i.outcome == CREATED and i.row])
    return items


def _validated(index: int, body: Any) -> Item:
    try:
        if not isinstance(body, dict):
            raise Problem(422, "Unprocessable Content", "Each comment must be a JSON object.")
        check_members(body, MAX_FIELDS, "The comment")
        fields = comment_fields(body)
        keep_text = store_text_arg(body)
    except Problem as exc:
        return Item(index, INVALID, problem=exc)
    text = fields["text"]
    if not keep_text:
        fields.update(text="", text_state=lifecycle.NOT_STORED)
    return Item(index, CREATED, text=text, fields=fields)


def _hand_texts_to_worker(items: list[Item]) -> None:
    """Texts that must not be stored wait in Redis alone (as for one POST). Without Redis they
    would be nowhere: those comments are removed again and answered 503 (and so are their
    repeats in the batch), the others stand."""
    unstored = [
        i
        for i in items
        if i.outcome == CREATED and i.fields.get("text_state") == lifecycle.NOT_STORED
    ]
    if not unstored:
        return
    try:
        pipe = broker.connection().pipeline(transaction=False)
        for item in unstored:
            unstored_text.put(pipe, item.row["id"], item.text, current_app.config)
        pipe.execute()
    except RedisError:
        ids = {item.row["id"] for item in unstored}
        with db.engine().begin() as conn:
            conn.execute(db.comments.delete().where(db.comments.c.id.in_(ids)))
        for item in [i for i in items if i.row is not None and i.row["id"] in ids]:
            item.outcome, item.row = INVALID, None
            item.problem = Problem(
                503,
                "Service Unavailable",
                "The queue is unavailable, and a text that must not be stored has nowhere to "
                "wait; send this comment again.",
            )


def queue_comments(comment_ids: list[str]) -> bool:
    """One push of all these stored ids onto the scoring queue; False when Redis is unreachable
    (they stay pending in the database, and the sweeper queues them once it answers)."""
    if not comment_ids:
        return True
    try:
        queueing.push_for_drain(broker.connection(), broker.queue(), comment_ids)
    except RedisError:
        log.warning(
            "could not queue %d comments; they stay pending for the sweeper", len(comment_ids)
        )
        return False
    return True

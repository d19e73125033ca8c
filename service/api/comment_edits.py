"""`PUT /v1/comments/<id>`: a reader edited their comment; the new text is moderated afresh.

An edit is a new revision (service.storage.lifecycle): the comment goes back to `pending`, loses
the decision its old text had (a moderator's included) and goes through the same queue as a new
comment, so the worker, the webhooks and the moderator queue treat it like any other.
"""

from __future__ import annotations

import contextlib
from typing import Any

from flask import current_app, jsonify
from redis.exceptions import RedisError

from service.api import bp
from service.api.comments import (
    check_storable,
    comment_text,
    external_id_arg,
    object_field,
    queue_and_answer,
    refuse_if_deleted,
    store_text_arg,
    wait_ms_arg,
)
from service.http.auth import require_site
from service.http.parsing import FieldErrors, json_body, optional_str
from service.http.problems import Problem
from service.storage import db, lifecycle, store
from service.transport import broker, unstored_text


@bp.put("/comments/<comment_id>")
def put_comment(comment_id: str):
    site = require_site()
    return _edit(site, lambda conn: store.get_comment(conn, comment_id, site_id=site["id"]))


@bp.put("/comments")
def put_comment_by_external_id():
    site = require_site()
    external_id = external_id_arg()
    return _edit(site, lambda conn: store.find_by_external_id(conn, site["id"], external_id))


def _edit(site: dict[str, Any], find):
    with db.engine().connect() as conn:
        _existing(find(conn))  # an unknown or deleted comment is 404 or 410 whatever was sent
    wait_ms = wait_ms_arg()
    body = json_body()
    text, changes = _edit_fields(body)
    with db.engine().begin() as conn:
        comment = _existing(find(conn))  # read again in the transaction that writes it
        _check_same_comment(body, comment)
        if comment["text"] == text and comment.get("text_state") is None:
            # The text it already has: a retry of this edit, or no edit at all.
            return jsonify(store.comment_view(conn, comment)), 200
        stored_text = text
        # An edit keeps the comment's choice unless it makes its own.
        if not (store_text_arg(body) if "store_text" in body else _was_stored(comment)):
            stored_text, changes["text_state"] = "", lifecycle.NOT_STORED
            # Before the commit: without Redis the edit is refused (503) and nothing changes.
            unstored_text.put(broker.connection(), comment["id"], text, current_app.config)
        elif comment.get("text_state") == lifecycle.NOT_STORED:
            changes["text_state"] = None
        try:
            comment = lifecycle.store_revision(conn, comment, stored_text, changes)
        except lifecycle.EditConflict:
            raise Problem(
                409, "Conflict", "The comment changed while this edit was stored; send it again."
            ) from None
        view = store.comment_view(conn, comment)
    _forget_old_signal(comment["id"])
    return queue_and_answer(comment, view, wait_ms)


def _existing(comment: dict[str, Any] | None) -> dict[str, Any]:
    if comment is None:
        raise Problem(404, "Not Found", "No such comment for this site.")
    refuse_if_deleted(comment)
    return comment


def _was_stored(comment: dict[str, Any]) -> bool:
    return comment.get("text_state") != lifecycle.NOT_STORED


def _edit_fields(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The new text, and the other columns the edit changes (only those sent)."""
    errors = FieldErrors()
    text = comment_text(body, errors)
    article = object_field(body, "article", errors, required=False)
    author = object_field(body, "author", errors, required=False)
    changes: dict[str, Any] = {}
    for source, key, column, path, limit in (
        (article, "title", "article_title", "article.title", None),
        (article, "url", "article_url", "article.url", None),
        (author, "name", "author_name", "author.name", 200),
    ):
        if key in source:
            kwargs = {"max_len": limit} if limit else {}
            changes[column] = optional_str(source, key, errors, path=path, **kwargs)
    check_storable({"text": text, **changes}, errors)
    errors.raise_if_any()
    return text, changes


def _check_same_comment(body: dict[str, Any], comment: dict[str, Any]) -> None:
    """Ids in the body, when sent, must be the stored ones: a PUT moves no comment."""
    checks = (
        ("id", body.get("id"), comment["external_id"]),
        ("article.id", (body.get("article") or {}).get("id"), comment["article_id"]),
        ("author.id", (body.get("author") or {}).get("id"), comment["author_id"]),
    )
    errors = [
        {"field": field, "message": f"is {stored!r} for this comment and cannot change"}
        for field, sent, stored in checks
        if sent is not None and str(sent) != stored
    ]
    if errors:
        raise Problem(
            422, "Unprocessable Content", "An edit changes the text, not the ids.", errors=errors
        )


def _forget_old_signal(comment_id: str) -> None:
    """A waiter on the edit must not be woken by the signal of the previous revision's decision."""
    # At worst a ?wait= request answers 202 pending early.
    with contextlib.suppress(RedisError):
        broker.connection().delete(broker.decision_signal_key(comment_id))

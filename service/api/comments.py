"""`/v1/comments`: site backends post comments and read their decisions."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, jsonify, request, url_for
from redis.exceptions import RedisError

from service.api import bp
from service.http.auth import require_site
from service.http.parsing import (
    FieldErrors,
    ascii_int,
    json_body,
    optional_str,
    required_id,
    storable_text,
)
from service.http.problems import Problem
from service.storage import db, lifecycle, store
from service.transport import broker, queueing, unstored_text


@bp.post("/comments")
def post_comment():
    # The hot path of the service, where each round trip to the database shows in throughput:
    # one connection for the key lookup and the insert, and no transaction around them (the
    # insert is one statement, atomic on its own), which spares BEGIN and COMMIT.
    with db.autocommit_engine().connect() as conn:
        site = require_site(conn=conn)
        wait_ms = wait_ms_arg()
        body = json_body()
        fields = comment_fields(body)
        text = fields["text"]
        keep_text = store_text_arg(body)
        if not keep_text:
            fields.update(text="", text_state=lifecycle.NOT_STORED)
        comment, created = store.insert_comment(conn, site["id"], fields)
        if not created:
            # The same id again: the same text is a retry (200); new text is an edit, which is
            # PUT's. (A text that was not stored cannot be compared: its repeat is a retry.)
            check_repeat(comment, text)
            return jsonify(store.comment_view(conn, comment)), 200
        # A new comment has no decision yet, so its view needs no further query.
        view = store.comment_view(conn, comment)
        if not keep_text:
            _hand_text_to_worker(conn, comment["id"], text)
    return queue_and_answer(comment, view, wait_ms)


def store_text_arg(body: dict[str, Any]) -> bool:
    """`store_text` (default true): false keeps the text out of the database altogether."""
    value = body.get("store_text", True)
    if not isinstance(value, bool):
        raise Problem(
            422,
            "Unprocessable Content",
            "store_text is optional, and when given must be true or false.",
            errors=[{"field": "store_text", "message": "must be a boolean"}],
        )
    return value


def _hand_text_to_worker(conn: sa.Connection, comment_id: str, text: str) -> None:
    """A text that must not be stored waits in Redis alone, until the worker takes it.

    Without Redis it would be nowhere: the comment is removed again (it has no decision yet)
    and the request fails as any other outage does (503).
    """
    try:
        unstored_text.put(broker.connection(), comment_id, text, current_app.config)
    except RedisError:
        conn.execute(db.comments.delete().where(db.comments.c.id == comment_id))
        raise


def queue_and_answer(comment: dict[str, Any], view: dict[str, Any], wait_ms: int):
    """Queue a stored pending comment (new or edited) and answer with it: 202, or 200 with the
    decision when it comes within wait_ms."""
    # Stored before queued: if Redis loses the job, the comment is still pending in the database.
    decided = queueing.enqueue_scoring(comment["id"]) and queueing.wait_for_decision(
        comment["id"], wait_ms, site_id=comment["site_id"]
    )
    if decided:
        with db.engine().connect() as conn:
            comment = store.get_comment(conn, comment["id"]) or comment
            view = store.comment_view(conn, comment)
    status = 200 if decided and view["decision"] else 202
    response = jsonify(view)
    response.status_code = status
    response.headers["Location"] = url_for("api.get_comment", comment_id=comment["id"])
    return response


@bp.get("/comments/<comment_id>")
def get_comment(comment_id: str):
    site = require_site()
    with db.engine().connect() as conn:
        comment = store.get_comment(conn, comment_id, site_id=site["id"])
        if comment is None:
            raise Problem(404, "Not Found", "No such comment for this site.")
        refuse_if_deleted(comment)
        return jsonify(store.comment_view(conn, comment))


@bp.get("/comments")
def find_comment():
    site = require_site()
    external_id = external_id_arg()
    with db.engine().connect() as conn:
        comment = store.find_by_external_id(conn, site["id"], external_id)
        if comment is None:
            raise Problem(404, "Not Found", "No comment with that external_id for this site.")
        refuse_if_deleted(comment)
        return jsonify(store.comment_view(conn, comment))


def external_id_arg() -> str:
    """The site's own comment id from ?external_id= (GET, PUT and DELETE /v1/comments)."""
    external_id = request.args.get("external_id")
    if not external_id:
        raise Problem(
            422,
            "Unprocessable Content",
            "Give the site's comment id as ?external_id=..., or use /v1/comments/<id>.",
            errors=[{"field": "external_id", "message": "is required"}],
        )
    return external_id


def refuse_if_deleted(comment: dict[str, Any]) -> None:
    """A deleted comment's id stays taken (its decisions are the audit trail), but its content
    is gone for good: 410, not 404, so the site knows the erasure happened."""
    if comment.get("text_state") == lifecycle.DELETED:
        raise Problem(
            410, "Gone", f"Comment {comment['external_id']!r} was deleted and its text erased."
        )


def check_repeat(comment: dict[str, Any], text: str) -> None:
    """A repeated id is a retry unless the comment was deleted (410) or has other text (409)."""
    refuse_if_deleted(comment)
    if comment.get("text_state") is None and comment["text"] != text:
        raise Problem(
            409,
            "Conflict",
            f"Comment {comment['external_id']!r} is stored with different text. To edit it, "
            f"PUT the new text to {url_for('api.put_comment', comment_id=comment['id'])} "
            "(it is then moderated again).",
            headers={"Location": url_for("api.get_comment", comment_id=comment["id"])},
        )


def wait_ms_arg() -> int:
    raw = request.args.get("wait")
    if raw is None:
        return 0
    limit = int(current_app.config["MAX_WAIT_MS"])
    value = ascii_int(raw, 12)
    if value is None or value > limit:
        raise Problem(
            422,
            "Unprocessable Content",
            f"wait must be a whole number of milliseconds from 0 to {limit}.",
            errors=[{"field": "wait", "message": f"must be an integer from 0 to {limit}"}],
        )
    return value


def comment_text(body: dict[str, Any], errors: FieldErrors) -> Any:
    """The `text` field (as sent: the caller checks it is storable); 413 when too long."""
    text = body.get("text")
    limit = int(current_app.config["MAX_TEXT_CHARS"])
    if not isinstance(text, str) or not text.strip():
        errors.add("text", "is required and must be a non-empty string")
    elif len(text) > limit:
        raise Problem(
            413, "Content Too Large", f"text is {len(text)} characters; the limit is {limit}."
        )
    return text


def comment_fields(body: dict[str, Any]) -> dict[str, Any]:
    """The stored columns of one new comment (POST /v1/comments, one item of a batch, or one
    line of a file being imported), or the problem with it (422, 413 for a text too long)."""
    errors = FieldErrors()
    external_id = required_id(body, "id", errors, path="id")
    text = comment_text(body, errors)
    article = object_field(body, "article", errors, required=True)
    author = object_field(body, "author", errors, required=True)
    fields = {
        "external_id": external_id,
        "text": text,
        "article_id": required_id(article, "id", errors, path="article.id"),
        "article_title": optional_str(article, "title", errors, path="article.title"),
        "article_url": optional_str(article, "url", errors, path="article.url"),
        "author_id": required_id(author, "id", errors, path="author.id"),
        "author_name": optional_str(author, "name", errors, path="author.name", max_len=200),
        "parent_id": None,
    }
    if body.get("parent_id") is not None:
        parent = body["parent_id"]
        if isinstance(parent, str | int) and not isinstance(parent, bool):
            fields["parent_id"] = required_id(body, "parent_id", errors, path="parent_id")
        else:
            errors.add("parent_id", "is optional, and when given must be a non-empty string")
    check_storable(fields, errors)
    errors.raise_if_any()
    return fields


def check_storable(fields: dict[str, Any], errors: FieldErrors) -> None:
    for name, value in fields.items():
        if isinstance(value, str) and not storable_text(value):
            errors.add(_REQUEST_FIELD.get(name, name), _CONTROL_CHARACTERS)


# Stored column -> the request field it came from, so errors name what the client sent.
_REQUEST_FIELD = {
    "external_id": "id",
    "article_id": "article.id",
    "article_title": "article.title",
    "article_url": "article.url",
    "author_id": "author.id",
    "author_name": "author.name",
}
_CONTROL_CHARACTERS = "contains control characters or unpaired surrogates"


def object_field(body: dict[str, Any], key: str, errors: FieldErrors, *, required: bool) -> dict:
    value = body.get(key)
    if isinstance(value, dict):
        return value
    if value is not None or required:
        errors.add(key, "is required and must be an object" if required else "must be an object")
    return {}

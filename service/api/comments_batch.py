"""`POST /v1/comments:batch`: up to 500 comments in one request (onboarding, backfill).

Each comment is answered in order with the status and body one POST of it would get (202 and
the comment; 200 for an id already stored with the same text; a problem for a bad one), so one
bad comment never fails the others. Only the envelope itself can fail the request as a whole.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request

from service.api import batch_items, bp
from service.api.batch_items import MAX_BATCH
from service.api.comments import check_repeat
from service.http import conventions
from service.http.auth import require_site
from service.http.parsing import MAX_FIELDS, json_body
from service.http.problems import Problem, problem_body
from service.storage import db, site_settings, store


@bp.url_value_preprocessor
def _batch_body_limit(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    # Before any before_request hook reads the body (Idempotency-Key fingerprints it): the
    # app-wide limit is sized for one comment.
    if endpoint == "api.post_comments_batch":
        request.max_content_length = int(current_app.config["MAX_BATCH_BODY_BYTES"])


@bp.post("/comments:batch")
def post_comments_batch():
    site = require_site()
    # Every item is held to one POST's member limit on its own (batch_items).
    body = json_body(max_fields=MAX_BATCH * (MAX_FIELDS + 1) + 10)
    bodies = _comments_list(body)
    # The per-key rate limit counts comments, not requests: a batch weighs its length.
    conventions.charge_more(len(bodies))
    items = batch_items.store_batch(site["id"], bodies)
    with db.engine().connect() as conn:
        # Once per batch: a repeated held or rejected comment's statement names it.
        appeal_url = site_settings.get(conn, site["id"])["appeal_url"]
        results = [_answer(conn, item, appeal_url) for item in items]
    counts = {"created": 0, "repeated": 0, "failed": 0}
    for result in results:
        kind = {202: "created", 200: "repeated"}.get(result["status"], "failed")
        counts[kind] += 1
    return jsonify({"results": results, "counts": counts}), 200


def _comments_list(body: dict[str, Any]) -> list[Any]:
    comments = body.get("comments")
    if not isinstance(comments, list) or not comments:
        raise Problem(
            422,
            "Unprocessable Content",
            'Send {"comments": [...]}: a list of 1 to 500 comments, each as for POST /v1/comments.',
            errors=[{"field": "comments", "message": "is required and must be a non-empty list"}],
        )
    if len(comments) > MAX_BATCH:
        raise Problem(
            422,
            "Unprocessable Content",
            f"{len(comments)} comments; a batch holds at most {MAX_BATCH}. Split it.",
            errors=[{"field": "comments", "message": f"must hold at most {MAX_BATCH} items"}],
        )
    return comments


def _answer(conn, item: batch_items.Item, appeal_url: str | None) -> dict[str, Any]:
    """One item's answer: what POST /v1/comments would have answered for it alone (no wait)."""
    status = 202
    if item.outcome == batch_items.REPEAT:
        try:
            check_repeat(item.row, item.text)
        except Problem as exc:
            item.problem = exc
        status = 200
    if item.problem is not None:
        problem = item.problem
        return {
            "index": item.index,
            "status": problem.status,
            "problem": problem_body(problem.status, problem.title, problem.detail, problem.errors),
        }
    # A new comment's view needs no query; a repeated one reads its decision.
    view = store.comment_view(conn, item.row, appeal_url)
    return {"index": item.index, "status": status, "comment": view}

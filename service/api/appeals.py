"""`/v1/comments/<id>/appeals`: a reader contests a rejection; a different moderator decides."""

from __future__ import annotations

from flask import jsonify, url_for

from service.api import bp
from service.api.comments import refuse_if_deleted
from service.api.reports import reader_reason
from service.http.auth import require_site
from service.http.parsing import json_body
from service.http.problems import Problem
from service.storage import appeals, db, store


@bp.post("/comments/<comment_id>/appeals")
def file_appeal(comment_id: str):
    """The site files the reader's appeal; the comment goes to the moderators' Appeals queue."""
    site = require_site()
    with db.engine().connect() as conn:
        _comment(conn, comment_id, site["id"])  # 404 and 410 before the body is read
    reason = reader_reason(json_body(), appeals.MAX_REASON_CHARS)
    with db.engine().begin() as conn:
        comment = _comment(conn, comment_id, site["id"])
        try:
            appeal = appeals.file(conn, comment, reason.strip())
        except appeals.AppealRefused as refused:
            raise Problem(refused.status, "Conflict", refused.message) from None
    response = jsonify(appeals.view(appeal))
    response.status_code = 201
    response.headers["Location"] = url_for("api.list_appeals", comment_id=comment_id)
    return response


@bp.get("/comments/<comment_id>/appeals")
def list_appeals(comment_id: str):
    site = require_site()
    with db.engine().connect() as conn:
        _comment(conn, comment_id, site["id"])
        return jsonify(
            {"appeals": [appeals.view(a) for a in appeals.for_comment(conn, comment_id)]}
        )


def _comment(conn, comment_id: str, site_id: str) -> dict:
    comment = store.get_comment(conn, comment_id, site_id=site_id)
    if comment is None:
        raise Problem(404, "Not Found", "No such comment for this site.")
    refuse_if_deleted(comment)
    return comment

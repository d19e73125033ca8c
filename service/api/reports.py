"""`POST /v1/comments/<id>/reports`: a reader reported a comment; it goes back to people."""

from __future__ import annotations

from flask import jsonify

from service.api import bp
from service.api.comments import refuse_if_deleted
from service.http.auth import require_site
from service.http.parsing import json_body, storable_text
from service.http.problems import Problem
from service.storage import db, store
from service.storage.moderation import reports
from service.transport import events

MAX_REASON_CHARS = 1000


def reader_reason(body: dict, limit: int) -> str:
    """A reader's `reason` (a report, an appeal): non-empty, storable, at most limit characters."""
    reason = body.get("reason")
    if not isinstance(reason, str) or not reason.strip() or not storable_text(reason):
        raise Problem(
            422,
            "Unprocessable Content",
            "Give the reader's reason as a non-empty string without control characters.",
            errors=[
                {
                    "field": "reason",
                    "message": "is required and must be a non-empty string without control "
                    "characters",
                }
            ],
        )
    if len(reason) > limit:
        raise Problem(413, "Content Too Large", f"reason is limited to {limit} characters.")
    return reason


@bp.post("/comments/<comment_id>/reports")
def report_comment(comment_id: str):
    site = require_site()
    reason = reader_reason(json_body(), MAX_REASON_CHARS)
    with db.engine().begin() as conn:
        comment = store.get_comment(conn, comment_id, site_id=site["id"])
        if comment is None:
            raise Problem(404, "Not Found", "No such comment for this site.")
        refuse_if_deleted(comment)
        if comment["status"] not in ("approved", "held"):
            raise Problem(
                409,
                "Conflict",
                f"The comment is {comment['status']}; only published ones are reported.",
            )
        report_id = conn.execute(
            reports.insert()
            .values(
                comment_id=comment_id,
                site_id=site["id"],
                reason=reason.strip(),
                created_at=db.utcnow(),
            )
            .returning(reports.c.id)
        ).scalar_one()
        staged = events.publisher().stage(conn, "comment.reported", [(site["id"], comment_id)])
    events.publisher().announce(staged)
    response = jsonify({"id": report_id, "comment_id": comment_id, "status": comment["status"]})
    response.status_code = 202
    return response

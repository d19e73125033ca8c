"""Deleting comments and erasing authors: `DELETE /v1/comments/<id>`, `DELETE /v1/authors/<id>`.

A deleted comment keeps its row (ids, timestamps, statuses, decisions without quotes) so counts
and the audit trail stay true; everything its author wrote is erased (service.storage.erasure)
and the API answers 410 for it from then on.
"""

from __future__ import annotations

from flask import current_app, jsonify, url_for

from service.api import bp
from service.api.authors import usable_author_id
from service.api.comments import external_id_arg
from service.http.auth import require_site
from service.http.problems import Problem
from service.http.url_ids import OPAQUE
from service.storage import db, lifecycle, store
from service.transport import broker, erasure_jobs


@bp.delete("/comments/<comment_id>")
def delete_comment(comment_id: str):
    site = require_site()
    with db.engine().connect() as conn:
        comment = store.get_comment(conn, comment_id, site_id=site["id"])
    return _delete(comment)


@bp.delete("/comments")
def delete_comment_by_external_id():
    site = require_site()
    external_id = external_id_arg()
    with db.engine().connect() as conn:
        comment = store.find_by_external_id(conn, site["id"], external_id)
    return _delete(comment)


def _delete(comment: dict | None):
    if comment is None:
        raise Problem(404, "Not Found", "No such comment for this site.")
    # Deleting twice is not an error: the second finds nothing left to erase.
    erasure_jobs.erase_ids(db.engine(), broker.connection(), [comment["id"]], lifecycle.DELETED)
    return "", 204


@bp.delete("/authors/<opaque:author_id>", **OPAQUE)
def erase_author(author_id: str):
    """Erase every comment of this author on the key's site (a reader's right to erasure)."""
    site = require_site()
    job = None
    if usable_author_id(author_id):  # else no stored comment has it
        job = erasure_jobs.erase_author(
            current_app.extensions["db_engine"], broker.connection(), site["id"], author_id
        )
    if job is None:
        raise Problem(404, "Not Found", "This author has no comments on this site.")
    response = jsonify(job)
    response.status_code = 202
    response.headers["Location"] = url_for("api.get_erasure", job_id=job["id"])
    return response


@bp.get("/erasures/<job_id>")
def get_erasure(job_id: str):
    site = require_site()
    with db.engine().connect() as conn:
        job = erasure_jobs.get_job(conn, job_id, site["id"])
    if job is None:
        raise Problem(404, "Not Found", "No such erasure for this site.")
    return jsonify(job)

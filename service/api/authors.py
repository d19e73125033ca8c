"""`GET/PUT /v1/authors/<id>`: the site reads and sets what its moderators decided about an author.

The same standings as the author panel (trusted / always hold / banned, optional expiry and
reason), so a site can ban at its end and have the service reject that author's comments too.
Each change is logged (author_log) and announced with the `author.updated` webhook.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import jsonify

from service.api import bp
from service.http.auth import require_site
from service.http.parsing import FieldErrors, json_body, storable_text
from service.http.problems import Problem
from service.http.url_ids import OPAQUE
from service.storage import authors, db
from service.storage.authors import author_view
from service.transport import events

MAX_AUTHOR_ID_CHARS = 200


@bp.get("/authors/<opaque:author_id>", **OPAQUE)
def get_author(author_id: str):
    site = require_site()
    _check_id(author_id)
    with db.engine().connect() as conn:
        view = author_view(conn, site["id"], author_id)
        if not any(view["comments"].values()) and not authors.standing_log(
            conn, site["id"], author_id, limit=1
        ):
            # Nothing posted and nothing ever decided about them: this site has no such author.
            # (PUT still works for them: a site may ban an account before it posts.)
            raise Problem(404, "Not Found", "No comments by this author and no standing here.")
        return jsonify(view)


@bp.put("/authors/<opaque:author_id>", **OPAQUE)
def put_author(author_id: str):
    site = require_site()
    _check_id(author_id)
    standing, reason, expires_at = parse_standing(json_body())
    with db.engine().begin() as conn:
        authors.set_standing(
            conn,
            site["id"],
            author_id,
            standing,
            by="site API",
            reason=reason,
            expires_at=expires_at,
        )
        view = author_view(conn, site["id"], author_id)
        staged = events.publisher().stage(conn, "author.updated", [(site["id"], author_id)])
    events.publisher().announce(staged)
    return jsonify(view)


def usable_author_id(author_id: object) -> bool:
    """Whether a stored comment can have this author id: a non-empty string of at most
    MAX_AUTHOR_ID_CHARS that the database can store (PostgreSQL refuses a NUL in a query
    parameter). Anything else names no author, and is looked up nowhere."""
    return (
        isinstance(author_id, str)
        and 0 < len(author_id) <= MAX_AUTHOR_ID_CHARS
        and storable_text(author_id)
    )


def _check_id(author_id: str) -> None:
    if not usable_author_id(author_id):
        raise Problem(404, "Not Found", "No author can have this id.")


def parse_standing(body: dict[str, Any]) -> tuple[str | None, str | None, datetime | None]:
    """(standing or None to clear, reason, expiry) from {"standing", "reason"?, "expires_at"?}."""
    errors = FieldErrors()
    for key in body:
        if key not in ("standing", "reason", "expires_at"):
            errors.add(key, "unknown field")
    if "standing" not in body:
        errors.add("standing", f"is required: one of {list(authors.STANDINGS)}, or null to clear")
    standing = body.get("standing")
    if standing is not None and standing not in authors.STANDINGS:
        errors.add("standing", f"must be one of {list(authors.STANDINGS)}, or null to clear")
    reason = body.get("reason")
    if reason is not None and (
        not isinstance(reason, str)
        or len(reason) > authors.MAX_REASON_CHARS
        or not storable_text(reason)
    ):
        errors.add(
            "reason",
            f"must be a string of at most {authors.MAX_REASON_CHARS} characters "
            "without control characters",
        )
    expires_at = parse_expiry(body.get("expires_at"), errors)
    errors.raise_if_any()
    return standing, (reason.strip() or None) if reason else None, expires_at


def parse_expiry(value: Any, errors: FieldErrors) -> datetime | None:
    """An ISO 8601 time with its offset, in the future; None for "until changed"."""
    if value is None or value == "":
        return None
    message = "must be an ISO 8601 time with a time zone (e.g. 2026-12-31T12:00:00Z) in the future"
    if not isinstance(value, str) or len(value) > 40:
        errors.add("expires_at", message)
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        errors.add("expires_at", message)
        return None
    if parsed.tzinfo is None or parsed <= db.utcnow():
        errors.add("expires_at", message)
        return None
    return parsed

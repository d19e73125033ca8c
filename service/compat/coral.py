"""Coral Talk's External Moderation Phase: Coral POSTs each new or edited comment here, signed
with the site's Coral signing secret, and takes our decision if it comes within its timeout.

Nothing is stored: Coral is the record of its comments and holds withheld ones in its own queue.
The author's standing (trusted / always hold / banned, set with PUT /v1/authors/<Coral user id>
or in the author panel) applies as it does to the site's own comments.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, current_app, g, jsonify, request

from service.api.authors import usable_author_id
from service.http.auth import require_site
from service.http.parsing import FieldErrors, json_body
from service.http.problems import Problem
from service.storage import authors, credentials, db
from service.storage.credentials import MAX_GRACE_SECONDS
from service.storage.integrations import site_integrations
from service.transport import sync_scoring

bp = Blueprint("coral", __name__)

SETTINGS = {
    # Coral's default timeout for a phase; past it Coral skips us, so we answer 204 first.
    "CORAL_BUDGET_MS": 200,
    # Time kept back from the budget for our own answer to travel to Coral.
    "CORAL_MARGIN_MS": 20,
    # How long the previous signing secret keeps working after a new one is set (while Coral's
    # admin rolls it), unless the PUT says otherwise; then it stops.
    "CORAL_SECRET_GRACE_SECONDS": 86_400,
}
STATUS_BY_ACTION = {"approve": "APPROVED", "hold": "SYSTEM_WITHHELD", "reject": "REJECTED"}
FLAG_BY_GUIDELINE = {
    "abuse": "COMMENT_DETECTED_TOXIC",
    "hate": "COMMENT_DETECTED_TOXIC",
    "threat": "COMMENT_DETECTED_TOXIC",
    "obscene": "COMMENT_DETECTED_TOXIC",
    "spam": "COMMENT_DETECTED_SPAM",
}
KIND = "coral"
BAD_SIGNATURE = "X-Coral-Signature does not match the site's secret."
KEEP_SECRETS = 2  # the new one and the one before it, while Coral's admin rolls the secret
_TAG = re.compile(r"<[^>]{0,2000}>")


@bp.put("/v1/site/integrations/coral")
def set_coral_secret():
    """Set the site's Coral signing secret; the previous one stays valid for a grace period."""
    site = require_site()
    body = json_body()
    secret = body.get("secret")
    grace = body.get("grace_seconds", current_app.config["CORAL_SECRET_GRACE_SECONDS"])
    errors = FieldErrors()
    if not isinstance(secret, str) or not 8 <= len(secret) <= 200 or "\x00" in secret:
        errors.add("secret", "is required: a string of 8 to 200 characters")
    if isinstance(grace, bool) or not isinstance(grace, int) or not 0 <= grace <= MAX_GRACE_SECONDS:
        errors.add("grace_seconds", f"must be a whole number from 0 to {MAX_GRACE_SECONDS}")
    errors.raise_if_any()
    now = db.utcnow()
    with db.engine().begin() as conn:
        previous = [s for s in _live_secrets(conn, site["id"], now) if s["secret"] != secret]
        # The secret just replaced works for the grace period (one already ending keeps its
        # end); with no grace it stops now.
        ends = db.isoformat(now + timedelta(seconds=grace))
        retiring = [
            {**s, "expires_at": s["expires_at"] or ends}
            for s in (previous[: KEEP_SECRETS - 1] if grace else [])
        ]
        secrets = [{"secret": secret, "expires_at": None}, *retiring]
        conn.execute(
            site_integrations.delete().where(
                site_integrations.c.site_id == site["id"], site_integrations.c.kind == KIND
            )
        )
        conn.execute(
            site_integrations.insert().values(
                site_id=site["id"], kind=KIND, config={"secrets": secrets}, updated_at=now
            )
        )
        credentials.audit(
            conn,
            f"site:{site['id']}",
            "rotate-coral-secret",
            f"api:{site['key_prefix']}",
            f"previous secret works {grace} s more" if retiring else "no previous secret",
        )
    return jsonify(
        {
            "url": f"/v1/integrations/coral/{site['id']}",
            "active_secrets": len(secrets),
            "previous_expires_at": retiring[0]["expires_at"] if retiring else None,
        }
    )


@bp.post("/v1/integrations/coral/<site_id>")
def moderate(site_id: str):
    started = time.monotonic()
    with db.engine().connect() as conn:
        secrets = _secrets(conn, site_id)
        raw = request.get_data(cache=True)
        # The same answer for an unknown site as for a bad signature: nothing to probe ids with.
        if not secrets or not signature_matches(
            raw, request.headers.get("X-Coral-Signature"), secrets
        ):
            raise Problem(401, "Unauthorized", BAD_SIGNATURE)
        g.site = {"id": site_id}
        body = json_body()
        text = _comment_text(body)
        # Read here, on the connection already open, rather than by the worker through its
        # few-seconds cache: a ban the site just set applies to the very next comment.
        standing = _standing(conn, site_id, body.get("author"))
    if not text.strip():
        return "", 204  # nothing to read (an image, empty markup): no opinion, Coral decides
    config = current_app.config
    elapsed_ms = (time.monotonic() - started) * 1000
    budget = int(config["CORAL_BUDGET_MS"]) - int(config["CORAL_MARGIN_MS"]) - elapsed_ms
    if budget < 10:  # too little left to ask a worker
        return _without_scores(standing)
    try:
        answer = sync_scoring.score_now(text, int(budget), site_id=site_id, standing=standing)
    except sync_scoring.NoAnswer:
        return _without_scores(standing)
    return jsonify(coral_response(answer["action"], answer["reasons"]))


def _without_scores(standing: str):
    """No worker's answer in time: a banned author is still rejected (the ban needs no model,
    and the site's own API would reject them too); otherwise no opinion, and Coral goes on
    without us rather than waiting past its timeout."""
    if standing == "banned":
        return jsonify(coral_response("reject", []))
    return "", 204


def _standing(conn: sa.Connection, site_id: str, author: Any) -> str:
    """The standing of Coral's `author.id` on the site ("" for none, or no usable id)."""
    author_id = author.get("id") if isinstance(author, dict) else None
    if not usable_author_id(author_id):
        return ""
    found = authors.get_standing(conn, site_id, author_id)
    return found["standing"] if found else ""


def coral_response(action: str, reasons: list[dict[str, Any]]) -> dict[str, Any]:
    response: dict[str, Any] = {"status": STATUS_BY_ACTION[action]}
    if action != "approve":
        flags = []
        for reason in reasons:
            flag = FLAG_BY_GUIDELINE.get(reason.get("guideline", ""))
            if flag and flag not in flags:
                flags.append(flag)
        if flags:
            response["actions"] = [{"actionType": "FLAG", "reason": f} for f in flags]
    return response


def signature_matches(body: bytes, header: str | None, secrets: list[str]) -> bool:
    """Coral's scheme: `sha256=<hex HMAC-SHA256 of the raw body>`, comma-separated when several."""
    if not header:
        return False
    given = [
        value.strip()
        for prefix, _, value in (part.partition("=") for part in header.split(","))
        if prefix.strip() == "sha256"
    ]
    expected = [hmac.new(s.encode(), body, hashlib.sha256).hexdigest() for s in secrets]
    # Every pair compared in constant time, without stopping at the first match.
    matches = [hmac.compare_digest(x.encode(), e.encode()) for x in given for e in expected]
    return any(matches)


def _secrets(conn: sa.Connection, site_id: str) -> list[str]:
    """The secrets a signature may use now: the current one and any still in their grace."""
    return [s["secret"] for s in _live_secrets(conn, site_id, db.utcnow())]


def _live_secrets(conn: sa.Connection, site_id: str, now: datetime) -> list[dict[str, Any]]:
    row = conn.execute(
        sa.select(site_integrations.c.config, site_integrations.c.updated_at).where(
            site_integrations.c.site_id == site_id, site_integrations.c.kind == KIND
        )
    ).first()
    if row is None:
        return []
    entries = []
    for i, entry in enumerate(row.config["secrets"]):
        if isinstance(entry, str):
            # Stored before secrets had an end: the older ones end a grace after that change.
            grace = timedelta(seconds=int(current_app.config["CORAL_SECRET_GRACE_SECONDS"]))
            ends = row.updated_at.replace(tzinfo=row.updated_at.tzinfo or UTC) + grace
            entry = {"secret": entry, "expires_at": None if i == 0 else db.isoformat(ends)}
        entries.append(entry)
    return [e for e in entries if e["expires_at"] is None or _parse(e["expires_at"]) > now]


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _comment_text(body: dict[str, Any]) -> str:
    errors = FieldErrors()
    if body.get("action") not in ("NEW", "EDIT"):
        errors.add("action", "must be NEW or EDIT")
    comment = body.get("comment")
    text = comment.get("body") if isinstance(comment, dict) else None
    if not isinstance(text, str):
        errors.add("comment.body", "is required and must be a string")
    errors.raise_if_any()
    # Coral sends HTML by default; the classifier reads words, not markup.
    if "<" in text:
        text = _TAG.sub(" ", text)
    text = html.unescape(text)
    limit = int(current_app.config["MAX_TEXT_CHARS"])
    if len(text) > limit:
        raise Problem(413, "Content Too Large", f"The comment is longer than {limit} characters.")
    return text

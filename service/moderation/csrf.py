"""CSRF tokens: one per session, sent back in a form field or the X-CSRF-Token header.

The token lives in the signed session cookie, so any web process can check it. SameSite=Lax on
the cookie is a second line; this check is the one that counts.
"""

from __future__ import annotations

import hmac
import secrets

from flask import request, session

from service.http.problems import Problem
from service.moderation import bp

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


@bp.app_context_processor
def _inject() -> dict:
    return {"csrf_token": token}


@bp.before_request
def _check() -> None:
    if request.method in SAFE_METHODS:
        return
    if request.path.startswith("/queue/api/"):
        from service.moderation.sessions import current_user

        if current_user() is None:
            return  # logged out (another tab, or the session ended): login_required says so
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
    expected = session.get("csrf")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Problem(403, "Forbidden", "Missing or wrong CSRF token; reload the page.")

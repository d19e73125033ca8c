"""The moderator web UI: login, the queue of held and reported comments, history and audit.

Every page is built server-side with Jinja's autoescape; the only script is a static file, and a
strict Content-Security-Policy forbids anything inline, so hostile comment text stays inert.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response

bp = Blueprint(
    "moderation",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/moderation/static",
)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


@bp.after_request
def _security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if response.mimetype == "text/html":
        # Pages show other people's comments and a CSRF token: never from a shared cache.
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_template_filter("plain_time")
def _plain_time(iso: str | None) -> str:
    from service.moderation.wording import plain_time

    return plain_time(iso)


@bp.app_template_filter("iso")
def _iso(value: object) -> str | None:
    from service.storage.db import isoformat

    return isoformat(value) if value is not None else None  # type: ignore[arg-type]


def init_app(app: Flask) -> None:
    from service.moderation import (  # noqa: F401
        csrf,
        views_auth,
        views_authors,
        views_dashboard,
        views_history,
        views_queue,
    )

    app.register_blueprint(bp)

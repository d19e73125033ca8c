"""Credential operations for admins over HTTP (`/v1/admin/sites/...`, `/v1/admin/users/...`),
the twins of `sites rotate-key|revoke-key` and `users disable|enable|delete`.

The same guard as the model operations: a logged-in admin, and the session's CSRF token on every
write. Each change is audited with the admin's name as the actor. New keys are in the answer
only, never stored readable, so the answers must not be cached.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, jsonify, request

from service.api.admin_models import require_admin
from service.http.parsing import json_body
from service.http.problems import Problem
from service.moderation import sessions
from service.moderation import users as accounts
from service.storage import credentials, db
from service.storage.credentials import MAX_GRACE_SECONDS

bp = Blueprint("admin_credentials", __name__, url_prefix="/v1/admin")
bp.before_request(require_admin)

DEFAULT_GRACE_SECONDS = 86_400


def _actor() -> str:
    user = sessions.current_user()
    assert user is not None  # require_admin ran first
    return user.name


def _no_store(payload: dict) -> Response:
    response = jsonify(payload)
    response.headers["Cache-Control"] = "no-store"
    return response


def _grace_seconds() -> int:
    body = json_body() if request.get_data(cache=True) else {}
    if set(body) - {"grace_seconds"}:
        raise Problem(422, "Unprocessable Content", 'The body may only hold "grace_seconds".')
    value = body.get("grace_seconds", DEFAULT_GRACE_SECONDS)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_GRACE_SECONDS:
        raise Problem(
            422,
            "Unprocessable Content",
            f"grace_seconds must be a whole number from 0 to {MAX_GRACE_SECONDS}.",
            errors=[{"field": "grace_seconds", "message": f"0 to {MAX_GRACE_SECONDS}"}],
        )
    return value


def _no_site(site_id: str) -> Problem:
    return Problem(404, "Not Found", f"No site {site_id!r}.")


@bp.post("/sites/<site_id>/rotate-key")
def rotate_key(site_id: str):
    grace = _grace_seconds()
    try:
        with db.engine().begin() as conn:
            key = credentials.rotate_key(conn, site_id, grace, actor=_actor())
    except credentials.UnknownSite:
        raise _no_site(site_id) from None
    return _no_store({"site_id": site_id, "key": key, "old_key_works_seconds": grace})


@bp.post("/sites/<site_id>/revoke-key")
def revoke_key(site_id: str):
    try:
        with db.engine().begin() as conn:
            key = credentials.revoke_key(conn, site_id, actor=_actor())
    except credentials.UnknownSite:
        raise _no_site(site_id) from None
    return _no_store({"site_id": site_id, "key": key})


def _change_user(
    name: str, change: Callable[[sa.Connection], accounts.User], *, ends_sessions: bool
) -> Response:
    if ends_sessions and name == _actor():
        # The last admin could otherwise lock everyone out of the admin API in one request.
        raise Problem(409, "Conflict", "An admin cannot disable or delete their own account.")
    try:
        with db.engine().begin() as conn:
            user = change(conn)
    except ValueError:
        raise Problem(404, "Not Found", f"No user named {name!r}.") from None
    ended = sessions.end_all(user.id) if ends_sessions else 0
    return jsonify({"name": user.name, "sessions_ended": ended})


@bp.post("/users/<name>/disable")
def disable_user(name: str):
    change = partial(accounts.set_disabled, name=name, disabled=True, actor=_actor())
    return _change_user(name, change, ends_sessions=True)


@bp.post("/users/<name>/enable")
def enable_user(name: str):
    change = partial(accounts.set_disabled, name=name, disabled=False, actor=_actor())
    return _change_user(name, change, ends_sessions=False)


@bp.delete("/users/<name>")
def delete_user(name: str):
    change = partial(accounts.delete_user, name=name, actor=_actor())
    return _change_user(name, change, ends_sessions=True)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

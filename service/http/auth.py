"""Site API keys: generated once, stored only as a hash, presented as a bearer token."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import sqlalchemy as sa
from flask import g, request

from service.http.problems import Problem
from service.storage import db

KEY_PREFIX = "mk_"


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def presented_key() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def request_site_key() -> str | None:
    """The site key this request authenticates with, read the way its route reads it.

    Perspective routes take `?key=` first (as Google's API does), then a bearer header; the site
    API takes only the bearer header. The admin API and the moderator pages authenticate with a
    login session, Coral with a signature: none. Rate limits and Idempotency-Key are keyed on
    this, so they can never count or replay under a key other than the one that authenticates.
    """
    path = request.path
    if path.startswith("/v1alpha1/"):
        return request.args.get("key") or presented_key()
    if path.startswith("/v1/") and not (path == "/v1/admin" or path.startswith("/v1/admin/")):
        return presented_key()
    return None


# Built once: every API request runs it, and building a statement costs more than running it.
_SITE_BY_KEY_HASH = sa.select(db.sites).where(db.sites.c.key_hash == sa.bindparam("key_hash"))


def site_for_key(key: str | None, conn: sa.Connection | None = None) -> dict[str, Any] | None:
    """The site of this key; on CONN when given (one connection for the whole request)."""
    if not key:
        return None
    if conn is not None:
        row = _lookup(conn, hash_key(key))
    else:
        with db.engine().connect() as own:
            row = _lookup(own, hash_key(key))
    return dict(row._mapping) if row else None


def _lookup(conn: sa.Connection, key_hash: str):
    row = conn.execute(_SITE_BY_KEY_HASH, {"key_hash": key_hash}).first()
    if row is None:  # a key rotated out, still in its grace period?
        from service.storage.credentials import site_for_retired_key

        row = site_for_retired_key(conn, key_hash)
    return row


def require_site(key: str | None = None, conn: sa.Connection | None = None) -> dict[str, Any]:
    """The calling site, or a 401 problem. Stored on flask.g for the rest of the request."""
    site = site_for_key(key if key is not None else presented_key(), conn)
    if site is None:
        raise Problem(
            401,
            "Unauthorized",
            "Send the site's API key as 'Authorization: Bearer <key>'.",
            headers={"WWW-Authenticate": 'Bearer realm="moderation"'},
        )
    g.site = site
    return site

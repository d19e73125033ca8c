"""The comment and its site's current policy version in one read, and parsed policies cached.

A worker decides many comments per site, and a policy changes rarely: the current version number
comes with the comment row (a scalar subquery on the policies' primary key, no extra round trip),
and the parsed `Policy` is cached per (site, version). A version's document never changes, so the
cache is never stale: a new version is simply a new key, read once by each process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import sqlalchemy as sa

from models.policy import DEFAULT_POLICY, Policy
from service.storage import db, policies

MAX_CACHED = 256  # sites whose parsed policy a process keeps

_cache: OrderedDict[tuple[str, int], policies.Effective] = OrderedDict()
_lock = threading.Lock()


def load_comment(conn: sa.Connection, comment_id: str) -> tuple[dict, int] | None:
    """(comment row, the site's current policy version), or None if the comment is gone."""
    version = policies.current_version_query(db.comments.c.site_id).label("policy_version")
    row = conn.execute(
        sa.select(db.comments, version).where(db.comments.c.id == comment_id)
    ).first()
    if row is None:
        return None
    comment = dict(row._mapping)
    return comment, int(comment.pop("policy_version"))


def policy_for(conn: sa.Connection, site_id: str, version: int) -> tuple[Policy, int]:
    """The site's policy at `version` (parsed once per process); (policy, version used)."""
    if version == policies.DEFAULT_VERSION:
        return DEFAULT_POLICY, version
    key = (site_id, version)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached.policy, cached.version
    found = policies.get_version(conn, site_id, version)
    if found is None:
        return DEFAULT_POLICY, policies.DEFAULT_VERSION
    # A stored version that no longer validates is decided by the shipped default (and says
    # so once in the log); that answer is cached too, so each comment does not parse it again.
    effective = policies.effective(found)
    with _lock:
        _cache[key] = effective
        while len(_cache) > MAX_CACHED:
            _cache.popitem(last=False)
    return effective.policy, effective.version

"""The comment and its site's current policy version in one read, and parsed policies cached.

A worker decides many comments per site, and a policy changes rarely: the current version number
comes with the comment row (a scalar subquery on the policies' primary key, no extra round trip),
and the parsed `Policy` is cached per (site, version). A version's document never changes, so the
cache is never stale: a new version is simply a new key, read once by each process.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

import sqlalchemy as sa

from models.policy import DEFAULT_POLICY, Policy, PolicyError
from service.storage import db, policies

log = logging.getLogger(__name__)

MAX_CACHED = 256  # sites whose parsed policy a process keeps

_cache: OrderedDict[tuple[str, int], Policy] = OrderedDict()
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
            return cached, version
    found = policies.get_version(conn, site_id, version)
    try:
        policy = found.policy() if found is not None else None
    except PolicyError:
        # Stored documents were validated on the way in; one that no longer parses (a rule
        # removed in a later release) must not stop the queue, so the shipped default decides.
        log.exception("site %s policy version %s no longer validates", site_id, version)
        policy = None
    if policy is None:
        return DEFAULT_POLICY, policies.DEFAULT_VERSION
    with _lock:
        _cache[key] = policy
        while len(_cache) > MAX_CACHED:
            _cache.popitem(last=False)
    return policy, version

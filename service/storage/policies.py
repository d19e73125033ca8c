"""Per-site, versioned guideline policies.

Every change of a site's policy adds a row; rows are never updated, so every decision's
`policy_version` still names the exact document it was made with. A site that never set a policy
uses the shipped default (`models.policy.DEFAULT_POLICY`) as version 0, which is not stored.

Each stored document is the complete, validated form (`Policy.to_dict()`), so a later change of
the shipped defaults does not change what an old version meant.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models.policy import DEFAULT_POLICY, Policy, PolicyError
from service.storage import db

log = logging.getLogger(__name__)

DEFAULT_VERSION = 0

site_policies = sa.Table(
    "site_policies",
    db.metadata,
    sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("document", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200)),  # "api:<key prefix>" or "cli"
)

# The worker's author-context query reads an author's latest comments on a site.
sa.Index(
    "ix_comments_site_author_created",
    db.comments.c.site_id,
    db.comments.c.author_id,
    db.comments.c.created_at,
)


class PolicyConflict(Exception):
    """Another writer made a new version first (or the caller's expected version is stale)."""

    def __init__(self, current: int) -> None:
        super().__init__(f"the site's policy is now at version {current}")
        self.current = current


@dataclass(frozen=True)
class PolicyVersion:
    site_id: str
    version: int
    document: Any  # a policy object, unless what is stored was edited into something else
    created_at: datetime | None  # None for the shipped default
    created_by: str | None

    def policy(self) -> Policy:
        return Policy.from_dict(self.document)

    def view(self) -> dict[str, Any]:
        return {
            "site_id": self.site_id,
            "version": self.version,
            "created_at": db.isoformat(self.created_at),
            "created_by": self.created_by,
            "policy": self.document,
        }


@dataclass(frozen=True)
class Effective:
    """The policy that decides a site's comments, and the version its decisions record.

    A stored document that no longer validates (written before a rule was added, or edited in
    the database) must not stop the queue or a moderator's page, so the shipped default decides
    instead, as version 0, and `invalid` says which stored version failed and why.
    """

    policy: Policy
    version: int
    invalid: InvalidPolicy | None = None


@dataclass(frozen=True)
class InvalidPolicy:
    site_id: str
    version: int
    problem: str


# (site, version) pairs already logged: a page or a worker asks for the same broken version
# again and again, and one line per process says it.
_logged: set[tuple[str, int]] = set()


def effective(found: PolicyVersion) -> Effective:
    """`found` parsed, or the shipped default when it no longer validates (logged once)."""
    try:
        return Effective(found.policy(), found.version)
    except PolicyError as exc:
        invalid = InvalidPolicy(found.site_id, found.version, str(exc))
    if (found.site_id, found.version) not in _logged:
        _logged.add((found.site_id, found.version))
        log.warning(
            "site %s policy version %s no longer validates (%s); the default guidelines decide",
            found.site_id,
            found.version,
            invalid.problem,
        )
    return Effective(DEFAULT_POLICY, DEFAULT_VERSION, invalid)


def current_effective(conn: sa.Connection, site_id: str) -> Effective:
    return effective(current(conn, site_id))


def default_version(site_id: str) -> PolicyVersion:
    return PolicyVersion(site_id, DEFAULT_VERSION, DEFAULT_POLICY.to_dict(), None, "default")


def current_version_number(conn: sa.Connection, site_id: str) -> int:
    """The site's current version (0 = shipped default); one primary-key range read."""
    query = sa.select(sa.func.max(site_policies.c.version)).where(
        site_policies.c.site_id == site_id
    )
    return conn.execute(query).scalar() or DEFAULT_VERSION


def current_version_query(site_id_column: sa.ColumnElement) -> sa.ScalarSelect:
    """The current version as a scalar subquery, so a caller can read it with another row."""
    return (
        sa.select(sa.func.coalesce(sa.func.max(site_policies.c.version), DEFAULT_VERSION))
        .where(site_policies.c.site_id == site_id_column)
        .scalar_subquery()
    )


def get_version(conn: sa.Connection, site_id: str, version: int) -> PolicyVersion | None:
    if version == DEFAULT_VERSION:
        return default_version(site_id)
    # The document is read as text and decoded here: text that is not JSON at all (SQLite keeps
    # whatever was written by hand) then reads as None, which does not validate, instead of
    # failing the fetch.
    document = sa.cast(site_policies.c.document, sa.Text).label("document")
    row = conn.execute(
        sa.select(
            site_policies.c.version,
            document,
            site_policies.c.created_at,
            site_policies.c.created_by,
        ).where(site_policies.c.site_id == site_id, site_policies.c.version == version)
    ).first()
    if row is None:
        return None
    return PolicyVersion(
        site_id, row.version, _decoded(row.document), row.created_at, row.created_by
    )


def _decoded(text: str | None) -> Any:
    try:
        return json.loads(text) if text is not None else None
    except ValueError:
        return None


def current(conn: sa.Connection, site_id: str) -> PolicyVersion:
    found = get_version(conn, site_id, current_version_number(conn, site_id))
    return found or default_version(site_id)


def list_versions(conn: sa.Connection, site_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        sa.select(site_policies.c.version, site_policies.c.created_at, site_policies.c.created_by)
        .where(site_policies.c.site_id == site_id)
        .order_by(site_policies.c.version)
    )
    listed = [{"version": 0, "created_at": None, "created_by": "default"}]
    listed += [
        {"version": r.version, "created_at": db.isoformat(r.created_at), "created_by": r.created_by}
        for r in rows
    ]
    return listed


def _canonical(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def set_policy(
    conn: sa.Connection,
    site_id: str,
    policy: Policy,
    *,
    created_by: str | None,
    expected_version: int | None = None,
) -> tuple[PolicyVersion, bool]:
    """Store `policy` as the site's next version; (version, changed).

    The same document as the current one makes no new version. Two writers racing for the same
    next number collide on the primary key: the loser gets PolicyConflict rather than silently
    overwriting, and so does a caller whose `expected_version` is no longer current.
    """
    now_current = current(conn, site_id)
    if expected_version is not None and expected_version != now_current.version:
        raise PolicyConflict(now_current.version)
    document = policy.to_dict()
    if _canonical(document) == _canonical(now_current.document):
        return now_current, False
    version = PolicyVersion(site_id, now_current.version + 1, document, db.utcnow(), created_by)
    try:
        with conn.begin_nested():
            conn.execute(
                site_policies.insert().values(
                    site_id=site_id,
                    version=version.version,
                    document=document,
                    created_at=version.created_at,
                    created_by=created_by,
                )
            )
    except IntegrityError:
        raise PolicyConflict(current_version_number(conn, site_id)) from None
    return version, True


def differs_from_current(conn: sa.Connection, site_id: str, policy: Policy) -> bool:
    """Whether storing `policy` would make a new version (set_policy's own test)."""
    return _canonical(policy.to_dict()) != _canonical(current(conn, site_id).document)


def changes_since(conn: sa.Connection, site_id: str, since: datetime) -> list[datetime]:
    """When each of the site's versions made since `since` was stored, oldest first (UTC)."""
    rows = conn.execute(
        sa.select(site_policies.c.created_at)
        .where(site_policies.c.site_id == site_id, site_policies.c.created_at >= since)
        .order_by(site_policies.c.created_at)
    )
    # SQLite hands back naive datetimes, which were stored as UTC.
    return [r.created_at.replace(tzinfo=r.created_at.tzinfo or UTC) for r in rows]


_ENVELOPE = frozenset({"site_id", "version", "created_at", "created_by", "changed", "policy"})


def unwrap(body: object) -> object:
    """The policy document; what GET answered is accepted as it is, so GET, edit, PUT works
    (through the API and the CLI's --file alike).

    A policy document never has a "policy" key, so the two shapes cannot be mistaken; the
    envelope's other keys are read-only and ignored (use If-Match to guard against changes).
    """
    if isinstance(body, dict) and "policy" in body and set(body) <= _ENVELOPE:
        return body["policy"]
    return body

"""Site keys that can be rotated and revoked, and the audit log of every credential change.

Rotating a key gives the site a new one and lets the old one work for a grace period (so a site
can deploy the new key without an outage); revoking gives a new one and stops every old key at
once. Each change is an audit entry: who, what, when.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from service.storage import db
from service.storage.db import metadata

# The longest an old site key or Coral secret may keep working after it is replaced.
MAX_GRACE_SECONDS = 30 * 86_400

retired_site_keys = sa.Table(
    "retired_site_keys",
    metadata,
    sa.Column("key_hash", sa.String(64), primary_key=True),
    sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), nullable=False, index=True),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
)

credential_log = sa.Table(
    "credential_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("subject", sa.String(240), nullable=False),  # "site:<id>" or "user:<name>"
    sa.Column("action", sa.String(32), nullable=False),  # rotate-key | revoke-key | ...
    sa.Column("actor", sa.String(200), nullable=False),  # "cli" or an admin's name
    sa.Column("detail", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


# Accounts a ops person disabled: they cannot log in and their sessions no longer count.
disabled_users = sa.Table(
    "disabled_users",
    metadata,
    sa.Column("user_id", sa.Integer, primary_key=True),
    sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=False),
)


class UnknownSite(LookupError):
    pass


def audit(conn: sa.Connection, subject: str, action: str, actor: str, detail: str = "") -> None:
    conn.execute(
        credential_log.insert().values(
            subject=subject, action=action, actor=actor, detail=detail, created_at=db.utcnow()
        )
    )


def _replace_key(conn: sa.Connection, site_id: str) -> tuple[str, str]:
    """(new key, old key hash) after giving the site a new key."""
    from service.http import auth  # the key format lives with the authentication

    old = conn.execute(sa.select(db.sites.c.key_hash).where(db.sites.c.id == site_id)).first()
    if old is None:
        raise UnknownSite(site_id)
    key = auth.new_key()
    conn.execute(
        db.sites.update()
        .where(db.sites.c.id == site_id)
        .values(key_hash=auth.hash_key(key), key_prefix=key[:8])
    )
    return key, old.key_hash


def rotate_key(conn: sa.Connection, site_id: str, grace_seconds: int, actor: str) -> str:
    """A new key for the site; the current one keeps working for `grace_seconds`."""
    key, old_hash = _replace_key(conn, site_id)
    if grace_seconds > 0:
        conn.execute(
            retired_site_keys.insert().values(
                key_hash=old_hash,
                site_id=site_id,
                expires_at=db.utcnow() + timedelta(seconds=grace_seconds),
            )
        )
    audit(conn, f"site:{site_id}", "rotate-key", actor, f"old key works {grace_seconds} s more")
    return key


def revoke_key(conn: sa.Connection, site_id: str, actor: str) -> str:
    """A new key for the site; the current one and any still in their grace period stop now."""
    key, _ = _replace_key(conn, site_id)
    conn.execute(retired_site_keys.delete().where(retired_site_keys.c.site_id == site_id))
    audit(conn, f"site:{site_id}", "revoke-key", actor, "every earlier key stopped")
    return key


_SITE_BY_RETIRED_KEY = (
    sa.select(db.sites)
    .join(retired_site_keys, retired_site_keys.c.site_id == db.sites.c.id)
    .where(
        retired_site_keys.c.key_hash == sa.bindparam("key_hash"),
        retired_site_keys.c.expires_at > sa.bindparam("now"),
    )
)


def site_for_retired_key(conn: sa.Connection, key_hash: str):
    """The site whose rotated-out key this is, while its grace period lasts."""
    return conn.execute(_SITE_BY_RETIRED_KEY, {"key_hash": key_hash, "now": db.utcnow()}).first()

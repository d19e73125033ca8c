"""Per-site settings that are not moderation policy: how long texts are kept, where readers appeal.

One JSON document per site; a key the site never set has its default (SETTINGS_DEFAULTS), so a
later version can add a setting without touching stored rows.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.storage import db
from service.storage.db import metadata

DEFAULT_RETENTION_DAYS = 365
SETTINGS_DEFAULTS: dict[str, Any] = {
    # Days a comment's text is kept after its last decision; None keeps it for good.
    "text_retention_days": DEFAULT_RETENTION_DAYS,
    # Where the site's readers appeal a decision (shown in statements of reasons); None: the API.
    "appeal_url": None,
}
MAX_RETENTION_DAYS = 36_500

site_settings = sa.Table(
    "site_settings",
    metadata,
    sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), primary_key=True),
    sa.Column("settings", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


def get(conn: sa.Connection, site_id: str) -> dict[str, Any]:
    stored = conn.execute(
        sa.select(site_settings.c.settings).where(site_settings.c.site_id == site_id)
    ).scalar()
    return {**SETTINGS_DEFAULTS, **(stored or {})}


# conn.info outlives a transaction (it belongs to the pooled database connection), so the cache
# there is tagged with the transaction it was read in and starts afresh in the next one.
_CACHE_KEY = "site_settings_by_transaction"


def get_once(conn: sa.Connection, site_id: str) -> dict[str, Any]:
    """`get`, read once per site per transaction: a webhook fan-out builds the views of a whole
    batch of comments in one transaction, and each held comment's statement names the site's
    appeal URL. A change made through `update` in the same transaction is seen."""
    held = conn.info.get(_CACHE_KEY)
    transaction = conn.get_transaction()
    if transaction is None or held is None or held[0] is not transaction:
        settings = get(conn, site_id)  # begins the transaction when none had begun
        conn.info[_CACHE_KEY] = (conn.get_transaction(), {site_id: settings})
        return dict(settings)
    if site_id not in held[1]:
        held[1][site_id] = get(conn, site_id)
    return dict(held[1][site_id])


def all_sites(conn: sa.Connection) -> dict[str, dict[str, Any]]:
    """Every site's settings (defaults for a site that set none), by site id."""
    stored = dict(conn.execute(sa.select(site_settings.c.site_id, site_settings.c.settings)).all())
    site_ids = conn.execute(sa.select(db.sites.c.id)).scalars()
    return {site_id: {**SETTINGS_DEFAULTS, **(stored.get(site_id) or {})} for site_id in site_ids}


def update(conn: sa.Connection, site_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Merge validated changes into the site's settings; returns them all."""
    current = conn.execute(
        sa.select(site_settings.c.settings).where(site_settings.c.site_id == site_id)
    ).scalar()
    merged = {**(current or {}), **changes}
    values = {"settings": merged, "updated_at": db.utcnow()}
    statement = (
        db.dialect_insert(conn, site_settings)
        .values(site_id=site_id, **values)
        .on_conflict_do_update(index_elements=["site_id"], set_=values)
    )
    conn.execute(statement)
    held = conn.info.get(_CACHE_KEY)
    if held is not None:
        held[1].pop(site_id, None)
    return {**SETTINGS_DEFAULTS, **merged}

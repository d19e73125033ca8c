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
    return {**SETTINGS_DEFAULTS, **merged}

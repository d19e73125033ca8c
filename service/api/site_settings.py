"""`/v1/site/settings`: the site's text retention period and its appeal address."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import jsonify

from service.api import bp
from service.http.auth import require_site
from service.http.parsing import FieldErrors, json_body, storable_text
from service.storage import db, site_settings


@bp.get("/site/settings")
def get_settings():
    site = require_site()
    with db.engine().connect() as conn:
        return jsonify(site_settings.get(conn, site["id"]))


@bp.patch("/site/settings")
def patch_settings():
    """Change the settings sent; the others keep their values."""
    site = require_site()
    changes = _validated(json_body())
    with db.engine().begin() as conn:
        return jsonify(site_settings.update(conn, site["id"], changes))


def _validated(body: dict[str, Any]) -> dict[str, Any]:
    errors = FieldErrors()
    for key in body:
        if key not in site_settings.SETTINGS_DEFAULTS:
            errors.add(key, "unknown setting")
    if "text_retention_days" in body:
        days = body["text_retention_days"]
        limit = site_settings.MAX_RETENTION_DAYS
        if days is not None and (
            not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= limit
        ):
            errors.add(
                "text_retention_days", f"must be a whole number of days from 1 to {limit}, or null"
            )
    if "appeal_url" in body and body["appeal_url"] is not None:
        url = body["appeal_url"]
        if not (isinstance(url, str) and len(url) <= 2000 and storable_text(url) and _web(url)):
            errors.add("appeal_url", "must be an http(s) URL of at most 2000 characters, or null")
    errors.raise_if_any()
    return dict(body)


def _web(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url

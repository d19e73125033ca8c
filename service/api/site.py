"""`/v1/site`: the calling site's own record."""

from __future__ import annotations

from flask import jsonify

from service.api import bp
from service.http.auth import require_site
from service.storage import db


@bp.get("/site")
def get_site():
    site = require_site()
    return jsonify(
        {
            "id": site["id"],
            "name": site["name"],
            "key_prefix": site["key_prefix"],
            "created_at": db.isoformat(site["created_at"]),
        }
    )

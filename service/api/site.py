"""`/v1/site`: the calling site's own record."""

from __future__ import annotations

from flask import jsonify

from service import db
from service.api import bp
from service.auth import require_site


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

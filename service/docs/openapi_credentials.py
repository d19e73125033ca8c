"""OpenAPI paths for the admin credential operations (`service/api/admin_credentials.py`)."""

from __future__ import annotations

from typing import Any

from service.docs.openapi_paths import _admin, _problem
from service.docs.openapi_spec import Config, json_response, path_param, problems

NEW_KEY = {
    "type": "object",
    "required": ["site_id", "key"],
    "properties": {
        "site_id": {"type": "string"},
        "key": {"type": "string", "description": "The new API key, shown only here"},
        "old_key_works_seconds": {"type": "integer", "minimum": 0},
    },
}
USER_CHANGED = {
    "type": "object",
    "required": ["name", "sessions_ended"],
    "properties": {"name": {"type": "string"}, "sessions_ended": {"type": "integer"}},
}
GRACE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"grace_seconds": {"type": "integer", "minimum": 0, "maximum": 30 * 86400}},
}


def credentials_paths(_config: Config) -> dict[str, Any]:
    site = [path_param("site_id")]
    user = [path_param("name")]
    no_site = _problem(404, "No such site")
    no_user = _problem(404, "No such user")
    self_change = _problem(409, "An admin cannot disable or delete their own account")
    changed = {"200": json_response("Done; the user's sessions ended", USER_CHANGED)}
    return {
        "/v1/admin/sites/{site_id}/rotate-key": {
            "post": _admin(
                "A new site key; the current one keeps working for grace_seconds (default 86400)",
                parameters=site,
                body=GRACE,
                body_required=False,
                responses={
                    "200": json_response("The new key", NEW_KEY),
                    **problems(400, 413, 415, 422),
                    **no_site,
                },
            )
        },
        "/v1/admin/sites/{site_id}/revoke-key": {
            "post": _admin(
                "A new site key; every earlier key stops at once",
                parameters=site,
                responses={"200": json_response("The new key", NEW_KEY), **no_site},
            )
        },
        "/v1/admin/users/{name}/disable": {
            "post": _admin(
                "Stop the user logging in and end their sessions",
                parameters=user,
                responses={**changed, **no_user, **self_change},
            )
        },
        "/v1/admin/users/{name}/enable": {
            "post": _admin(
                "Let a disabled user log in again",
                parameters=user,
                responses={"200": json_response("Enabled", USER_CHANGED), **no_user},
            )
        },
        "/v1/admin/users/{name}": {
            "delete": _admin(
                "Remove the user and end their sessions (past decisions keep the name)",
                parameters=user,
                responses={**changed, **no_user, **self_change},
            )
        },
    }

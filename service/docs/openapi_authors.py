"""OpenAPI paths for `/v1/authors/<id>`: what the site's moderators decided about an author."""

from __future__ import annotations

from typing import Any

from service.docs.openapi_spec import (
    NULLABLE_STRING,
    PROBLEM,
    Config,
    author_id_param,
    json_body,
    json_response,
    problems,
)
from service.storage.authors import MAX_REASON_CHARS, STANDINGS

STANDING = {"enum": [*STANDINGS, None]}

AUTHOR = {
    "type": "object",
    "required": ["id", "standing", "comments", "first_seen"],
    "properties": {
        "id": {"type": "string"},
        "standing": STANDING,
        "reason": NULLABLE_STRING,
        "expires_at": NULLABLE_STRING,
        "updated_by": NULLABLE_STRING,
        "updated_at": NULLABLE_STRING,
        "comments": {
            "type": "object",
            "additionalProperties": {"type": "integer", "minimum": 0},
        },
        "first_seen": NULLABLE_STRING,
    },
}


def authors_paths(_config: Config) -> dict[str, Any]:
    return {
        "/v1/authors/{author_id}": {
            "get": {
                "summary": "An author's standing on this site and their comment counts",
                "tags": ["authors"],
                "parameters": [author_id_param()],
                "responses": {
                    "200": json_response("The author", AUTHOR),
                    **problems(401, 429),
                    "404": {
                        "description": "No comments by this author and no standing on this site",
                        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    },
                },
            },
            "put": {
                "summary": "Trust, always hold or ban an author (optionally until a time), "
                "or clear the standing with null; announced as author.updated",
                "description": "Banned: every new comment is rejected with guideline "
                "banned_author. Always hold: every new comment is held for a moderator unless "
                "it is rejected. Trusted: approved unless a rule or the classifier says reject.",
                "tags": ["authors"],
                "parameters": [author_id_param()],
                "requestBody": json_body(
                    {
                        "type": "object",
                        "required": ["standing"],
                        "additionalProperties": False,
                        "properties": {
                            "standing": STANDING,
                            "reason": {
                                "type": ["string", "null"],
                                "maxLength": MAX_REASON_CHARS,
                            },
                            "expires_at": {
                                "type": ["string", "null"],
                                "description": "ISO 8601 with a time zone, in the future; "
                                "null: until changed",
                            },
                        },
                    }
                ),
                "responses": {
                    "200": json_response("The author as now stored", AUTHOR),
                    **problems(400, 401, 404, 413, 415, 422, 429),
                },
            },
        }
    }

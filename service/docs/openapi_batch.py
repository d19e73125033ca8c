"""OpenAPI path and schemas of `POST /v1/comments:batch` (service.api.comments_batch); listed
in openapi_lifecycle's groups."""

from __future__ import annotations

from typing import Any

from service.api.batch_items import MAX_BATCH
from service.docs.openapi_spec import (
    IDEMPOTENCY,
    KEYED_POST_ERRORS,
    Config,
    json_body,
    json_response,
    problems,
    ref,
)


def batch_paths(config: Config) -> dict[str, Any]:
    limit_mib = int(config["MAX_BATCH_BODY_BYTES"]) // (1024 * 1024)
    return {
        "/v1/comments:batch": {
            "post": {
                "summary": f"Store and queue up to {MAX_BATCH} comments (onboarding, backfill)",
                "description": "Each comment is validated as `POST /v1/comments` validates one "
                "and answered in order, in `results`, with the status and body that POST would "
                "give it (no `wait`): `202` and the comment when stored and queued, `200` and "
                "the stored comment for an id already stored with the same text (also an id "
                "repeated in the batch), or problem details (`409` other text, `410` deleted, "
                "`413` text too long, `422`, `503`). One bad comment never fails the others; "
                f"only the envelope can (more than {MAX_BATCH} comments, not a list, a body "
                f"over {limit_mib} MiB). The per-key rate limit (RATE_LIMIT_PER_MINUTE) counts "
                "each comment as one request: a batch that does not fit in what is left of "
                "the minute is `429` as a whole, stores nothing and uses none of it.",
                "tags": ["comments"],
                "parameters": [IDEMPOTENCY],
                "requestBody": json_body(ref("CommentBatch")),
                "responses": {
                    "200": json_response(
                        "Every comment's own answer, in order", ref("BatchResult")
                    ),
                    **problems(*KEYED_POST_ERRORS),
                },
            }
        }
    }


def schemas(_config: Config) -> dict[str, Any]:
    status = {"type": "integer", "minimum": 200, "maximum": 599}
    return {
        "CommentBatch": {
            "type": "object",
            "required": ["comments"],
            "properties": {
                "comments": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_BATCH,
                    "items": ref("NewComment"),
                }
            },
        },
        "BatchResult": {
            "type": "object",
            "required": ["results", "counts"],
            "properties": {
                "results": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["index", "status"],
                        "properties": {
                            "index": {"type": "integer", "minimum": 0},
                            "status": status,
                            "comment": ref("Comment"),
                            "problem": ref("Problem"),
                        },
                    },
                },
                "counts": {
                    "type": "object",
                    "required": ["created", "repeated", "failed"],
                    "properties": {
                        name: {"type": "integer", "minimum": 0}
                        for name in ("created", "repeated", "failed")
                    },
                },
            },
        },
    }

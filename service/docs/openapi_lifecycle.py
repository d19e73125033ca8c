"""OpenAPI paths and schemas of a comment's lifecycle: edits, deletion, an author's erasure
(and, from openapi_batch, the bulk import's batch endpoint).

Listed in openapi_spec.build beside the other groups; the Comment schema itself (with its
revision fields) stays in openapi_spec.
"""

from __future__ import annotations

from typing import Any

from service.docs import openapi_batch, openapi_spec
from service.docs.openapi_spec import (
    NULLABLE_STRING,
    PROBLEM,
    Config,
    author_id_param,
    json_body,
    json_response,
    path_param,
    problems,
    ref,
)
from service.storage import site_settings


def _problem(code: int, description: str) -> dict[str, Any]:
    return {
        str(code): {"description": description, "content": {PROBLEM: {"schema": ref("Problem")}}}
    }


GONE = {"410": openapi_spec.GONE}
EXTERNAL_ID = {
    "name": "external_id",
    "in": "query",
    "required": True,
    "description": "The site's own id of the comment",
    "schema": {"type": "string"},
}


def lifecycle_paths(config: Config) -> dict[str, Any]:
    wait = {
        "name": "wait",
        "in": "query",
        "description": "Wait up to this many milliseconds for the new decision.",
        "schema": {"type": "integer", "minimum": 0, "maximum": int(config["MAX_WAIT_MS"])},
    }
    comment = ref("Comment")
    edit_responses = {
        "200": json_response(
            "The same text as stored (nothing changed), or decided in wait", comment
        ),
        "202": json_response("A new revision, pending a fresh decision", comment),
        **problems(400, 401, 404, 413, 415, 429),
        **_problem(409, "Another edit or an erasure changed the comment at the same moment"),
        **_problem(422, "Missing or wrong fields, or an id in the body that is not the stored one"),
        **GONE,
    }
    delete_responses = {
        "204": {"description": "Erased (or erased already)"},
        **problems(401, 404, 429),
    }
    edit = {
        "tags": ["comments"],
        "requestBody": json_body(ref("CommentEdit")),
        "responses": edit_responses,
    }
    return {
        "/v1/comments/{comment_id}": {
            "put": {
                **edit,
                "summary": "Edit a comment: a new revision, moderated afresh",
                "description": "The comment goes back to `pending`; the decision of its old "
                "text (a moderator's too) no longer applies. `comment.decided` fires for the new "
                "revision; its decision's `revision` says which text it judged.",
                "parameters": [path_param("comment_id"), wait],
            },
            "delete": {
                "summary": "Delete a comment: erase its text, author name and article title",
                "description": "Every revision is erased; ids, timestamps, statuses and "
                "decisions (without quotes) stay. GET answers 410 from then on.",
                "tags": ["comments"],
                "parameters": [path_param("comment_id")],
                "responses": delete_responses,
            },
        },
        "/v1/comments": {
            "put": {
                **edit,
                "summary": "Edit a comment found by the site's own id",
                "parameters": [EXTERNAL_ID, wait],
                "responses": {**edit_responses, **problems(422)},
            },
            "delete": {
                "summary": "Delete a comment found by the site's own id",
                "tags": ["comments"],
                "parameters": [EXTERNAL_ID],
                "responses": {**delete_responses, **problems(422)},
            },
        },
        "/v1/authors/{author_id}": {
            "delete": {
                "summary": "Erase every comment of one author on this site (right to erasure)",
                "description": "Runs to the end before answering; the job can be read again "
                "at its Location. Idempotent: erasing again finds nothing new. 404 when the "
                "author has no comment on this site.",
                "tags": ["erasure"],
                "parameters": [author_id_param()],
                "responses": {
                    "202": json_response(
                        "Erased",
                        ref("ErasureJob"),
                        {"Location": {"schema": {"type": "string"}}},
                    ),
                    **problems(401, 404, 429),
                },
            }
        },
        "/v1/comments/{comment_id}/appeals": {
            "post": {
                "summary": "File a reader's appeal against a rejection",
                "description": "One open appeal per comment. It waits in the moderators' Appeals "
                "queue; a moderator who did not take the rejection upholds or reverses it, and "
                "`comment.appeal_decided` is sent.",
                "tags": ["comments"],
                "parameters": [path_param("comment_id")],
                "requestBody": json_body(
                    {
                        "type": "object",
                        "required": ["reason"],
                        "properties": {"reason": {"type": "string", "minLength": 1}},
                    }
                ),
                "responses": {
                    "201": json_response("Filed", ref("Appeal")),
                    **problems(400, 401, 404, 413, 415, 422, 429),
                    **_problem(409, "Not rejected, or an appeal is already open"),
                    **GONE,
                },
            },
            "get": {
                "summary": "The comment's appeals, oldest first, with their state",
                "tags": ["comments"],
                "parameters": [path_param("comment_id")],
                "responses": {
                    "200": json_response(
                        "The appeals",
                        {
                            "type": "object",
                            "required": ["appeals"],
                            "properties": {"appeals": {"type": "array", "items": ref("Appeal")}},
                        },
                    ),
                    **problems(401, 404, 429),
                    **GONE,
                },
            },
        },
        "/v1/site/settings": {
            "get": {
                "summary": "The site's text retention period and appeal address",
                "tags": ["site"],
                "responses": {
                    "200": json_response("The settings", ref("SiteSettings")),
                    **problems(401, 429),
                },
            },
            "patch": {
                "summary": "Change some settings; those not sent keep their values",
                "tags": ["site"],
                "requestBody": json_body(ref("SiteSettingsChange")),
                "responses": {
                    "200": json_response("All the settings after the change", ref("SiteSettings")),
                    **problems(400, 401, 413, 415, 422, 429),
                },
            },
        },
        "/v1/erasures/{job_id}": {
            "get": {
                "summary": "An author erasure: its state and how many comments it erased",
                "tags": ["erasure"],
                "parameters": [path_param("job_id")],
                "responses": {
                    "200": json_response("The job", ref("ErasureJob")),
                    **problems(401, 404, 429),
                },
            }
        },
    }


STORE_TEXT = {
    "type": "boolean",
    "default": True,
    "description": "false: the text is scored but never written to the database (it waits in "
    "Redis until a worker takes it); an edit keeps the comment's choice unless it sends its own",
}
SETTINGS_PROPERTIES = {
    "text_retention_days": {
        "type": ["integer", "null"],
        "minimum": 1,
        "maximum": site_settings.MAX_RETENTION_DAYS,
        "description": "Days a text is kept after its last decision (default 365); null: forever",
    },
    "appeal_url": {
        "type": ["string", "null"],
        "maxLength": 2000,
        "pattern": "^https?://[^ ]+$",
        "description": "Where the site's readers appeal (http or https); null: the API",
    },
}


def schemas(config: Config) -> dict[str, Any]:
    optional_text = {"type": "string", "maxLength": 2000}
    return {
        **openapi_batch.schemas(config),
        "CommentEdit": {
            "type": "object",
            "required": ["text"],
            "properties": {
                "text": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": int(config["MAX_TEXT_CHARS"]),
                },
                "id": {"type": "string", "description": "If sent, the stored one"},
                "store_text": STORE_TEXT,
                "article": {
                    "type": "object",
                    "properties": {"title": optional_text, "url": optional_text},
                },
                "author": {
                    "type": "object",
                    "properties": {"name": {"type": "string", "maxLength": 200}},
                },
            },
        },
        "SiteSettings": {
            "type": "object",
            "required": ["text_retention_days", "appeal_url"],
            "properties": SETTINGS_PROPERTIES,
        },
        "SiteSettingsChange": {
            "type": "object",
            "additionalProperties": False,
            "properties": SETTINGS_PROPERTIES,
        },
        "Appeal": {
            "type": "object",
            "required": ["id", "status", "reason"],
            "properties": {
                "id": {"type": "integer"},
                "status": {"enum": ["open", "upheld", "reversed", "withdrawn"]},
                "reason": {"type": "string"},
                "moderator": NULLABLE_STRING,
                "note": NULLABLE_STRING,
                "created_at": NULLABLE_STRING,
                "decided_at": NULLABLE_STRING,
            },
        },
        "Statement": {
            "type": "object",
            "description": "The statement of reasons for a withheld or rejected comment",
            "required": ["decision", "automated", "text"],
            "properties": {
                "decision": {"enum": ["withheld", "rejected"]},
                "guideline": {
                    "type": ["object", "null"],
                    "properties": {
                        "code": {"type": "string"},
                        "title": {"type": "string"},
                        "rule": {"type": "string"},
                    },
                },
                "automated": {"type": "boolean"},
                "evidence": {"type": "array", "items": {"type": "string"}},
                "appeal": {
                    "type": ["object", "null"],
                    "properties": {"url": NULLABLE_STRING, "api": {"type": "string"}},
                },
                "text": {"type": "string", "description": "Plain language, to show the reader"},
            },
        },
        "Revision": {
            "type": "object",
            "required": ["revision", "created_at"],
            "properties": {
                "revision": {"type": "integer", "minimum": 1},
                "created_at": NULLABLE_STRING,
            },
        },
        "ErasureJob": {
            "type": "object",
            "required": ["id", "author_id", "status"],
            "properties": {
                "id": {"type": "string"},
                "author_id": {"type": "string"},
                "status": {"enum": ["running", "finished"]},
                "comments": {"type": ["integer", "null"]},
                "newly_erased": {"type": ["integer", "null"]},
                "created_at": NULLABLE_STRING,
                "finished_at": NULLABLE_STRING,
            },
        },
    }


# Bulk import (POST /v1/comments:batch) is part of the lifecycle issue, documented beside it.
PATH_GROUPS = [lifecycle_paths, openapi_batch.batch_paths]

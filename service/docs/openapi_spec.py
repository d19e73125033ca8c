"""The OpenAPI 3.1 document served at /openapi.json (and rendered at /docs).

Each area contributes its paths through one function in PATH_GROUPS; to document a new endpoint,
add (or extend) a function returning {path: {method: operation}} and list it there. Limits that
are settings (text length, wait) are read from the app's config, so the document tells the truth
about this installation. tests/service/docs/test_openapi.py runs schemathesis against it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Config = Mapping[str, Any]
JSON = "application/json"
PROBLEM = "application/problem+json"

STATUS_TEXT = {
    400: "Bad request (malformed JSON, bad Idempotency-Key)",
    401: "No or wrong API key",
    403: "No API key (Perspective: PERMISSION_DENIED)",
    404: "Not found (or not this site's)",
    409: "A request with this Idempotency-Key is still in progress",
    413: "Body or text too large",
    415: "Body is not JSON",
    422: "Missing or wrong fields, or an Idempotency-Key reused with another body",
    429: "Rate limit reached; see Retry-After",
    503: "A dependency (queue, workers) is unavailable",
}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(description: str, schema: dict[str, Any], headers: dict | None = None) -> dict:
    response: dict[str, Any] = {"description": description, "content": {JSON: {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def problems(*codes: int, media: str = PROBLEM, schema: str = "Problem") -> dict[str, Any]:
    out = {}
    for code in codes:
        response: dict[str, Any] = {
            "description": STATUS_TEXT[code],
            "content": {media: {"schema": ref(schema)}},
        }
        if code == 429:
            response["headers"] = {"Retry-After": {"schema": {"type": "string"}}}
        out[str(code)] = response
    return out


NUL_IN_URL = {
    "description": "A NUL character (%00) in the URL",
    "content": {PROBLEM: {"schema": ref("Problem")}},
}
IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Repeat a POST safely: the first response is replayed for 24 hours.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}
KEYED_POST_ERRORS = (400, 401, 409, 413, 415, 422, 429)


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": schema}}}


def path_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def author_id_param() -> dict[str, Any]:
    """The site's own author id, whole: it may hold "/" (sent as it is or as %2F)."""
    return {
        **path_param("author_id"),
        "description": "The author id as the site sent it in author.id. Any characters: a '/' "
        "may be sent as it is or as %2F (both name the same author); percent-encode '?', '#', "
        "'%' and spaces as in any URL path.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 200},
    }


GONE = {
    "description": "The comment was deleted and its text erased",
    "content": {PROBLEM: {"schema": ref("Problem")}},
}


def comments_paths(config: Config) -> dict[str, Any]:
    max_wait = int(config["MAX_WAIT_MS"])
    comment = ref("Comment")
    return {
        "/v1/comments": {
            "post": {
                "summary": "Store a comment and queue it for a decision",
                "tags": ["comments"],
                "parameters": [
                    {
                        "name": "wait",
                        "in": "query",
                        "description": "Wait up to this many milliseconds for the decision.",
                        "schema": {"type": "integer", "minimum": 0, "maximum": max_wait},
                    },
                    IDEMPOTENCY,
                ],
                "requestBody": json_body(ref("NewComment")),
                "responses": {
                    "200": json_response("Decided within wait, or already stored", comment),
                    "202": json_response("Stored and queued", comment),
                    **problems(*KEYED_POST_ERRORS),
                    "409": {
                        "description": "Stored with different text (PUT edits it), or a "
                        "request with this Idempotency-Key is still in progress",
                        "content": {PROBLEM: {"schema": ref("Problem")}},
                    },
                    "410": GONE,
                },
            },
            "get": {
                "summary": "Find a comment by the site's own id",
                "tags": ["comments"],
                "parameters": [
                    {
                        "name": "external_id",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": json_response("The comment", comment),
                    **problems(401, 404, 422, 429),
                    "410": GONE,
                },
            },
        },
        "/v1/comments/{comment_id}": {
            "get": {
                "summary": "A comment with its status and decision",
                "tags": ["comments"],
                "parameters": [path_param("comment_id")],
                "responses": {
                    "200": json_response("The comment", comment),
                    **problems(401, 404, 429),
                    "410": GONE,
                },
            }
        },
    }


def site_paths(_config: Config) -> dict[str, Any]:
    return {
        "/v1/site": {
            "get": {
                "summary": "The calling key's site",
                "tags": ["site"],
                "responses": {
                    "200": json_response("The site", ref("Site")),
                    **problems(401, 429),
                },
            }
        }
    }


def webhook_paths(_config: Config) -> dict[str, Any]:
    endpoint = path_param("endpoint_id")
    return {
        "/v1/site/webhooks": {
            "post": {
                "summary": "Register a webhook endpoint (the secret is shown only here)",
                "tags": ["webhooks"],
                "parameters": [IDEMPOTENCY],
                "requestBody": json_body(ref("NewWebhook")),
                "responses": {
                    "201": json_response("Registered", ref("WebhookWithSecret")),
                    **problems(*KEYED_POST_ERRORS),
                },
            },
            "get": {
                "summary": "The site's webhook endpoints",
                "tags": ["webhooks"],
                "responses": {
                    "200": json_response(
                        "Endpoints",
                        {
                            "type": "object",
                            "required": ["webhooks"],
                            "properties": {"webhooks": {"type": "array", "items": ref("Webhook")}},
                        },
                    ),
                    **problems(401, 429),
                },
            },
        },
        "/v1/site/webhooks/{endpoint_id}": {
            "get": {
                "summary": "One endpoint",
                "tags": ["webhooks"],
                "parameters": [endpoint],
                "responses": {
                    "200": json_response("The endpoint", ref("Webhook")),
                    **problems(401, 404, 429),
                },
            },
            "delete": {
                "summary": "Remove an endpoint and its delivery log",
                "tags": ["webhooks"],
                "parameters": [endpoint],
                "responses": {"204": {"description": "Removed"}, **problems(401, 404, 429)},
            },
        },
        "/v1/site/webhooks/{endpoint_id}/rotate": {
            "post": {
                "summary": "New signing secret; the previous one also signs for 24 hours",
                "tags": ["webhooks"],
                "parameters": [endpoint, IDEMPOTENCY],
                "responses": {
                    "200": json_response("The new secret", ref("WebhookWithSecret")),
                    **problems(400, 401, 404, 409, 422, 429),
                },
            },
        },
        "/v1/site/webhooks/{endpoint_id}/deliveries": {
            "get": {
                "summary": "Recent deliveries with every attempt",
                "tags": ["webhooks"],
                "parameters": [endpoint],
                "responses": {
                    "200": json_response(
                        "Deliveries, newest first",
                        {
                            "type": "object",
                            "required": ["deliveries"],
                            "properties": {
                                "deliveries": {"type": "array", "items": ref("Delivery")}
                            },
                        },
                    ),
                    **problems(401, 404, 429),
                },
            }
        },
        "/v1/site/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver": {
            "post": {
                "summary": "Send a delivery again (a fresh round of retries)",
                "tags": ["webhooks"],
                "parameters": [endpoint, path_param("delivery_id"), IDEMPOTENCY],
                "responses": {
                    "202": json_response(
                        "Queued",
                        {
                            "type": "object",
                            "required": ["id", "status"],
                            "properties": {"id": {"type": "string"}, "status": {"type": "string"}},
                        },
                    ),
                    **problems(400, 401, 404, 409, 422, 429, 503),
                },
            }
        },
    }


def perspective_paths(config: Config) -> dict[str, Any]:
    google = {"media": JSON, "schema": "GoogleError"}
    security = [{"perspectiveKey": []}, {"bearer": []}]
    return {
        "/v1alpha1/comments:analyze": {
            "post": {
                "summary": "Perspective-compatible AnalyzeComment",
                "tags": ["perspective"],
                "security": security,
                "parameters": [IDEMPOTENCY],
                "requestBody": json_body(ref("AnalyzeRequest")),
                "responses": {
                    "200": json_response("Scores", ref("AnalyzeResponse")),
                    **problems(400, 403, 409, 413, 415, 422, 429, 503, **google),
                },
            }
        },
        "/v1alpha1/comments:suggestscore": {
            "post": {
                "summary": "Perspective-compatible SuggestCommentScore (kept as labels)",
                "tags": ["perspective"],
                "security": security,
                "parameters": [IDEMPOTENCY],
                "requestBody": json_body(ref("SuggestRequest")),
                "responses": {
                    "200": json_response(
                        "Stored",
                        {"type": "object", "properties": {"clientToken": {"type": "string"}}},
                    ),
                    **problems(400, 403, 409, 413, 415, 422, 429, **google),
                },
            }
        },
    }


def coral_paths(_config: Config) -> dict[str, Any]:
    return {
        "/v1/site/integrations/coral": {
            "put": {
                "summary": "Set the site's Coral signing secret (the previous one stays valid "
                "for grace_seconds, default CORAL_SECRET_GRACE_SECONDS = 86400, then stops)",
                "tags": ["coral"],
                "requestBody": json_body(
                    {
                        "type": "object",
                        "required": ["secret"],
                        "properties": {
                            "secret": {"type": "string", "minLength": 8, "maxLength": 200},
                            "grace_seconds": {"type": "integer", "minimum": 0, "maximum": 2592000},
                        },
                    }
                ),
                "responses": {
                    "200": json_response(
                        "Set",
                        {
                            "type": "object",
                            "required": ["url", "active_secrets"],
                            "properties": {
                                "url": {"type": "string"},
                                "active_secrets": {"type": "integer"},
                                "previous_expires_at": NULLABLE_STRING,
                            },
                        },
                    ),
                    **problems(400, 401, 413, 415, 422, 429),
                },
            }
        },
        "/v1/integrations/coral/{site_id}": {
            "post": {
                "summary": "Coral Talk External Moderation Phase callback",
                "description": "Signed by Coral with X-Coral-Signature (sha256=<hex HMAC of the "
                "body>). The standing of author.id on the site (PUT /v1/authors/{author_id}) "
                "applies: banned is REJECTED, always_hold SYSTEM_WITHHELD at least, trusted "
                "APPROVED unless something says reject. Answers 204 when no decision is ready "
                "within Coral's budget (a banned author is REJECTED even then).",
                "tags": ["coral"],
                "security": [],
                "parameters": [
                    path_param("site_id"),
                    {
                        "name": "X-Coral-Signature",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string"},
                    },
                ],
                "requestBody": json_body(ref("CoralRequest")),
                "responses": {
                    "200": json_response("A decision", ref("CoralResponse")),
                    "204": {"description": "No decision in time; Coral carries on"},
                    **problems(400, 401, 413, 415, 422, 429),
                },
            }
        },
    }


def ops_paths(_config: Config) -> dict[str, Any]:
    plain = {"description": "Prometheus text format", "content": {"text/plain": {"schema": {}}}}
    ready = json_response("Readiness and each check", ref("Readiness"))
    return {
        "/healthz": {
            "get": {
                "summary": "The web process is alive",
                "tags": ["ops"],
                "security": [],
                "responses": {"200": json_response("Alive", {"type": "object"})},
            }
        },
        "/readyz": {
            "get": {
                "summary": "Redis, database, an active model and a live worker",
                "tags": ["ops"],
                "security": [],
                "responses": {"200": ready, "503": {**ready, "description": "Not ready"}},
            }
        },
        "/metrics": {
            "get": {
                "summary": "Prometheus metrics",
                "tags": ["ops"],
                "security": [],
                "responses": {"200": plain},
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "tags": ["ops"],
                "security": [],
                "responses": {"200": json_response("OpenAPI 3.1", {"type": "object"})},
            }
        },
        "/docs": {
            "get": {
                "summary": "This document as a page",
                "tags": ["ops"],
                "security": [],
                "responses": {
                    "200": {"description": "HTML", "content": {"text/html": {"schema": {}}}}
                },
            }
        },
    }


PATH_GROUPS: list[Callable[[Config], dict[str, Any]]] = [
    comments_paths,
    site_paths,
    webhook_paths,
    perspective_paths,
    coral_paths,
    ops_paths,
]


def build(config: Config) -> dict[str, Any]:
    # They import this module's helpers.
    from service.docs import openapi_authors, openapi_credentials, openapi_lifecycle, openapi_paths

    paths: dict[str, Any] = {}
    groups = [
        *PATH_GROUPS,
        *openapi_paths.PATH_GROUPS,
        openapi_authors.authors_paths,
        openapi_credentials.credentials_paths,
        *openapi_lifecycle.PATH_GROUPS,
    ]
    for group in groups:
        # Merged per path, so two groups may document different methods of one path.
        for path, operations in group(config).items():
            paths.setdefault(path, {}).update(operations)
    for operations in paths.values():
        for operation in operations.values():
            # Any URL with %00 is refused (service.http.conventions).
            operation["responses"].setdefault("400", NUL_IN_URL)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Comment moderation",
            "version": "1",
            "description": "Site backends post comments, read decisions and manage their "
            "policy; webhooks, a Perspective-compatible API and a Coral Talk phase for "
            "integrations; model operations for admins. Errors are "
            "RFC 9457 problem details, except under /v1alpha1 (Google's error shape).",
        },
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {**SECURITY_SCHEMES, **openapi_paths.SECURITY_SCHEMES},
            "schemas": {
                **schemas(config),
                **openapi_paths.schemas(),
                **openapi_lifecycle.schemas(config),
            },
        },
    }


SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "The site's API key"},
    "perspectiveKey": {"type": "apiKey", "in": "query", "name": "key"},
}

NULLABLE_STRING = {"type": ["string", "null"]}
PROBABILITY = {"type": "number", "minimum": 0, "maximum": 1}
ATTRIBUTES = [
    "TOXICITY",
    "SEVERE_TOXICITY",
    "IDENTITY_ATTACK",
    "INSULT",
    "PROFANITY",
    "THREAT",
    "SPAM",
]
EVENTS = [
    "comment.decided",
    "comment.moderated",
    "comment.reported",
    "comment.appeal_decided",
    "author.updated",
]


def schemas(config: Config) -> dict[str, Any]:
    from service.docs import openapi_lifecycle  # imports this module's helpers

    max_text = int(config["MAX_TEXT_CHARS"])
    identifier = {"type": "string", "minLength": 1, "maxLength": 200}
    score = {
        "type": "object",
        "required": ["value", "type"],
        "properties": {"value": PROBABILITY, "type": {"const": "PROBABILITY"}},
    }
    return {
        "Problem": {
            "type": "object",
            "required": ["type", "title", "status"],
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "field": {"type": "string"},
                            "message": {"type": "string"},
                        },
                    },
                },
            },
        },
        "GoogleError": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message", "status"],
                    "properties": {
                        "code": {"type": "integer"},
                        "message": {"type": "string"},
                        "status": {"type": "string"},
                    },
                }
            },
        },
        "NewComment": {
            "type": "object",
            "required": ["id", "text", "article", "author"],
            "properties": {
                "id": identifier,
                "text": {"type": "string", "minLength": 1, "maxLength": max_text},
                "article": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": identifier,
                        "title": {"type": "string", "maxLength": 2000},
                        "url": {"type": "string", "maxLength": 2000},
                    },
                },
                "author": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": identifier, "name": {"type": "string", "maxLength": 200}},
                },
                "parent_id": identifier,
                "store_text": openapi_lifecycle.STORE_TEXT,
            },
        },
        "Comment": {
            "type": "object",
            "required": ["id", "external_id", "status", "article", "author", "decision"],
            "properties": {
                "id": {"type": "string"},
                "external_id": {"type": "string"},
                "status": {"type": "string"},
                "article": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "title": NULLABLE_STRING,
                        "url": NULLABLE_STRING,
                    },
                },
                "author": {
                    "type": "object",
                    "properties": {"id": {"type": "string"}, "name": NULLABLE_STRING},
                },
                "parent_id": NULLABLE_STRING,
                "created_at": {"type": "string"},
                "revision": {"type": "integer", "minimum": 1},
                "revisions": {"type": "array", "items": ref("Revision")},
                "text_state": {"enum": [None, "not_stored", "expired"]},
                "decision": {"oneOf": [{"type": "null"}, ref("Decision")]},
                "appeal": {"oneOf": [{"type": "null"}, ref("Appeal")]},
            },
        },
        "Decision": {
            "type": "object",
            "required": ["action", "kind"],
            "properties": {
                "action": {"enum": ["approve", "hold", "reject"]},
                "kind": {"type": "string"},
                "scores": {"type": "object", "additionalProperties": {"type": "number"}},
                "reasons": {"type": "array", "items": {"type": "object"}},
                "model_version": NULLABLE_STRING,
                "policy_version": {"type": ["integer", "null"]},
                "moderator": NULLABLE_STRING,
                "revision": {"type": "integer", "minimum": 1, "description": "The one judged"},
                "statement": ref("Statement"),
                "decided_at": NULLABLE_STRING,
            },
        },
        "Site": {
            "type": "object",
            "required": ["id", "name"],
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "key_prefix": {"type": "string"},
                "created_at": {"type": "string"},
            },
        },
        "NewWebhook": {
            "type": "object",
            "required": ["url"],
            "properties": {
                "url": {"type": "string", "format": "uri", "maxLength": 2000},
                "events": {"type": "array", "minItems": 1, "items": {"enum": EVENTS}},
            },
        },
        "Webhook": {
            "type": "object",
            "required": ["id", "url", "events", "created_at", "paused_until"],
            "properties": {
                "id": {"type": "string"},
                "url": {"type": "string"},
                "events": {"type": "array", "items": {"enum": EVENTS}},
                "created_at": {"type": "string"},
                "paused_until": {
                    **NULLABLE_STRING,
                    "description": "While the receiver fails to answer (timeouts, refused "
                    "connections) several times in a row, its deliveries wait until this time "
                    "without using up their retries; then one is tried, and an answer resumes "
                    "the rest. Null when deliveries go ahead.",
                },
            },
        },
        "WebhookWithSecret": {
            "allOf": [
                ref("Webhook"),
                {
                    "type": "object",
                    "required": ["secret"],
                    "properties": {
                        "secret": {"type": "string", "pattern": "^whsec_"},
                        "previous_secret_expires_at": NULLABLE_STRING,
                    },
                },
            ]
        },
        "Delivery": {
            "type": "object",
            "required": ["id", "event", "status", "attempts"],
            "properties": {
                "id": {"type": "string"},
                "event": {"enum": EVENTS},
                "comment_id": NULLABLE_STRING,
                "status": {"enum": ["pending", "succeeded", "failed"]},
                "next_attempt_at": NULLABLE_STRING,
                "created_at": {"type": "string"},
                "attempts": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "attempted_at": {"type": "string"},
                            "status_code": {"type": ["integer", "null"]},
                            "error": NULLABLE_STRING,
                            "duration_ms": {"type": "integer"},
                        },
                    },
                },
            },
        },
        "AnalyzeRequest": {
            "type": "object",
            "required": ["comment", "requestedAttributes"],
            "properties": {
                "comment": {
                    "type": "object",
                    "required": ["text"],
                    "properties": {
                        "text": {"type": "string", "minLength": 1, "maxLength": max_text},
                        "type": {"enum": ["PLAIN_TEXT", "HTML"]},
                    },
                },
                "requestedAttributes": {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": False,
                    "properties": {
                        a: {
                            "type": "object",
                            "properties": {
                                "scoreType": {"const": "PROBABILITY"},
                                "scoreThreshold": PROBABILITY,
                            },
                        }
                        for a in ATTRIBUTES
                    },
                },
                "languages": {"type": "array", "items": {"type": "string"}},
                "spanAnnotations": {"type": "boolean"},
                "doNotStore": {"type": "boolean"},
                "clientToken": {"type": "string", "maxLength": 200},
                "sessionId": {"type": "string", "maxLength": 200},
                "communityId": {"type": "string", "maxLength": 200},
            },
        },
        "AnalyzeResponse": {
            "type": "object",
            "required": ["attributeScores", "languages"],
            "properties": {
                "attributeScores": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "required": ["summaryScore"],
                        "properties": {
                            "summaryScore": score,
                            "spanScores": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["begin", "end", "score"],
                                    "properties": {
                                        "begin": {"type": "integer"},
                                        "end": {"type": "integer"},
                                        "score": score,
                                    },
                                },
                            },
                        },
                    },
                },
                "languages": {"type": "array", "items": {"type": "string"}},
                "detectedLanguages": {"type": "array", "items": {"type": "string"}},
                "clientToken": {"type": "string"},
            },
        },
        "SuggestRequest": {
            "type": "object",
            "required": ["comment", "attributeScores"],
            "properties": {
                "comment": {
                    "type": "object",
                    "required": ["text"],
                    "properties": {"text": {"type": "string", "minLength": 1}},
                },
                "attributeScores": {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": False,
                    "properties": {
                        a: {
                            "type": "object",
                            "required": ["summaryScore"],
                            "properties": {
                                "summaryScore": {
                                    "type": "object",
                                    "required": ["value"],
                                    "properties": {"value": PROBABILITY},
                                }
                            },
                        }
                        for a in ATTRIBUTES
                    },
                },
                "languages": {"type": "array", "items": {"type": "string"}},
                "communityId": {"type": "string", "maxLength": 200},
                "clientToken": {"type": "string", "maxLength": 200},
            },
        },
        "CoralRequest": {
            "type": "object",
            "required": ["action", "comment"],
            "properties": {
                "action": {"enum": ["NEW", "EDIT"]},
                "comment": {
                    "type": "object",
                    "required": ["body"],
                    "properties": {"body": {"type": "string"}, "parentID": NULLABLE_STRING},
                },
                "author": {
                    "type": "object",
                    "description": "Coral's user; its id is the author id of standings",
                    "properties": {"id": {"type": "string", "maxLength": 200}},
                },
                "story": {"type": "object"},
                "site": {"type": "object"},
                "tenantID": {"type": "string"},
                "tenantDomain": {"type": "string"},
            },
        },
        "CoralResponse": {
            "type": "object",
            "required": ["status"],
            "properties": {
                "status": {"enum": ["APPROVED", "REJECTED", "SYSTEM_WITHHELD"]},
                "actions": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["actionType", "reason"],
                        "properties": {
                            "actionType": {"const": "FLAG"},
                            "reason": {"enum": ["COMMENT_DETECTED_TOXIC", "COMMENT_DETECTED_SPAM"]},
                        },
                    },
                },
            },
        },
        "Readiness": {
            "type": "object",
            "required": ["status", "checks"],
            "properties": {
                "status": {"enum": ["ready", "not ready"]},
                "checks": {"type": "object"},
            },
        },
    }

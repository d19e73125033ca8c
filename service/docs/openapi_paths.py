"""OpenAPI paths and schemas for reader reports, site policies and admin model operations.

Kept beside openapi_spec.py (which lists these groups in PATH_GROUPS) to keep each module small;
the policy schema follows models/policy.py's validation, so what it accepts is what PUT accepts.
"""

from __future__ import annotations

from typing import Any

from models.guidelines import CLASSIFIER_GUIDELINES
from models.langid import SUPPORTED_LANGUAGES
from models.policy import MAX_WORD_LENGTH, MAX_WORDS, PERSONAL_DATA_KINDS, RULE_ACTIONS
from service.docs.openapi_spec import (
    IDEMPOTENCY,
    NULLABLE_STRING,
    PROBABILITY,
    PROBLEM,
    Config,
    json_body,
    json_response,
    path_param,
    problems,
    ref,
)

ADMIN_SECURITY = [{"moderatorSession": []}]
OBJECT = {"type": "object"}


def _problem(code: int, description: str) -> dict[str, Any]:
    """One problem response whose meaning here differs from openapi_spec.STATUS_TEXT."""
    return {
        str(code): {"description": description, "content": {PROBLEM: {"schema": ref("Problem")}}}
    }


def reports_paths(_config: Config) -> dict[str, Any]:
    return {
        "/v1/comments/{comment_id}/reports": {
            "post": {
                "summary": "A reader reported a published comment; it goes back to moderators",
                "tags": ["comments"],
                "parameters": [path_param("comment_id"), IDEMPOTENCY],
                "requestBody": json_body(
                    {
                        "type": "object",
                        "required": ["reason"],
                        "properties": {"reason": {"type": "string", "minLength": 1}},
                    }
                ),
                "responses": {
                    "202": json_response("Reported", ref("Report")),
                    **problems(400, 401, 404, 413, 415, 422, 429),
                    **_problem(409, "Not published (still pending or rejected), or a key in use"),
                },
            }
        }
    }


def policy_paths(_config: Config) -> dict[str, Any]:
    etag = {"ETag": {"description": "The version number, quoted", "schema": {"type": "string"}}}
    version = {**path_param("version"), "schema": {"type": "integer", "minimum": 0}}
    return {
        "/v1/site/policy": {
            "get": {
                "summary": "The site's current guideline policy (version 0 is the default)",
                "tags": ["policy"],
                "parameters": [_etag_header("If-None-Match", "304 while this version is current")],
                "responses": {
                    "200": json_response("The policy", ref("PolicyVersion"), etag),
                    "304": {"description": "Unchanged since the ETag sent", "headers": etag},
                    **problems(401, 429),
                },
            },
            "put": {
                "summary": "Replace the whole policy (keys left out take the defaults)",
                "description": "A new version only when the document changes. The body is a "
                "policy document, or what GET answered (its `policy` is used). At most "
                "POLICY_CHANGES_PER_HOUR (30) new versions a site an hour: past it a 429 with "
                "Retry-After, and nothing is stored.",
                "tags": ["policy"],
                "parameters": [_etag_header("If-Match", "Save only if this is still current")],
                "requestBody": json_body(
                    {"oneOf": [ref("Policy"), ref("PolicyEnvelope")]},
                ),
                "responses": {
                    "200": json_response("Saved (or unchanged)", ref("SavedPolicy"), etag),
                    **problems(400, 401, 413, 415, 429),
                    **_problem(409, "Another change was saved at the same moment; retry"),
                    **_problem(412, "If-Match is malformed or no longer the current version"),
                    **_problem(422, "The document is not valid; errors names every field"),
                },
            },
        },
        "/v1/site/policy/versions": {
            "get": {
                "summary": "Every version of the site's policy, oldest first",
                "tags": ["policy"],
                "responses": {
                    "200": json_response(
                        "The versions",
                        {
                            "type": "object",
                            "required": ["current", "versions"],
                            "properties": {
                                "current": {"type": "integer", "minimum": 0},
                                "versions": {"type": "array", "items": ref("PolicyVersionInfo")},
                            },
                        },
                    ),
                    **problems(401, 429),
                },
            }
        },
        "/v1/site/policy/versions/{version}": {
            "get": {
                "summary": "One version of the site's policy",
                "tags": ["policy"],
                "parameters": [version],
                "responses": {
                    "200": json_response("That version", ref("PolicyVersion"), etag),
                    **problems(401, 404, 429),
                },
            }
        },
    }


def _etag_header(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": False,
        "description": f'{description}; a version ETag such as "3" (or *).',
        "schema": {"type": "string"},
    }


def admin_model_paths(_config: Config) -> dict[str, Any]:
    base = "/v1/admin/models"
    queued = json_response("Queued; poll the job at Location", ref("QueuedJob"))
    queued["headers"] = {"Location": {"schema": {"type": "string"}}}
    shadow = {"type": "object", "required": ["shadow"], "properties": {"shadow": NULLABLE_STRING}}
    return {
        base: {
            "get": _admin(
                "Trained model versions, the active one and the shadow",
                reads=True,
                responses={"200": json_response("The versions", ref("ModelVersions"))},
            )
        },
        f"{base}/train": {
            "post": _admin(
                "Train a new version (a job on the ops queue)",
                body=ref("TrainRequest"),
                responses={"202": queued, **problems(400, 413, 415, 422)},
            )
        },
        f"{base}/jobs/{{job_id}}": {
            "get": _admin(
                "What became of a training or promotion job",
                reads=True,
                parameters=[path_param("job_id")],
                responses={
                    "200": json_response("The job", ref("ModelJob")),
                    **_problem(404, "No such job (finished jobs are kept 7 days)"),
                },
            )
        },
        f"{base}/{{version}}/promote": {
            "post": _admin(
                "Gate a version against the active one, then activate it (a job)",
                parameters=[path_param("version")],
                body=ref("PromoteRequest"),
                body_required=False,
                responses={
                    "202": queued,
                    **problems(400, 413, 415, 422),
                    **_problem(404, "No such model version"),
                },
            )
        },
        f"{base}/rollback": {
            "post": _admin(
                "Activate the version that was active before",
                responses={
                    "200": json_response(
                        "Rolled back",
                        {
                            "type": "object",
                            "required": ["active", "was"],
                            "properties": {"active": {"type": "string"}, "was": NULLABLE_STRING},
                        },
                    ),
                    **_problem(409, "No earlier version to go back to"),
                },
            )
        },
        f"{base}/shadow": {
            "put": _admin(
                "Score every comment with this version too, without acting on it",
                body={
                    "type": "object",
                    "required": ["version"],
                    "properties": {"version": {"type": "string"}},
                },
                responses={
                    "200": json_response("Shadowing", shadow),
                    **problems(400, 413, 415, 422),
                    **_problem(404, "No such model version"),
                    **_problem(409, "That version is the active one"),
                },
            ),
            "delete": _admin(
                "Stop shadowing",
                responses={"200": json_response("No shadow", shadow)},
            ),
        },
        f"{base}/shadow/report": {
            "get": _admin(
                "How often the shadow version agreed with the active one",
                reads=True,
                parameters=[
                    {
                        "name": "version",
                        "in": "query",
                        "required": False,
                        "description": "Another shadowed version than the current shadow",
                        "schema": {"type": "string"},
                    }
                ],
                responses={
                    "200": json_response("Agreement and changed decisions", ref("ShadowReport")),
                    **_problem(404, "No shadow version; name one with ?version="),
                },
            )
        },
    }


def _admin(
    summary: str,
    *,
    responses: dict[str, Any],
    reads: bool = False,
    parameters: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
    body_required: bool = True,
) -> dict[str, Any]:
    """An admin operation: the moderator UI's session of an admin user; writes need CSRF too."""
    operation: dict[str, Any] = {
        "summary": summary,
        "tags": ["admin"],
        "security": ADMIN_SECURITY,
        "parameters": list(parameters or []),
    }
    forbidden = "Not an admin user" if reads else "Not an admin user, or no X-CSRF-Token"
    if not reads:
        operation["parameters"].append(
            {
                "name": "X-CSRF-Token",
                "in": "header",
                "required": True,
                "description": "The session's CSRF token (the csrf-token meta tag of /queue)",
                "schema": {"type": "string"},
            }
        )
    if body is not None:
        operation["requestBody"] = {**json_body(body), "required": body_required}
    operation["responses"] = {
        **responses,
        **_problem(401, "Not logged in at /login"),
        **_problem(403, forbidden),
        **problems(429),
    }
    return operation


SECURITY_SCHEMES = {
    "moderatorSession": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
        "description": "The moderator UI's session cookie (log in at /login)",
    },
}


def _section(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "properties": properties}


def _whole(low: int, high: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": high}


def policy_document() -> dict[str, Any]:
    action = {"enum": list(RULE_ACTIONS), "description": "allow switches the rule off"}
    nullable_probability = {"oneOf": [{"type": "null"}, PROBABILITY]}
    threshold = {
        "oneOf": [
            {"type": "null"},
            _section({"hold": nullable_probability, "reject": nullable_probability}),
        ],
        "description": "Hold or reject at or above these scores; null switches the check off",
    }
    words = {
        "type": "array",
        "maxItems": MAX_WORDS,
        "items": {"type": "string", "minLength": 1, "maxLength": MAX_WORD_LENGTH},
    }
    return {
        **_section(
            {
                "thresholds": _section({code: threshold for code in CLASSIFIER_GUIDELINES}),
                "word_lists": _section({"banned": words, "suspect": words}),
                "links": _section(
                    {
                        "action": action,
                        "allowed_domains": {
                            "type": "array",
                            "maxItems": 1000,
                            "items": {"type": "string"},
                        },
                    }
                ),
                "personal_data": _section(
                    {
                        "action": action,
                        "detect": {"type": "array", "items": {"enum": list(PERSONAL_DATA_KINDS)}},
                    }
                ),
                "threats": _section({"action": action}),
                "language": _section(
                    {
                        "action": action,
                        "allowed": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": 50,
                            "items": {"enum": sorted(SUPPORTED_LANGUAGES)},
                        },
                    }
                ),
                "shouting": _section(
                    {
                        "action": action,
                        "caps_share": PROBABILITY,
                        "min_letters": _whole(1, 10_000),
                        "max_repeat": _whole(2, 10_000),
                    }
                ),
                "repeats": _section(
                    {
                        "action": action,
                        "window_seconds": _whole(1, 30 * 24 * 3600),
                        "max_same_author": _whole(1, 1000),
                        "max_across_authors": _whole(1, 1000),
                    }
                ),
                "new_commenter": _section(
                    {"enabled": {"type": "boolean"}, "first_n": _whole(1, 1000)}
                ),
                "author_history": _section(
                    {
                        "enabled": {"type": "boolean"},
                        "window": _whole(1, 1000),
                        "reject_share": PROBABILITY,
                        "min_comments": _whole(1, 1000),
                    }
                ),
            }
        ),
        "description": "Keys left out take the shipped defaults.",
    }


def schemas() -> dict[str, Any]:
    info = {
        "version": {"type": "integer", "minimum": 0},
        "created_at": NULLABLE_STRING,
        "created_by": NULLABLE_STRING,
    }
    stored = {
        "type": "object",
        "required": ["site_id", "version", "created_at", "created_by", "policy"],
        "properties": {"site_id": {"type": "string"}, **info, "policy": ref("Policy")},
    }
    return {
        "Report": {
            "type": "object",
            "required": ["id", "comment_id", "status"],
            "properties": {
                "id": {"type": "integer"},
                "comment_id": {"type": "string"},
                "status": {"enum": ["approved", "held"]},
            },
        },
        "Policy": policy_document(),
        "PolicyEnvelope": {
            "type": "object",
            "required": ["policy"],
            "additionalProperties": False,
            "description": "What GET answered; only policy is read, the other keys are ignored",
            "properties": {
                **{key: {} for key in ("site_id", "version", "created_at", "created_by")},
                "changed": {},
                "policy": ref("Policy"),
            },
        },
        "PolicyVersion": stored,
        "SavedPolicy": {
            **stored,
            "required": [*stored["required"], "changed"],
            "properties": {**stored["properties"], "changed": {"type": "boolean"}},
        },
        "PolicyVersionInfo": {"type": "object", "required": list(info), "properties": info},
        **admin_schemas(),
    }


def admin_schemas() -> dict[str, Any]:
    return {
        "ModelVersions": {
            "type": "object",
            "required": ["versions", "active", "shadow"],
            "properties": {
                "active": NULLABLE_STRING,
                "shadow": NULLABLE_STRING,
                "versions": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["version", "active", "shadow", "previous"],
                        "properties": {
                            "version": {"type": "string"},
                            "created_at": NULLABLE_STRING,
                            "test_auc": OBJECT,
                            # How the version used moderators' labels (training metadata);
                            # null for a version trained before labels were recorded.
                            "moderator_labels": {
                                "type": ["object", "null"],
                                "properties": {
                                    "used": {"type": "boolean"},
                                    "rows": {"type": "integer"},
                                    "weight": {"type": ["number", "null"]},
                                    "since": NULLABLE_STRING,
                                },
                            },
                            "active": {"type": "boolean"},
                            "shadow": {"type": "boolean"},
                            "previous": {"type": "boolean"},
                        },
                    },
                },
            },
        },
        "TrainRequest": {
            "type": "object",
            "properties": {
                "since": {"type": "string", "description": "ISO date: labels from then on"},
                "max_rows": {"type": "integer", "minimum": 1},
                "with_labels": {"type": "boolean"},
                "label_weight": {"type": "number", "exclusiveMinimum": 0},
            },
        },
        "PromoteRequest": {
            "type": "object",
            "properties": {
                "force": {"type": "boolean", "description": "Activate even if the gate fails"},
                "limit": {"type": "integer", "minimum": 1},
            },
        },
        "QueuedJob": {
            "type": "object",
            "required": ["job", "status"],
            "properties": {"job": {"type": "string"}, "status": {"const": "queued"}},
        },
        "ModelJob": {
            "type": "object",
            "required": ["id", "status"],
            "properties": {
                "id": {"type": "string"},
                "status": {"type": "string"},
                "result": {},
                "version": {"type": "string"},
                "error": {"type": ["array", "null"], "items": {"type": "string"}},
            },
        },
        "ShadowReport": {
            "type": "object",
            "required": ["version", "compared", "agreed", "agreement_rate", "changed"],
            "properties": {
                "version": {"type": "string"},
                "compared": {
                    "type": "integer",
                    "description": "Decisions compared: one per revision of a comment (an edited "
                    "comment is judged once per text, by each model)",
                },
                "agreed": {"type": "integer"},
                "agreement_rate": {"type": ["number", "null"]},
                "changed": {"type": "object", "additionalProperties": {"type": "integer"}},
                "examples": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "comment_id": {"type": "string"},
                                "revision": {"type": "integer", "minimum": 1},
                                "text": {"type": "string"},
                                "active": {"type": "object"},
                                "shadow": {"type": "object"},
                            },
                        },
                    },
                },
            },
        },
    }


PATH_GROUPS = [reports_paths, policy_paths, admin_model_paths]

"""`/v1/site/policy`: a site reads and replaces its own guideline policy, and reads old versions.

`PUT` replaces the whole document (keys left out take the shipped defaults, not the current
values) and makes a new version only when the document changes. The ETag is the version number,
so `If-Match` protects a read-modify-write from a concurrent change (412), and `If-None-Match`
lets a client poll cheaply (304).
"""

from __future__ import annotations

import math
import re
from datetime import timedelta

from flask import Blueprint, Response, current_app, jsonify, request

from models.policy import MAX_DOMAINS, MAX_WORDS, Policy, PolicyError
from service.http.auth import require_site
from service.http.parsing import json_body
from service.http.problems import Problem
from service.storage import db, policies

bp = Blueprint("policy_api", __name__, url_prefix="/v1/site/policy")


def _etag(version: int) -> str:
    return str(version)


def _answer(found: policies.PolicyVersion, **extra: object) -> Response:
    response = jsonify({**found.view(), **extra})
    response.set_etag(_etag(found.version))
    # The document changes with every PUT; caches must ask again.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("")
def get_policy():
    site = require_site()
    with db.engine().connect() as conn:
        found = policies.current(conn, site["id"])
    if request.if_none_match.contains(_etag(found.version)):
        response = Response(status=304)
        response.set_etag(_etag(found.version))
        return response
    return _answer(found)


# A policy holds word and domain lists as long as the policy itself allows (its own checks
# bound each list), plus its few hundred settings.
POLICY_MAX_FIELDS = 2 * MAX_WORDS + MAX_DOMAINS + 500


@bp.put("")
def put_policy():
    site = require_site()
    document = policies.unwrap(json_body(max_fields=POLICY_MAX_FIELDS))
    try:
        policy = Policy.from_dict(document)
    except PolicyError as exc:
        raise Problem(
            422,
            "Unprocessable Content",
            "The policy document is not valid; see errors for each field.",
            errors=exc.errors,
        ) from None
    expected = _expected_version()
    with db.engine().begin() as conn:
        if policies.differs_from_current(conn, site["id"], policy):
            _refuse_past_change_limit(conn, site["id"])
        try:
            found, changed = policies.set_policy(
                conn,
                site["id"],
                policy,
                created_by=f"api:{site['key_prefix']}",
                expected_version=expected,
            )
        except policies.PolicyConflict as exc:
            if expected is not None:
                raise Problem(
                    412,
                    "Precondition Failed",
                    f"The policy changed; it is now at version {exc.current}. Read it and retry.",
                ) from None
            raise Problem(
                409, "Conflict", "Another change was saved at the same moment; retry."
            ) from None
    return _answer(found, changed=changed)


# Each new version makes every worker build the site's word-list matchers again (seconds for the
# longest lists), so a site may change its policy only so often.
CHANGE_WINDOW = timedelta(hours=1)


def _refuse_past_change_limit(conn, site_id: str) -> None:
    """429 when the site already stored POLICY_CHANGES_PER_HOUR versions in the last hour."""
    limit = int(current_app.config["POLICY_CHANGES_PER_HOUR"])
    now = db.utcnow()
    recent = policies.changes_since(conn, site_id, now - CHANGE_WINDOW)
    if len(recent) < limit:
        return
    # Allowed again once enough of them have left the window to leave room for one more.
    frees_at = recent[len(recent) - limit] + CHANGE_WINDOW
    retry_after = max(1, math.ceil((frees_at - now).total_seconds()))
    raise Problem(
        429,
        "Too Many Requests",
        f"At most {limit} policy changes an hour; retry in {retry_after} s.",
        headers={"Retry-After": str(retry_after)},
    )


@bp.get("/versions")
def list_versions():
    site = require_site()
    with db.engine().connect() as conn:
        versions = policies.list_versions(conn, site["id"])
        current = policies.current_version_number(conn, site["id"])
    return jsonify({"current": current, "versions": versions})


@bp.get("/versions/<int:version>")
def get_version(version: int):
    site = require_site()
    with db.engine().connect() as conn:
        found = policies.get_version(conn, site["id"], version)
    if found is None:
        raise Problem(404, "Not Found", f"This site has no policy version {version}.")
    return _answer(found)


_VERSION_TAG = re.compile(r"[0-9]{1,10}")


def _expected_version() -> int | None:
    """The version named by If-Match, None without one; `*` means any (no check)."""
    if not request.headers.get("If-Match"):
        return None
    if request.if_match.star_tag:
        return None
    # `If-Match: ""` parses as one tag that is None.
    tags = [tag for tag in request.if_match.as_set() if tag is not None]
    # ASCII digits only: str.isdigit() also passes "²", which int() refuses. No version has more
    # than ten digits, and int() of thousands of digits raises too.
    if len(tags) != 1 or not _VERSION_TAG.fullmatch(tags[0]):
        raise Problem(412, "Precondition Failed", 'If-Match must name one version ETag, e.g. "3".')
    return int(tags[0])

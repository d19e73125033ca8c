"""API conventions every POST and every keyed request gets: Idempotency-Key and rate limits
(and every request: a URL with a NUL character, %00, is a 400).

The first two live in Redis, so every web process sees the same counts and stored responses.
Both are keyed by the site key the route authenticates with (`auth.request_site_key`, hashed), so
one site cannot use up another's limit or read another's stored responses, and a request cannot
be counted under one key while it authenticates with another. Requests without a site key pass
through: they fail auth, or (the admin API, the moderator pages) authenticate by session and get
neither a per-key limit nor replays, which would answer before the login and CSRF checks.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from typing import Any

from flask import Flask, Response, current_app, g, request
from redis.exceptions import RedisError

from service.compat.google_errors import error_response
from service.http.auth import hash_key, request_site_key
from service.http.problems import Problem, problem_response
from service.transport import broker

SETTINGS: dict[str, Any] = {
    # Requests per site key per minute; generous by default (the bench runs 100 per second).
    "RATE_LIMIT_PER_MINUTE": 12_000,
    # How long a response stays replayable for the same Idempotency-Key (seconds).
    "IDEMPOTENCY_TTL_SECONDS": 24 * 3600,
    # How long a request in flight holds its key against a concurrent duplicate.
    "IDEMPOTENCY_LOCK_SECONDS": 60,
    # Response bodies up to this size are kept whole for replay; a larger one is kept as its
    # status, Location and short top-level fields (so one key costs Redis at most about this).
    "IDEMPOTENCY_MAX_BODY_BYTES": 8 * 1024,
}
# A top-level field of a large response is kept for its replay only when this short (ids,
# statuses); long texts and nested objects are left for a GET of the Location.
_KEPT_FIELD_BYTES = 128
IN_FLIGHT = "in-flight"


def init_app(app: Flask) -> None:
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    app.before_request(_refuse_nul)
    app.before_request(_rate_limit)
    app.before_request(_idempotency_start)
    app.after_request(_idempotency_store)
    app.teardown_request(_idempotency_release)


def _caller() -> str | None:
    """The hash of the site key this request authenticates with, if any."""
    key = request_site_key()
    return hash_key(key) if key else None


def _error(status: int, title: str, detail: str, headers: dict[str, str] | None = None):
    if request.path.startswith("/v1alpha1/"):  # Perspective's clients expect Google's shape
        return error_response(status, detail, headers)
    return problem_response(status, title, detail, headers=headers)


def _refuse_nul() -> Response | None:
    """No real path or query value has a NUL, and PostgreSQL refuses one in any text parameter."""
    if "\x00" in request.path or any(
        "\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)
    ):
        return _error(400, "Bad Request", "The URL contains a NUL character (%00).")
    return None


# One script, one reply: the window's count so far and its seconds left.
_COUNT_IN_WINDOW = """
redis.call('SET', KEYS[1], 0, 'EX', ARGV[1], 'NX')
local count = redis.call('INCR', KEYS[1])
return {count, redis.call('TTL', KEYS[1])}
"""


# A request that does the work of several (a batch) adds the rest of its weight only if all of
# it fits under the limit: a refused batch leaves the window's count as it was, so the requests
# that still fit keep working.
_CHARGE_MORE = """
redis.call('SET', KEYS[1], 0, 'EX', ARGV[3], 'NX')
local count = tonumber(redis.call('GET', KEYS[1]))
if count + tonumber(ARGV[1]) > tonumber(ARGV[2]) then
  return {0, count, redis.call('TTL', KEYS[1])}
end
return {1, redis.call('INCRBY', KEYS[1], ARGV[1]), redis.call('TTL', KEYS[1])}
"""


def _rate_key(caller: str) -> str:
    return f"moderation:rate:{caller}"


def _too_many(limit: int, ttl: int, detail: str = "") -> tuple[int, str, str, dict[str, str]]:
    retry_after = max(1, int(ttl))
    return (
        429,
        "Too Many Requests",
        f"More than {limit} requests a minute with this key; retry in {retry_after} s.{detail}",
        {"Retry-After": str(retry_after)},
    )


def _rate_limit() -> Response | None:
    caller = _caller()
    if caller is None:
        return None
    limit = int(current_app.config["RATE_LIMIT_PER_MINUTE"])
    # A one-minute window opened by the key's first request (SET NX with the expiry, then INCR,
    # which keeps it): no minute-boundary bursts, and it runs on Redis 6 (no EXPIRE NX).
    try:
        conn = broker.connection()
        count, ttl = conn.register_script(_COUNT_IN_WINDOW)(keys=[_rate_key(caller)], args=[60])
    except RedisError:
        return None  # the limiter failing open beats refusing every request
    if count > limit:
        return _error(*_too_many(limit, ttl))
    return None


def charge_more(weight: int) -> None:
    """Count this request as `weight` requests against its key's limit (it was counted once on
    arrival); raises a 429 Problem, counting nothing more, when that does not fit this minute.

    The batch endpoint calls it with its number of comments, so a site's limit is a number of
    comments a minute however it sends them.
    """
    caller = _caller()
    if caller is None or weight <= 1:
        return
    limit = int(current_app.config["RATE_LIMIT_PER_MINUTE"])
    try:
        conn = broker.connection()
        fits, count, ttl = conn.register_script(_CHARGE_MORE)(
            keys=[_rate_key(caller)], args=[weight - 1, limit, 60]
        )
    except RedisError:
        return  # fails open, as the per-request count does
    if not fits:
        left = max(0, limit - int(count) + 1)  # this request's own count is already in
        status, title, detail, headers = _too_many(
            limit,
            ttl,
            f" This request counts as {weight} (one per comment); {left} fit now"
            + (f", so split it into requests of at most {limit}." if weight > limit else "."),
        )
        raise Problem(status, title, detail, headers=headers)


def _idempotency_start() -> Response | None:
    idem = request.headers.get("Idempotency-Key")
    if request.method != "POST" or idem is None:
        return None
    caller = _caller()
    if caller is None:
        return None
    if not 1 <= len(idem) <= 255:
        return _error(400, "Bad Request", "Idempotency-Key must be 1 to 255 characters.")
    fingerprint = hashlib.sha256(
        b"\n".join([request.path.encode(), request.query_string, request.get_data(cache=True)])
    ).hexdigest()
    key = "moderation:idem:" + hashlib.sha256(f"{caller}:{idem}".encode()).hexdigest()
    lock = json.dumps({"state": IN_FLIGHT, "fingerprint": fingerprint})
    try:
        conn = broker.connection()
        if conn.set(key, lock, nx=True, ex=int(current_app.config["IDEMPOTENCY_LOCK_SECONDS"])):
            g.idempotency = (key, fingerprint)
            return None
        stored = conn.get(key)
    except RedisError:
        # Fails open like the rate limiter: the request goes on without replay protection. A
        # comment is still stored once (its site comment id is unique); refusing would lose it.
        return None
    if stored is None:  # expired in between: rare; let the client try again
        return _error(409, "Conflict", "Retry: the Idempotency-Key was being released.")
    saved = json.loads(stored)
    if saved["fingerprint"] != fingerprint:
        return _error(
            422,
            "Unprocessable Content",
            "This Idempotency-Key was used with a different request; use a new key.",
        )
    if saved["state"] == IN_FLIGHT:
        return _error(409, "Conflict", "A request with this Idempotency-Key is still in progress.")
    response = Response(saved["body"], status=saved["status"], mimetype=saved["mimetype"])
    for name, value in saved["headers"].items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _idempotency_store(response: Response) -> Response:
    held = g.pop("idempotency", None)
    if held is None:
        return response
    key, fingerprint = held
    # Server errors, throttling and refused credentials are not results: the client may retry
    # with the same key. Keeping a 401 would also let made-up bearer values fill Redis for a day.
    if response.status_code >= 500 or response.status_code in (401, 403, 429):
        with contextlib.suppress(RedisError):
            broker.connection().delete(key)
        return response
    saved = {
        "state": "done",
        "fingerprint": fingerprint,
        "status": response.status_code,
        "mimetype": response.mimetype,
        "headers": {k: v for k, v in response.headers.items() if k in ("Location", "Retry-After")},
        "body": _replay_body(response),
    }
    with contextlib.suppress(RedisError):  # Redis went away mid-request: the answer still goes
        ttl = int(current_app.config["IDEMPOTENCY_TTL_SECONDS"])
        broker.connection().set(key, json.dumps(saved), ex=ttl)
    return response


def _replay_body(response: Response) -> str:
    """The body to replay: the whole one, or past IDEMPOTENCY_MAX_BODY_BYTES its short fields."""
    body = response.get_data(as_text=True)
    if len(body.encode()) <= int(current_app.config["IDEMPOTENCY_MAX_BODY_BYTES"]):
        return body
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    kept: dict[str, Any] = {}
    if isinstance(parsed, dict):
        kept = {
            name: value
            for name, value in parsed.items()
            if not isinstance(value, dict | list) and len(json.dumps(value)) <= _KEPT_FIELD_BYTES
        }
    return json.dumps({**kept, "replay_truncated": True})


def _idempotency_release(_exc: BaseException | None) -> None:
    """After an unhandled error the key must not stay locked until it expires."""
    held = g.pop("idempotency", None)
    if held is not None:
        with contextlib.suppress(RedisError):
            broker.connection().delete(held[0])

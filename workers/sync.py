"""Scoring while a caller waits (comments:analyze, Coral): a plain Redis list, not RQ.

An RQ job costs several Redis round trips and bookkeeping (job hash, registries, result) before
and after the work; for a caller with a budget of tens of milliseconds that overhead matters.
So each worker process also runs one thread that BLPOPs a plain list of requests, scores the
text with the same loaded model and policy, and pushes the answer onto the caller's reply list.
Nothing is written to the database here: the caller decides what, if anything, is stored.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

from redis.exceptions import RedisError

from models import langid
from models.policy import DEFAULT_POLICY, Policy
from service import tables_policy
from service.integrations import metrics
from workers import pipeline, runtime, site_policy

log = logging.getLogger(__name__)

REQUEST_LIST = "moderation:sync:requests"
REPLY_TTL_SECONDS = 30


def handle(rt: runtime.Runtime, request: dict[str, Any]) -> dict[str, Any]:
    """Scores, the policy's decision, evidence spans for the asked categories, the language."""
    text = request["text"]
    version, classifier = rt.models.get()
    started = time.perf_counter()
    policy, policy_version = _site_policy(rt, request.get("site_id"))
    outcome = pipeline.decide_comment(classifier, text, policy, policy_version)
    spans = {
        category: [span.to_dict() for span in classifier.evidence(text, category)]
        for category in request.get("spans", [])
    }
    found = langid.identify(text)
    metrics.observe_scoring(rt.redis, "sync", time.perf_counter() - started)
    return {
        "scores": outcome.scores,
        "action": outcome.action,
        "reasons": outcome.reasons,
        "spans": spans,
        "language": found.language if found else None,
        "model_version": version,
        "policy_version": policy_version,
    }


def _site_policy(rt: runtime.Runtime, site_id: str | None) -> tuple[Policy, int | None]:
    """The site's current policy (one primary-key read; parsed once per version), else the default.

    No author context here: the caller stores nothing, so there is no history to read or add to.
    """
    if not site_id:
        return DEFAULT_POLICY, None
    with rt.engine.connect() as conn:
        current = tables_policy.current_version_number(conn, site_id)
        return site_policy.policy_for(conn, site_id, current)


def serve_one(rt: runtime.Runtime, timeout: float = 1.0) -> bool:
    """Answer one waiting request; False when none came within `timeout` seconds."""
    item = rt.redis.blpop([REQUEST_LIST], timeout=timeout)
    if item is None:
        return False
    request = json.loads(item[1])
    if request["deadline"] < time.time():  # the caller has already answered without us
        return True
    try:
        answer = {"ok": True, **handle(rt, request)}
    except Exception as exc:  # the caller gets an error answer instead of waiting out its budget
        log.exception("sync scoring failed")
        answer = {"ok": False, "error": type(exc).__name__}
    pipe = rt.redis.pipeline(transaction=False)
    pipe.lpush(request["reply"], json.dumps(answer))
    pipe.expire(request["reply"], REPLY_TTL_SECONDS)
    pipe.execute()
    return True


def serve(rt: runtime.Runtime, stop: threading.Event, poll: float = 1.0) -> None:
    while not stop.is_set():
        try:
            serve_one(rt, timeout=poll)
        except RedisError:
            log.warning("sync scoring: Redis unreachable; retrying in 1 s")
            stop.wait(1.0)


def start(rt: runtime.Runtime) -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(rt, stop), name="sync-scoring", daemon=True)
    thread.start()
    return thread, stop

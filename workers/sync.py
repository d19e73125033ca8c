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

from redis.client import Pipeline
from redis.exceptions import RedisError

from models import langid
from models.policy import Policy
from service.ops import metrics
from service.storage import policies
from workers import pipeline, runtime, site_policy

log = logging.getLogger(__name__)

REQUEST_LIST = "moderation:sync:requests"
REPLY_TTL_SECONDS = 30


def handle(rt: runtime.Runtime, request: dict[str, Any], pipe: Pipeline) -> dict[str, Any]:
    """Scores, evidence spans for the asked categories and the language; with `site_id`, also
    the decision of that site's current policy (Coral needs one; Perspective only scores, so
    it skips the rules). The scoring time goes onto `pipe`, sent with the answer."""
    text = request["text"]
    version, classifier = rt.models.get()
    started = time.perf_counter()
    scores = classifier.score_one(text)
    answer: dict[str, Any] = {"model_version": version}
    if request.get("site_id"):
        policy, policy_version = _site_policy(rt, request["site_id"])
        outcome = pipeline.decide_comment(classifier, text, policy, policy_version, scores=scores)
        answer.update(
            action=outcome.action,
            reasons=outcome.reasons,
            scores=outcome.scores,
            policy_version=policy_version,
        )
    else:
        answer["scores"] = {name: round(float(value), 4) for name, value in scores.items()}
    answer["spans"] = {
        category: [span.to_dict() for span in classifier.evidence(text, category)]
        for category in request.get("spans", [])
    }
    found = langid.identify(text)
    answer["language"] = found.language if found else None
    metrics.add_scoring(pipe, "sync", time.perf_counter() - started)
    return answer


def _site_policy(rt: runtime.Runtime, site_id: str) -> tuple[Policy, int | None]:
    """The site's current policy (one primary-key read; parsed once per version).

    No author context here: the caller stores nothing, so there is no history to read or add to.
    """
    with rt.engine.connect() as conn:
        current = policies.current_version_number(conn, site_id)
        return site_policy.policy_for(conn, site_id, current)


def serve_one(rt: runtime.Runtime, timeout: float = 1.0) -> bool:
    """Answer one waiting request; False when none came within `timeout` seconds."""
    item = rt.redis.blpop([REQUEST_LIST], timeout=timeout)
    if item is None:
        return False
    request = json.loads(item[1])
    if request["deadline"] < time.time():  # the caller has already answered without us
        return True
    # One round trip for the answer and the metrics.
    pipe = rt.redis.pipeline(transaction=False)
    try:
        answer = {"ok": True, **handle(rt, request, pipe)}
    except Exception as exc:  # the caller gets an error answer instead of waiting out its budget
        log.exception("sync scoring failed")
        answer = {"ok": False, "error": type(exc).__name__}
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

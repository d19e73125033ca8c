"""Scoring while a caller waits (comments:analyze, Coral): a plain Redis list, not RQ.

An RQ job costs several Redis round trips and bookkeeping (job hash, registries, result) before
and after the work; for a caller with a budget of tens of milliseconds that overhead matters.
So each worker process also runs one loop that BLPOPs a plain list of requests, scores the
text with the same loaded model and policy, and pushes the answer onto the caller's reply list.
The loop runs in a process of its own (forked from the worker, see `start`), so that each
request can be stopped at SYNC_TIMEOUT_SECONDS or the caller's deadline, whichever is first.
Nothing is written to the database here: the caller decides what, if anything, is stored.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
import threading
import time
from typing import Any

from redis.client import Pipeline
from redis.exceptions import RedisError

from models import langid
from models.policy import Policy
from models.rules import AuthorContext
from service.ops import metrics
from service.storage import authors, policies
from workers import pipeline, runtime, site_policy, timebox

log = logging.getLogger(__name__)

REQUEST_LIST = "moderation:sync:requests"
REPLY_TTL_SECONDS = 30


def handle(rt: runtime.Runtime, request: dict[str, Any], pipe: Pipeline) -> dict[str, Any]:
    """Scores, evidence spans for the asked categories and the language; with `site_id`, also
    the decision of that site's current policy for an author of the request's `standing`
    (Coral needs one; Perspective only scores, so it skips the rules). The scoring time goes
    onto `pipe`, sent with the answer."""
    text = request["text"]
    version, classifier = rt.models.get()
    started = time.perf_counter()
    scores = classifier.score_one(text)
    answer: dict[str, Any] = {"model_version": version}
    if request.get("site_id"):
        policy, policy_version = _site_policy(rt, request["site_id"])
        outcome = pipeline.decide_comment(
            classifier, text, policy, policy_version, author=_author(request), scores=scores
        )
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

    No author history here: the caller stores nothing, so there is none to read or add to; the
    author's standing comes with the request (see `_author`).
    """
    with rt.engine.connect() as conn:
        current = policies.current_version_number(conn, site_id)
        return site_policy.policy_for(conn, site_id, current)


def _author(request: dict[str, Any]) -> AuthorContext:
    """The author as the caller knows them: only their standing, read by the web process."""
    standing = request.get("standing")
    return AuthorContext(standing=standing) if standing in authors.STANDINGS else AuthorContext()


def serve_one(rt: runtime.Runtime, timeout: float = 1.0) -> bool:
    """Answer one waiting request; False when none came within `timeout` seconds."""
    item = rt.redis.blpop([REQUEST_LIST], timeout=timeout)
    if item is None:
        return False
    request = json.loads(item[1])
    left = request["deadline"] - time.time()
    if left < 0:  # the caller has already answered without us
        return True
    # One round trip for the answer and the metrics.
    pipe = rt.redis.pipeline(transaction=False)
    # Work past the caller's deadline is wasted, and past the cap a hostile text holds the
    # answers of every other caller: stopped at whichever comes first.
    cap = min(left, float(rt.config["SYNC_TIMEOUT_SECONDS"]))
    try:
        with timebox.capped(max(cap, 0.001)):
            answer = {"ok": True, **handle(rt, request, pipe)}
    except timebox.TimedOut:
        log.warning("sync scoring stopped after %.3f s", cap)
        answer = {"ok": False, "error": "timeout"}
    except Exception as exc:  # the caller gets an error answer instead of waiting out its budget
        log.exception("sync scoring failed")
        answer = {"ok": False, "error": type(exc).__name__}
    pipe.lpush(request["reply"], json.dumps(answer))
    pipe.expire(request["reply"], REPLY_TTL_SECONDS)
    pipe.execute()
    return True


def serve(rt: runtime.Runtime, stop: threading.Event | _ParentGone, poll: float = 1.0) -> None:
    while not stop.is_set():
        try:
            serve_one(rt, timeout=poll)
        except RedisError:
            log.warning("sync scoring: Redis unreachable; retrying in 1 s")
            stop.wait(1.0)


class _ParentGone:
    """The stop signal of the sync process: its worker process has gone (even by SIGKILL)."""

    def __init__(self, parent_pid: int) -> None:
        self.parent_pid = parent_pid

    def is_set(self) -> bool:
        return os.getppid() != self.parent_pid

    def wait(self, seconds: float) -> None:
        time.sleep(seconds)


def _serve_process(rt: runtime.Runtime, parent_pid: int) -> None:
    # A lock another thread of the parent held at the fork would never be released here.
    rt.models._lock = threading.Lock()
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C reaches the whole process group
        serve(rt, _ParentGone(parent_pid))


def start(rt: runtime.Runtime) -> multiprocessing.process.BaseProcess:
    """Serve waiting requests in a process of its own, forked from this one (sharing the loaded
    model): only a main thread can stop a runaway text (workers/timebox.py), and a runaway in a
    thread of the worker process would stop the RQ worker with it. Start it before other threads.
    """
    process = multiprocessing.get_context("fork").Process(
        target=_serve_process, args=(rt, os.getpid()), name="sync-scoring", daemon=True
    )
    process.start()
    return process

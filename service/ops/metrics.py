"""Prometheus `/metrics`. Every process (web and worker) adds to counters in Redis, and a scrape
of any web process reads them all there, so the figures are the installation's, not one
process's. Gauges (queue depth, active model) are read fresh at scrape time.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import partial

import redis
import sqlalchemy as sa
from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from redis.client import Pipeline
from redis.exceptions import RedisError
from rq import Queue

from service.ops.tally import Tally
from service.storage import db, model_state
from service.transport import broker, events, worker_models

bp = Blueprint("metrics", __name__)

PREFIX = "moderation:metrics:"
REQUESTS = PREFIX + "requests"  # hash "method|endpoint|status" -> count
LATENCY = PREFIX + "latency"  # hash "endpoint|bucket index" -> count, "endpoint|sum" -> seconds
DECISIONS = PREFIX + "decisions"  # hash "action|guideline" -> count
SCORING = PREFIX + "scoring"  # hash "kind|bucket index" -> count, "kind|sum" -> seconds
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
SCORING_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)


def init_app(app: Flask) -> None:
    app.before_request(_start_timer)
    app.after_request(_count_request)
    # After events.init_app; bound to this app's Redis, where the counters live.
    app.extensions["events"].subscribe(partial(on_event, app.extensions["redis"]))


def _bucket(buckets: tuple[float, ...], seconds: float) -> int:
    for index, bound in enumerate(buckets):
        if seconds <= bound:
            return index
    return len(buckets)


def observe(conn: redis.Redis, hash_name: str, label: str, seconds: float, buckets) -> None:
    pipe = conn.pipeline(transaction=False)
    _add_observation(pipe, hash_name, label, seconds, buckets)
    pipe.execute()


def _add_observation(pipe: Pipeline, hash_name: str, label: str, seconds: float, buckets) -> None:
    pipe.hincrby(hash_name, f"{label}|{_bucket(buckets, seconds)}", 1)
    pipe.hincrbyfloat(hash_name, f"{label}|sum", seconds)


def observe_scoring(conn: redis.Redis, kind: str, seconds: float) -> None:
    """Called by the workers: time spent scoring one comment (kind: queued or sync)."""
    with contextlib.suppress(RedisError):
        observe(conn, SCORING, kind, seconds, SCORING_BUCKETS)


def add_scoring(pipe: Pipeline, kind: str, seconds: float) -> None:
    """observe_scoring onto a pipeline the caller sends anyway (the sync path's answer)."""
    _add_observation(pipe, SCORING, kind, seconds, SCORING_BUCKETS)


def observe_scoring_batch(conn: redis.Redis, kind: str, seconds_each: list[float]) -> None:
    """Many comments' scoring times in one round trip (the batch path)."""
    if not seconds_each:
        return
    # A batch counts each comment at the batch's average: one increment per bucket, not one
    # command per comment.
    buckets = Counter(_bucket(SCORING_BUCKETS, seconds) for seconds in seconds_each)
    pipe = conn.pipeline(transaction=False)
    for bucket, n in buckets.items():
        pipe.hincrby(SCORING, f"{kind}|{bucket}", n)
    pipe.hincrbyfloat(SCORING, f"{kind}|sum", sum(seconds_each))
    with contextlib.suppress(RedisError):
        pipe.execute()


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _count_request(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    if started is None:
        return response
    # The route's rule, not the path: ids in paths would make every comment its own series.
    endpoint = request.url_rule.rule if request.url_rule else "unmatched"
    seconds = time.perf_counter() - started
    tally = _tally()
    tally.add(REQUESTS, f"{request.method}|{endpoint}|{response.status_code}")
    tally.add(LATENCY, f"{endpoint}|{_bucket(LATENCY_BUCKETS, seconds)}")
    tally.add_float(LATENCY, f"{endpoint}|sum", seconds)
    return response


def _tally() -> Tally:
    """This app's request counts, added to Redis once a second (no round trip per request)."""
    tally = current_app.extensions.get("metrics_tally")
    if tally is None:
        tally = current_app.extensions["metrics_tally"] = Tally(broker.connection())
    return tally


def on_event(
    counters: redis.Redis, engine: sa.Engine, event_type: str, refs: Sequence[events.Ref]
) -> None:
    """Count machine decisions by action and by each guideline it gave as a reason."""
    if event_type != "comment.decided":
        return
    # One query and one round trip for the whole batch the worker just decided.
    query = (
        sa.select(db.decisions.c.action, db.decisions.c.reasons)
        .join_from(db.comments, db.decisions, db.comments.c.decision_id == db.decisions.c.id)
        .where(db.comments.c.id.in_([comment_id for _, comment_id in refs]))
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    counts: Counter[str] = Counter()
    for action, reasons in rows:
        guidelines = {r.get("guideline") for r in reasons or []} or {"none"}
        counts.update(f"{action}|{guideline}" for guideline in guidelines if guideline)
    if not counts:
        return
    pipe = counters.pipeline(transaction=False)
    for field, n in sorted(counts.items()):
        pipe.hincrby(DECISIONS, field, n)
    pipe.execute()


class RedisCollector:
    """Reads the shared counters and the live gauges at scrape time."""

    def __init__(self, conn: redis.Redis, engine: sa.Engine, queues: list[str]) -> None:
        self.conn, self.engine, self.queues = conn, engine, queues

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(
            "moderation_http_requests", "HTTP requests", labels=["method", "endpoint", "status"]
        )
        for field, value in self._hash(REQUESTS).items():
            requests.add_metric(field.split("|"), float(value))
        yield requests
        yield self._histogram(
            "moderation_http_request_duration_seconds",
            "Time to answer a request",
            "endpoint",
            LATENCY,
            LATENCY_BUCKETS,
        )
        yield self._histogram(
            "moderation_scoring_duration_seconds",
            "Time a worker spent scoring one comment",
            "kind",
            SCORING,
            SCORING_BUCKETS,
        )
        decisions = CounterMetricFamily(
            "moderation_decisions",
            "Machine decisions by action and by guideline given as a reason",
            labels=["action", "guideline"],
        )
        for field, value in self._hash(DECISIONS).items():
            decisions.add_metric(field.split("|"), float(value))
        yield decisions
        depth = GaugeMetricFamily("moderation_queue_depth", "Jobs waiting", labels=["queue"])
        for name in self.queues:
            depth.add_metric([name], float(Queue(name, connection=self.conn).count))
        depth.add_metric(["sync"], float(self.conn.llen("moderation:sync:requests")))
        yield depth
        with self.engine.connect() as conn:
            version = model_state.active_version(conn)
        model = GaugeMetricFamily(
            "moderation_active_model_info", "The active model version", labels=["version"]
        )
        if version:
            model.add_metric([version], 1.0)
        yield model
        loaded = GaugeMetricFamily(
            "moderation_worker_models",
            "Worker processes by the model version they have loaded (reported in the last minute)",
            labels=["version"],
        )
        for name, count in worker_models.summary(self.conn, version)["versions"].items():
            loaded.add_metric([name], float(count))
        yield loaded

    def _hash(self, name: str) -> dict[str, str]:
        return {k.decode(): v.decode() for k, v in self.conn.hgetall(name).items()}

    def _histogram(self, name, doc, label, hash_name, buckets) -> HistogramMetricFamily:
        family = HistogramMetricFamily(name, doc, labels=[label])
        counts: dict[str, list[float]] = {}
        sums: dict[str, float] = {}
        for field, value in self._hash(hash_name).items():
            key, _, part = field.rpartition("|")
            if part == "sum":
                sums[key] = float(value)
            else:
                counts.setdefault(key, [0.0] * (len(buckets) + 1))[int(part)] += float(value)
        for key, per_bucket in sorted(counts.items()):
            cumulative, running = [], 0.0
            for bound, count in zip([*map(str, buckets), "+Inf"], per_bucket, strict=True):
                running += count
                cumulative.append((bound, running))
            family.add_metric([key], cumulative, sums.get(key, 0.0))
        return family


@bp.get("/metrics")
def metrics():
    _tally().flush()  # this process's latest requests, then everyone's counts from Redis
    registry = CollectorRegistry(auto_describe=False)
    config = current_app.config
    registry.register(
        RedisCollector(
            broker.connection(), db.engine(), [config["QUEUE_NAME"], config["WEBHOOK_QUEUE_NAME"]]
        )
    )
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)

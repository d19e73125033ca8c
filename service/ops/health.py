"""`/readyz`: can this installation decide comments now? (`/healthz` only says the web process
is alive.) Used by load balancers and the ops runbook."""

from __future__ import annotations

import time
from datetime import UTC

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify
from rq import Worker

from service.storage import db, model_state
from service.transport import broker, worker_models

bp = Blueprint("health", __name__)

# RQ workers write a heartbeat at least this often while they wait for work.
WORKER_STALE_SECONDS = 600


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    checks: dict[str, dict] = {}
    try:
        broker.connection().ping()
        checks["redis"] = {"ok": True}
    except Exception as exc:  # any failure means not ready; the reason goes to the operator
        checks["redis"] = {"ok": False, "error": type(exc).__name__}
    try:
        with db.engine().connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            version = model_state.active_version(conn)
        checks["database"] = {"ok": True}
        checks["model"] = {"ok": version is not None, "active": version}
        if version is None:
            checks["model"]["error"] = model_state.NO_ACTIVE_MODEL
    except Exception as exc:
        checks["database"] = {"ok": False, "error": type(exc).__name__}
        checks["model"] = {"ok": False, "active": None}
    checks["worker"] = _worker_check() if checks["redis"]["ok"] else {"ok": False, "live": 0}
    if checks["redis"]["ok"] and checks["database"]["ok"]:
        # Informational: a worker still on another version decides with it until it loads the
        # active one (its files may not have reached that host); not a reason to stop traffic.
        checks["worker"]["models"] = worker_models.summary(broker.connection(), version)
    ready = all(c["ok"] for c in checks.values())
    return jsonify({"status": "ready" if ready else "not ready", "checks": checks}), (
        200 if ready else 503
    )


def _worker_check() -> dict:
    """Live workers that score: an ops or a webhooks-only worker (`--queues webhooks`) decides
    no comment, so it does not make the service ready."""
    now = time.time()
    live = 0
    scoring = current_app.config["QUEUE_NAME"]
    for worker in Worker.all(connection=broker.connection()):
        if scoring not in worker.queue_names():
            continue
        beat = worker.last_heartbeat
        if beat is not None and beat.tzinfo is None:
            beat = beat.replace(tzinfo=UTC)  # RQ stores UTC without a zone
        if beat is not None and now - beat.timestamp() < WORKER_STALE_SECONDS:
            live += 1
    return {"ok": live > 0, "live": live}

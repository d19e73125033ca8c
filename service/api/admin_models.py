"""Model operations for admins over HTTP (`/v1/admin/models...`), the CLI's twin.

Logged-in admin users only (the moderator UI's session; other moderators get 403). Anything
that loads a model (training, the promotion gate) runs as a job on the ops queue, so the web
process never imports scikit-learn; the answer is 202 with the job to poll.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request, session

from models.catalogue import Catalogue, ModelLoadError
from service.http.parsing import json_body
from service.http.problems import Problem
from service.ops import model_jobs, model_ops, shadow
from service.storage import db, labels, model_state

bp = Blueprint("admin_models", __name__, url_prefix="/v1/admin/models")


@bp.before_request
def require_admin() -> None:
    """A logged-in admin, with the session's CSRF token on writes; else a 401 or 403 problem."""
    from service.moderation import sessions

    user = sessions.current_user()
    if user is None:
        raise Problem(401, "Unauthorized", "Log in at /login as an admin first.")
    if not user.is_admin:
        raise Problem(403, "Forbidden", "Model operations are for admin users.")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        # The session cookie authenticates, so writes need the session's CSRF token too.
        sent = request.headers.get("X-CSRF-Token", "")
        expected = session.get("csrf", "")
        if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
            raise Problem(403, "Forbidden", "Missing or wrong X-CSRF-Token header.")


def _catalogue() -> Catalogue:
    return Catalogue(current_app.config["MODEL_DIR"])


def _sidecar(version: str) -> dict[str, Any]:
    try:
        return _catalogue().info(version)
    except ModelLoadError:
        raise Problem(404, "Not Found", "No such model version.") from None


def _opt(body: dict, key: str, kinds: tuple[type, ...], default: Any) -> Any:
    value = body.get(key, default)
    # bool is an int to isinstance: true is not a row count.
    if value is not None and (
        not isinstance(value, kinds) or isinstance(value, bool) != (bool in kinds)
    ):
        names = " or ".join(k.__name__ for k in kinds)
        raise Problem(422, "Unprocessable Content", f"{key} must be {names}.")
    return value


@bp.get("")
def list_versions():
    with db.engine().connect() as conn:
        active = model_state.active_version(conn)
        shadow_version = model_state.shadow_version(conn)
        history = model_state.activation_history(conn)
    out = []
    for info in _catalogue().versions():
        out.append(
            {
                "version": info["version"],
                "created_at": info.get("created_at"),
                "test_auc": info.get("metrics", {}).get("test", {}).get("overall", {}),
                "moderator_labels": info.get("training", {}).get("moderator_labels"),
                "active": info["version"] == active,
                "shadow": info["version"] == shadow_version,
                "previous": bool(history) and info["version"] == history[-1],
            }
        )
    return jsonify({"versions": out, "active": active, "shadow": shadow_version})


TRAIN_FIELDS = frozenset({"max_rows", "with_labels", "since", "label_weight"})


@bp.post("/train")
def train():
    body = json_body()
    unknown = sorted(set(body) - TRAIN_FIELDS)
    if unknown:
        # A misspelt option must not quietly start a full-data training run.
        raise Problem(
            422,
            "Unprocessable Content",
            f"Unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(TRAIN_FIELDS))}.",
        )
    since = _opt(body, "since", (str,), None)
    try:
        since_at = datetime.fromisoformat(since).replace(tzinfo=UTC) if since else None
    except ValueError:
        raise Problem(422, "Unprocessable Content", "since must be an ISO date.") from None
    max_rows = _opt(body, "max_rows", (int,), None)
    weight = _opt(body, "label_weight", (float, int), labels.SITE_LABEL_WEIGHT)
    if max_rows is not None and max_rows < 1:
        raise Problem(422, "Unprocessable Content", "max_rows must be positive.")
    if not 0 < weight <= labels.MAX_LABEL_WEIGHT:
        raise Problem(
            422,
            "Unprocessable Content",
            f"label_weight must be above 0 and at most {labels.MAX_LABEL_WEIGHT:g}.",
        )
    options = model_ops.TrainOptions(
        data_dir=Path(current_app.config["DATA_DIR"]),
        max_rows=max_rows,
        with_labels=_opt(body, "with_labels", (bool,), False),
        since=since_at,
        label_weight=float(weight),
    )
    job_id = model_jobs.enqueue_training(current_app, options)
    return _accepted(job_id)


def _accepted(job_id: str):
    response = jsonify({"job": job_id, "status": "queued"})
    response.status_code = 202
    response.headers["Location"] = f"{bp.url_prefix}/jobs/{job_id}"
    return response


@bp.get("/jobs/<job_id>")
def job(job_id: str):
    try:
        return jsonify(model_jobs.job_status(current_app, job_id))
    except LookupError as exc:
        raise Problem(404, "Not Found", str(exc)) from None


@bp.post("/<version>/promote")
def promote(version: str):
    _sidecar(version)
    body = json_body() if request.get_data() else {}
    force = _opt(body, "force", (bool,), False)
    limit = _opt(body, "limit", (int,), model_ops.DEFAULT_GATE_LIMIT)
    if limit < 1:
        raise Problem(422, "Unprocessable Content", "limit must be positive.")
    return _accepted(model_jobs.enqueue_promotion(current_app, version, force, limit))


@bp.post("/rollback")
def rollback():
    with db.engine().begin() as conn:
        try:
            current, previous = model_state.rollback(conn)
        except LookupError as exc:
            raise Problem(409, "Conflict", str(exc)) from None
    return jsonify({"active": previous, "was": current})


@bp.put("/shadow")
def set_shadow():
    version = _opt(json_body(), "version", (str,), None)
    if version is None:
        raise Problem(422, "Unprocessable Content", "version is required.")
    _sidecar(version)
    with db.engine().begin() as conn:
        if version == model_state.active_version(conn):
            raise Problem(409, "Conflict", "That version is active; shadow another one.")
        model_state.set_shadow(conn, version)
    return jsonify({"shadow": version})


@bp.delete("/shadow")
def shadow_off():
    with db.engine().begin() as conn:
        model_state.set_shadow(conn, None)
    return jsonify({"shadow": None})


@bp.get("/shadow/report")
def shadow_report():
    with db.engine().connect() as conn:
        named = request.args.get("version")
        version = _sidecar(named)["version"] if named else model_state.shadow_version(conn)
        if version is None:
            raise Problem(404, "Not Found", "No shadow version; name one with ?version=.")
        return jsonify(shadow.report(conn, version))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

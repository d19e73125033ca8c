"""`/v1/site/webhooks`: a site registers endpoints, rotates secrets, reads and redoes deliveries."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from service import webhooks
from service.http.auth import require_site
from service.http.parsing import FieldErrors, json_body
from service.http.problems import Problem
from service.storage import db
from service.transport import events
from service.webhooks import addresses

bp = Blueprint("webhooks", __name__, url_prefix="/v1/site/webhooks")


@bp.post("")
def create_webhook():
    site = require_site()
    url, event_types = _endpoint_fields(json_body())
    limit = int(current_app.config["WEBHOOK_MAX_ENDPOINTS_PER_SITE"])
    try:
        with db.engine().begin() as conn:
            endpoint = webhooks.create_endpoint(conn, site["id"], url, event_types, limit)
    except webhooks.TooManyEndpoints as exc:
        raise Problem(409, "Conflict", str(exc)) from None
    return jsonify(webhooks.endpoint_view(endpoint, with_secret=True)), 201


@bp.get("")
def list_webhooks():
    site = require_site()
    with db.engine().connect() as conn:
        endpoints = webhooks.list_endpoints(conn, site["id"])
    paused = webhooks.paused_until([e["id"] for e in endpoints])
    return jsonify({"webhooks": [webhooks.endpoint_view(e, paused=paused) for e in endpoints]})


@bp.get("/<endpoint_id>")
def get_webhook(endpoint_id: str):
    site = require_site()
    with db.engine().connect() as conn:
        endpoint = _own_endpoint(conn, site, endpoint_id)
    return jsonify(webhooks.endpoint_view(endpoint, paused=webhooks.paused_until([endpoint_id])))


@bp.delete("/<endpoint_id>")
def delete_webhook(endpoint_id: str):
    site = require_site()
    with db.engine().begin() as conn:
        _own_endpoint(conn, site, endpoint_id)
        webhooks.delete_endpoint(conn, endpoint_id)
    return "", 204


@bp.post("/<endpoint_id>/rotate")
def rotate_webhook_secret(endpoint_id: str):
    """A new secret; the previous one keeps signing (a second signature) for a while."""
    site = require_site()
    keep = int(current_app.config["WEBHOOK_ROTATION_SECONDS"])
    with db.engine().begin() as conn:
        endpoint = _own_endpoint(conn, site, endpoint_id)
        secret = webhooks.rotate_secret(conn, endpoint, keep)
        endpoint = _own_endpoint(conn, site, endpoint_id)
    view = webhooks.endpoint_view(
        endpoint, with_secret=True, paused=webhooks.paused_until([endpoint_id])
    )
    view["secret"] = secret
    view["previous_secret_expires_at"] = db.isoformat(endpoint["previous_expires_at"])
    return jsonify(view)


@bp.get("/<endpoint_id>/deliveries")
def list_webhook_deliveries(endpoint_id: str):
    site = require_site()
    with db.engine().connect() as conn:
        _own_endpoint(conn, site, endpoint_id)
        deliveries = webhooks.list_deliveries(conn, endpoint_id)
    return jsonify({"deliveries": deliveries})


@bp.post("/<endpoint_id>/deliveries/<delivery_id>/redeliver")
def redeliver(endpoint_id: str, delivery_id: str):
    site = require_site()
    with db.engine().begin() as conn:
        _own_endpoint(conn, site, endpoint_id)
        delivery = webhooks.get_delivery(conn, delivery_id)
        if delivery is None or delivery["endpoint_id"] != endpoint_id:
            raise Problem(404, "Not Found", "No such delivery for this webhook.")
        webhooks.reset_for_redelivery(conn, delivery_id)
    if not webhooks.enqueue_delivery(webhooks.transport(), delivery_id):
        raise Problem(503, "Service Unavailable", "The queue is unreachable; try again soon.")
    return jsonify({"id": delivery_id, "status": "pending"}), 202


def _own_endpoint(conn, site: dict[str, Any], endpoint_id: str) -> dict[str, Any]:
    endpoint = webhooks.get_endpoint(conn, endpoint_id, site_id=site["id"])
    if endpoint is None:
        raise Problem(404, "Not Found", "No such webhook for this site.")
    return endpoint


def _endpoint_fields(body: dict[str, Any]) -> tuple[str, list[str]]:
    errors = FieldErrors()
    url = body.get("url")
    if not isinstance(url, str) or not url.strip():
        errors.add("url", "is required and must be a string")
    elif len(url) > 2000:
        errors.add("url", "must be at most 2000 characters")
    else:
        try:
            addresses.check_url(url, bool(current_app.config["WEBHOOK_ALLOW_PRIVATE"]))
        except addresses.RefusedURL as exc:
            errors.add("url", str(exc))
    event_types = body.get("events")
    if event_types is None:
        event_types = list(events.EVENT_TYPES)
    elif not isinstance(event_types, list) or not event_types:
        errors.add("events", "must be a non-empty list of event types")
    elif unknown := [e for e in event_types if e not in events.EVENT_TYPES]:
        errors.add("events", f"unknown event types {unknown!r}; known: {list(events.EVENT_TYPES)}")
    else:
        event_types = sorted(set(event_types), key=event_types.index)
    errors.raise_if_any()
    return url, event_types

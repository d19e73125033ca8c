"""The `author.updated` webhook: a standing changed (moderator or site API), so the site can
block posting at its end too. The body carries the author as `GET /v1/authors/<id>` shows it."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.engine import Engine

from service import webhooks
from service.storage import db

EVENT = "author.updated"


def publish(
    transport: webhooks.Transport, engine: Engine, site_id: str, author: dict[str, Any]
) -> list[str]:
    """Queue one delivery per endpoint of the site that wants the event; their ids."""
    body = json.dumps(
        {"type": EVENT, "timestamp": db.isoformat(db.utcnow()), "data": author},
        separators=(",", ":"),
    )
    with engine.begin() as conn:
        wanted = [e for e in webhooks.list_endpoints(conn, site_id) if EVENT in e["events"]]
        ids = [webhooks.create_delivery(conn, e["id"], EVENT, None, body) for e in wanted]
    for delivery_id in ids:
        webhooks.enqueue_delivery(
            transport.redis, transport.queue_name, delivery_id, job_timeout=transport.job_timeout
        )
    return ids

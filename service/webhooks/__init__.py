"""Webhook endpoints and deliveries: registering, rotating, and queueing a delivery per event.

An event (service.transport.events) becomes one delivery row per subscribed endpoint, written
in the transaction of the change it announces, with the body fixed at that moment
(service.webhooks.outbox); the delivery job (workers.webhooks) sends it, retries, and logs each
attempt; the sweeper queues a delivery again when Redis lost its job.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import redis
import sqlalchemy as sa
from flask import Flask, current_app
from redis.exceptions import RedisError
from rq import Queue

from service.storage import db
from service.storage.integrations import webhook_attempts, webhook_deliveries, webhook_endpoints
from service.webhooks import breaker, fair_share, signing

DELIVER_JOB = "workers.webhooks.deliver"

SETTINGS: dict[str, Any] = {
    "WEBHOOK_QUEUE_NAME": "webhooks",
    # Seconds to wait before each retry; the sum is about 21 hours, so a receiver that is down for
    # most of a day still gets every message. Retries happen on timeouts, connection errors, 5xx,
    # 408 and 429.
    "WEBHOOK_RETRY_INTERVALS": [5, 60, 300, 1800, 7200, 21600, 43200],
    # The whole of one delivery attempt: connecting, sending and reading the answer.
    "WEBHOOK_TIMEOUT_SECONDS": 10,
    # Endpoints one site may register; each event is one delivery per endpoint.
    "WEBHOOK_MAX_ENDPOINTS_PER_SITE": 10,
    # How long the previous secret keeps signing after a rotation.
    "WEBHOOK_ROTATION_SECONDS": 24 * 3600,
    "WEBHOOK_ALLOW_PRIVATE": False,
    # A delivery job that has not started this long after it was due (a long backlog) is queued
    # once more by the sweeper; a delivery already settled is not sent again, and receivers
    # de-duplicate by webhook-id. (A running job keeps its mark only for its own time limit, so
    # a worker killed in the middle of one leaves the delivery to the next sweep.)
    "WEBHOOK_QUEUED_MARK_SECONDS": 900,
}


@dataclass(frozen=True)
class Transport:
    """What queueing a delivery needs, in whichever process queues it."""

    redis: redis.Redis
    queue_name: str
    job_timeout: int
    # How long a queued job is trusted to start before the sweeper queues its delivery again.
    mark_seconds: float

    @classmethod
    def from_config(cls, conn: redis.Redis, config: Any) -> Transport:
        return cls(
            conn,
            config["WEBHOOK_QUEUE_NAME"],
            job_timeout(config),
            float(config["WEBHOOK_QUEUED_MARK_SECONDS"]),
        )


def job_timeout(config: Any) -> int:
    """RQ's limit for a delivery job: just above the attempt's own deadline (the job's database
    work included), so a stuck attempt cannot hold a worker for RQ's default 180 s."""
    return math.ceil(float(config["WEBHOOK_TIMEOUT_SECONDS"])) + 5


def init_app(app: Flask) -> None:
    """After events.init_app: every event of this app's publisher writes its deliveries in the
    transaction of the change it announces (service.webhooks.outbox)."""
    from service.webhooks import outbox

    for key, value in {**SETTINGS, **breaker.SETTINGS, **fair_share.SETTINGS}.items():
        app.config.setdefault(key, value)
    fair_share.check_setting(app.config["WEBHOOK_SITE_CONCURRENCY"])
    transport = Transport.from_config(app.extensions["redis"], app.config)
    app.extensions["webhook_transport"] = transport
    app.extensions["events"].add_writer(partial(outbox.write_deliveries, transport))


def transport() -> Transport:
    """The current app's delivery queue (request and CLI code)."""
    return current_app.extensions["webhook_transport"]


def new_endpoint_id() -> str:
    return "whep_" + uuid.uuid4().hex[:20]


def new_message_id() -> str:
    return "msg_" + uuid.uuid4().hex


class TooManyEndpoints(Exception):
    """The site already has the most endpoints allowed."""


def create_endpoint(
    conn: sa.Connection,
    site_id: str,
    url: str,
    event_types: list[str],
    max_endpoints: int | None = None,
) -> dict[str, Any]:
    if max_endpoints is not None:
        count = conn.execute(
            sa.select(sa.func.count()).where(webhook_endpoints.c.site_id == site_id)
        ).scalar_one()
        if count >= max_endpoints:
            raise TooManyEndpoints(
                f"This site has {count} webhook endpoints, the most allowed ({max_endpoints}); "
                "delete one before adding another."
            )
    row = {
        "id": new_endpoint_id(),
        "site_id": site_id,
        "url": url,
        "events": event_types,
        "secret": signing.new_secret(),
        "created_at": db.utcnow(),
    }
    conn.execute(webhook_endpoints.insert().values(**row))
    return row


def list_endpoints(conn: sa.Connection, site_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        sa.select(webhook_endpoints)
        .where(webhook_endpoints.c.site_id == site_id)
        .order_by(webhook_endpoints.c.created_at, webhook_endpoints.c.id)
    )
    return [dict(r._mapping) for r in rows]


def get_endpoint(
    conn: sa.Connection, endpoint_id: str, site_id: str | None = None
) -> dict[str, Any] | None:
    query = sa.select(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)
    if site_id is not None:
        query = query.where(webhook_endpoints.c.site_id == site_id)
    row = conn.execute(query).first()
    return dict(row._mapping) if row else None


def delete_endpoint(conn: sa.Connection, endpoint_id: str) -> None:
    # Children first: SQLite honours ON DELETE CASCADE only with a per-connection pragma.
    deliveries = sa.select(webhook_deliveries.c.id).where(
        webhook_deliveries.c.endpoint_id == endpoint_id
    )
    conn.execute(webhook_attempts.delete().where(webhook_attempts.c.delivery_id.in_(deliveries)))
    conn.execute(webhook_deliveries.delete().where(webhook_deliveries.c.endpoint_id == endpoint_id))
    conn.execute(webhook_endpoints.delete().where(webhook_endpoints.c.id == endpoint_id))


def rotate_secret(conn: sa.Connection, endpoint: dict[str, Any], keep_seconds: int) -> str:
    """A new secret signs from now on; the current one keeps signing for keep_seconds too."""
    secret = signing.new_secret()
    conn.execute(
        webhook_endpoints.update()
        .where(webhook_endpoints.c.id == endpoint["id"])
        .values(
            secret=secret,
            previous_secret=endpoint["secret"],
            previous_expires_at=db.utcnow() + timedelta(seconds=keep_seconds),
        )
    )
    return secret


def active_secrets(endpoint: dict[str, Any]) -> list[str]:
    secrets = [endpoint["secret"]]
    expires = db.aware(endpoint.get("previous_expires_at"))
    if endpoint.get("previous_secret") and expires is not None and expires > db.utcnow():
        secrets.append(endpoint["previous_secret"])
    return secrets


def endpoint_view(
    endpoint: dict[str, Any], *, with_secret: bool = False, paused: dict[str, float] | None = None
) -> dict[str, Any]:
    """The API's view; `paused`: paused_until's answer, for the endpoints whose breaker is open."""
    until = (paused or {}).get(endpoint["id"])
    view = {
        "id": endpoint["id"],
        "url": endpoint["url"],
        "events": endpoint["events"],
        "created_at": db.isoformat(endpoint["created_at"]),
        # Deliveries wait until then: the receiver did not answer, time after time.
        "paused_until": db.isoformat(datetime.fromtimestamp(until, UTC)) if until else None,
    }
    if with_secret:
        view["secret"] = endpoint["secret"]
    return view


def paused_until(endpoint_ids: list[str]) -> dict[str, float]:
    """Epoch seconds until which each endpoint whose breaker is open waits (service.webhooks.
    breaker), read from the current app's Redis (the API's and the CLI's views); empty when
    Redis does not answer, so reading endpoints never depends on it."""
    if not endpoint_ids:
        return {}
    config = current_app.config
    circuit = breaker.Breaker.from_config(
        current_app.extensions["redis"], config, job_timeout(config)
    )
    try:
        return circuit.paused_until(endpoint_ids)
    except RedisError:
        return {}


def create_delivery(
    conn: sa.Connection, endpoint_id: str, event_type: str, comment_id: str | None, body: str
) -> str:
    now = db.utcnow()
    delivery_id = new_message_id()
    conn.execute(
        webhook_deliveries.insert().values(
            id=delivery_id,
            endpoint_id=endpoint_id,
            event_type=event_type,
            comment_id=comment_id,
            payload=body,
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            updated_at=now,
        )
    )
    return delivery_id


def enqueue_delivery(transport: Transport, delivery_id: str, *, delay: float = 0) -> bool:
    """Queue an attempt now or after `delay` seconds (RQ's scheduler, run by the workers), and
    mark the delivery as queued so the sweeper leaves it alone while the job waits.

    False when Redis is unreachable; the delivery row stays pending and the sweeper queues it
    once it is due and Redis answers.
    """
    queue = Queue(transport.queue_name, connection=transport.redis)
    options = {
        # Unique per attempt: a redelivery must not collide with a finished job of the same message.
        "job_id": f"webhook-{delivery_id}-{uuid.uuid4().hex[:8]}",
        # The attempt's outcome is stored in the database; a result kept in Redis is read by
        # nobody and, one hash per delivery, was most of Redis's memory after a busy minute.
        "result_ttl": 0,
        "failure_ttl": 7 * 24 * 3600,
        "job_timeout": transport.job_timeout,
    }
    try:
        if delay > 0:
            queue.enqueue_in(timedelta(seconds=delay), DELIVER_JOB, delivery_id, **options)
        else:
            queue.enqueue(DELIVER_JOB, delivery_id, **options)
        # After the job, never before: a mark without a job would hide the delivery from the
        # sweeper. A job without a mark (Redis failed in between) is only queued twice.
        mark_queued(transport, delivery_id, delay + transport.mark_seconds)
    except RedisError:
        return False
    return True


def queued_key(queue_name: str, delivery_id: str) -> str:
    """Set while a job for the delivery waits or runs. It lives in the same Redis as the job, so
    a Redis that lost its jobs lost the marks too, and the sweeper queues those deliveries."""
    return f"moderation:{queue_name}:delivery-queued:{delivery_id}"


def mark_queued(transport: Transport, delivery_id: str, seconds: float) -> None:
    transport.redis.set(
        queued_key(transport.queue_name, delivery_id), "1", ex=max(1, math.ceil(seconds))
    )


def forget_queued(transport: Transport, delivery_id: str) -> None:
    """The delivery is settled (sent or given up): no job of it is waiting any more."""
    transport.redis.delete(queued_key(transport.queue_name, delivery_id))


def list_deliveries(conn: sa.Connection, endpoint_id: str, limit: int = 50) -> list[dict]:
    rows = conn.execute(
        sa.select(webhook_deliveries)
        .where(webhook_deliveries.c.endpoint_id == endpoint_id)
        .order_by(webhook_deliveries.c.created_at.desc(), webhook_deliveries.c.id)
        .limit(limit)
    ).all()
    ids = [r.id for r in rows]
    attempts: dict[str, list[dict]] = {i: [] for i in ids}
    if ids:
        for a in conn.execute(
            sa.select(webhook_attempts)
            .where(webhook_attempts.c.delivery_id.in_(ids))
            .order_by(webhook_attempts.c.id)
        ):
            attempts[a.delivery_id].append(
                {
                    "attempted_at": db.isoformat(a.attempted_at),
                    "status_code": a.status_code,
                    "error": a.error,
                    "duration_ms": a.duration_ms,
                }
            )
    return [
        {
            "id": r.id,
            "event": r.event_type,
            "comment_id": r.comment_id,
            "status": r.status,
            "next_attempt_at": db.isoformat(r.next_attempt_at) if r.status == "pending" else None,
            "created_at": db.isoformat(r.created_at),
            "attempts": attempts[r.id],
        }
        for r in rows
    ]


def other_sites_due(conn: sa.Connection, site_id: str) -> bool:
    """Whether another site has a delivery due now (queued for a worker, or in flight)."""
    d, e = webhook_deliveries, webhook_endpoints
    query = (
        sa.select(sa.literal(1))
        .select_from(d.join(e, e.c.id == d.c.endpoint_id))
        .where(d.c.status == "pending", d.c.next_attempt_at <= db.utcnow(), e.c.site_id != site_id)
        .limit(1)
    )
    return conn.execute(query).first() is not None


def get_delivery(conn: sa.Connection, delivery_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        sa.select(webhook_deliveries).where(webhook_deliveries.c.id == delivery_id)
    ).first()
    return dict(row._mapping) if row else None


def reset_for_redelivery(conn: sa.Connection, delivery_id: str) -> None:
    """A manual redelivery starts a fresh round of retries; earlier attempts stay in the log."""
    now = db.utcnow()
    conn.execute(
        webhook_deliveries.update()
        .where(webhook_deliveries.c.id == delivery_id)
        .values(status="pending", attempts=0, next_attempt_at=now, updated_at=now)
    )

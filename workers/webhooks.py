"""RQ job: send one webhook delivery, log the attempt, and schedule the next one on failure."""

from __future__ import annotations

import contextlib
import logging
import random
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from redis.exceptions import RedisError

from service import webhooks
from service.storage import db
from service.storage.integrations import webhook_attempts, webhook_deliveries
from service.webhooks import addresses, breaker, fair_share, signing
from workers import runtime, webhook_http

log = logging.getLogger(__name__)

# Worth another try: the receiver may be back later. Other 4xx mean the receiver refuses it.
RETRY_STATUSES = {408, 425, 429}
# A job this much before its delivery's next attempt is a spare one (clocks of hosts differ a
# little).
EARLY = timedelta(seconds=5)


def deliver(delivery_id: str) -> str | None:
    """One attempt at a delivery; returns its status after the attempt (None if it is gone)."""
    rt = runtime.current()
    config = rt.config
    with rt.engine.connect() as conn:
        delivery = webhooks.get_delivery(conn, delivery_id)
        endpoint = webhooks.get_endpoint(conn, delivery["endpoint_id"]) if delivery else None
    if delivery is None or endpoint is None:
        return None
    if delivery["status"] != "pending":  # a duplicate job after success or giving up
        return delivery["status"]
    if db.aware(delivery["next_attempt_at"]) > db.utcnow() + EARLY:
        # A second job while the retry waits (the sweeper queued it again): the scheduled one
        # makes the attempt, so one delivery never runs two rounds of retries.
        return "pending"
    transport = webhooks.Transport.from_config(rt.redis, config)
    circuit = breaker.Breaker.from_config(rt.redis, config, transport.job_timeout)
    wait = _breaker_wait(circuit, endpoint["id"])
    if wait > 0:
        return _put_off(rt, transport, delivery, wait)
    share = fair_share.FairShare.from_config(rt.redis, config, transport.job_timeout)
    with share.slot(endpoint["site_id"], lambda: _others_due(rt, endpoint["site_id"])) as allowed:
        if not allowed:
            # The site has its share of the webhook workers in flight already.
            wait = fair_share.wait_seconds(db.aware(delivery["created_at"]), db.utcnow())
            return _put_off(rt, transport, delivery, wait)
        # Running: the sweeper leaves it alone while it can still finish, and not longer, so a
        # worker killed in the middle of it leaves the delivery to the next sweep.
        webhooks.mark_queued(transport, delivery_id, transport.job_timeout)
        started = time.monotonic()
        status_code, error, retryable, unreachable = _attempt(config, endpoint, delivery)
        duration_ms = int((time.monotonic() - started) * 1000)
    _tell_breaker(circuit, endpoint["id"], status_code, unreachable)
    return _record(rt, transport, delivery, status_code, error, retryable, duration_ms)


def _others_due(rt: runtime.Runtime, site_id: str) -> bool:
    with rt.engine.connect() as conn:
        return webhooks.other_sites_due(conn, site_id)


def _attempt(config, endpoint: dict, delivery: dict) -> tuple[int | None, str | None, bool, bool]:
    """Send it once: (HTTP status, error, worth a retry, unreachable). Unreachable (no HTTP
    answer at all) is what the endpoint's breaker counts."""
    status_code, error, retryable, unreachable = None, None, False, False
    try:
        url = endpoint["url"]
        addresses.check_url(url, allow_private=True)  # the URL's form; its addresses next
        # Resolved once, checked, and that very address connected to: a second lookup by the
        # HTTP client could answer 127.0.0.1 to a name that passed (DNS rebinding).
        host = urlsplit(url).hostname or ""
        connect_to = (
            addresses.resolve(host)
            if config.get("WEBHOOK_ALLOW_PRIVATE")
            else addresses.public_addresses(host)
        )[0]
        body = delivery["payload"].encode("utf-8")
        headers = signing.headers(
            webhooks.active_secrets(endpoint), delivery["id"], int(time.time()), body
        )
        # One deadline for connecting, sending and reading (a byte every few seconds used to
        # hold the worker); no redirect is followed (it could lead to a private address).
        status_code = webhook_http.post(
            url, body, headers, float(config["WEBHOOK_TIMEOUT_SECONDS"]), str(connect_to)
        )
        retryable = status_code >= 500 or status_code in RETRY_STATUSES
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except addresses.RefusedURL as exc:
        error = f"refused: {exc}"
    except webhook_http.DeliveryFailed as exc:  # timeout, refused, TLS, ...: worth a retry
        error = exc.category
        retryable = unreachable = True
    return status_code, error, retryable, unreachable


def _record(
    rt: runtime.Runtime,
    transport: webhooks.Transport,
    delivery: dict,
    status_code: int | None,
    error: str | None,
    retryable: bool,
    duration_ms: int,
) -> str:
    intervals = list(rt.config["WEBHOOK_RETRY_INTERVALS"])
    attempts = delivery["attempts"] + 1
    now = db.utcnow()
    delay = None
    if error is None:
        status = "succeeded"
    elif retryable and attempts <= len(intervals):
        status, delay = "pending", float(intervals[attempts - 1])
    else:
        status = "failed"
    with rt.engine.begin() as conn:
        conn.execute(
            webhook_attempts.insert().values(
                delivery_id=delivery["id"],
                attempted_at=now,
                status_code=status_code,
                error=error,
                duration_ms=duration_ms,
            )
        )
        conn.execute(
            webhook_deliveries.update()
            .where(webhook_deliveries.c.id == delivery["id"])
            .values(
                status=status,
                attempts=attempts,
                next_attempt_at=now + timedelta(seconds=delay) if delay is not None else None,
                updated_at=now,
            )
        )
    if delay is not None:
        log.info("webhook %s failed (%s); retry in %ss", delivery["id"], error, delay)
        # Redis away: the retry is due in the database all the same, and the sweeper queues it.
        webhooks.enqueue_delivery(transport, delivery["id"], delay=delay)
    else:
        with contextlib.suppress(RedisError):  # the mark expires by itself
            webhooks.forget_queued(transport, delivery["id"])
    return status


def _breaker_wait(circuit: breaker.Breaker, endpoint_id: str) -> float:
    """Seconds to put the delivery off while its endpoint's breaker is open; 0 to attempt it
    now. With Redis away the attempt goes ahead, as it would without a breaker."""
    try:
        return circuit.wait_seconds(endpoint_id)
    except RedisError:
        return 0.0


def _tell_breaker(
    circuit: breaker.Breaker, endpoint_id: str, status_code: int | None, unreachable: bool
) -> None:
    """Any HTTP answer closes the endpoint's breaker; no answer (timeout, refused, TLS, ...)
    counts towards opening it. A URL refused before any connection is neither."""
    try:
        if status_code is not None:
            circuit.answered(endpoint_id)
        elif unreachable and (until := circuit.failed(endpoint_id)):
            paused = datetime.fromtimestamp(until, UTC).isoformat(timespec="seconds")
            log.warning("webhook endpoint %s unreachable: paused until %s", endpoint_id, paused)
    except RedisError:
        pass  # the breaker is an optimisation; the delivery's own retries go on


def _put_off(
    rt: runtime.Runtime, transport: webhooks.Transport, delivery: dict, wait: float
) -> str:
    """The endpoint's breaker is open, or its site has its share of the workers in flight: the
    delivery waits, not as an attempt (its retry budget is untouched). The row says when it is
    due, so the sweeper queues it again if Redis loses the scheduled job."""
    # Spread over half as long again: all of an endpoint's deliveries coming back at the same
    # instant, when one attempt goes and the rest must wait again, delayed everyone's (measured
    # with scripts/bench_webhook_starvation.py --scenario sites).
    wait *= 1 + random.random() / 2
    now = db.utcnow()
    with rt.engine.begin() as conn:
        conn.execute(
            webhook_deliveries.update()
            .where(webhook_deliveries.c.id == delivery["id"])
            .where(webhook_deliveries.c.status == "pending")
            .values(next_attempt_at=now + timedelta(seconds=wait), updated_at=now)
        )
    webhooks.enqueue_delivery(transport, delivery["id"], delay=wait)
    return "pending"

"""A cap on one site's webhook deliveries in flight, so a site with many slow receivers cannot
hold every webhook worker.

The circuit breaker (service.webhooks.breaker) pauses receivers that do not answer; one that
answers slowly, within the delivery deadline, never trips it, and ten of them on one site kept
every webhook worker busy while other sites' deliveries queued behind. So an attempt first takes
one of its site's slots: at most WEBHOOK_SITE_CONCURRENCY attempts of one site are in flight at
once over all webhook workers ("auto": half the webhook workers RQ has registered, at least one;
0: no cap). A delivery whose site has them all is not attempted but put off (the delivery job
does that, workers.webhooks, as for an open breaker: the retry budget is untouched). The cap
binds only while another site has a delivery due: a site alone with work (a one-site install,
or the only site with a backlog) takes every webhook worker, as it did before the cap.

Each slot is a lease in Redis (service.transport.slots) for the attempt's job timeout, given back
as soon as the HTTP exchange ends, so a worker killed in the middle leaves a slot that lapses
by itself. When Redis does not answer, the attempt goes ahead, as it would without a cap.

How long a put-off delivery waits grows with how long it has waited already: a site whose
backlog keeps growing is looked at less and less often, instead of its put-off jobs filling the
queue that other sites' deliveries wait in (a fixed second would be one job a second per waiting
delivery). Its newest deliveries therefore go before its oldest: within a site that is over its
share, order is not kept (receivers must not rely on it in any case).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis
from redis.exceptions import RedisError
from rq import Queue, Worker

from service.transport import slots

SETTINGS: dict[str, Any] = {
    # Attempts of one site in flight at once, over every webhook worker; "auto": half the
    # webhook workers registered (at least one); 0: no cap.
    "WEBHOOK_SITE_CONCURRENCY": "auto",
}

# A put-off delivery waits this share of its age, within these bounds (seconds; the delivery
# job adds up to half as long again, so the ones put off together do not come back together).
WAIT_SHARE_OF_AGE = 0.5
MIN_WAIT_SECONDS = 1.0
MAX_WAIT_SECONDS = 60.0


@dataclass(frozen=True)
class FairShare:
    redis: redis.Redis
    queue_name: str
    setting: Any
    # How long a slot lasts if its holder never gives it back (the job's own time limit).
    lease_seconds: float

    @classmethod
    def from_config(cls, conn: redis.Redis, config: Any, lease_seconds: float) -> FairShare:
        return cls(
            conn,
            config["WEBHOOK_QUEUE_NAME"],
            config["WEBHOOK_SITE_CONCURRENCY"],
            lease_seconds,
        )

    def cap(self) -> int:
        """Attempts one site may have in flight; 0 for no cap. Raises RedisError (auto)."""
        fixed = check_setting(self.setting)
        if fixed is not None:
            return fixed
        workers = Worker.count(queue=Queue(self.queue_name, connection=self.redis))
        return max(1, workers // 2)

    @contextlib.contextmanager
    def slot(self, site_id: str, contended: Callable[[], bool] = lambda: True) -> Iterator[bool]:
        """True while this attempt holds one of its site's slots (or there is no cap, or Redis
        does not answer, or `contended()` says no other site has a delivery due); False when
        the site has all of its slots in flight and another site waits: put it off."""
        key = slots_key(site_id)
        try:
            cap = self.cap()
            member = slots.claim(self.redis, key, cap, self.lease_seconds) if cap else ""
        except RedisError:
            member = ""  # fail open: the cap is a courtesy to other sites, not a guarantee
        if member is None:
            if contended():
                yield False
                return
            member = ""  # over its share, but nobody else is waiting for a worker
        try:
            yield True
        finally:
            if member:
                with contextlib.suppress(RedisError):  # the lease lapses by itself
                    slots.release(self.redis, key, member)


def check_setting(value: Any) -> int | None:
    """WEBHOOK_SITE_CONCURRENCY as a number, None for "auto"; ValueError for anything else."""
    if isinstance(value, str) and value.strip().lower() == "auto":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"WEBHOOK_SITE_CONCURRENCY: auto, 0 (no cap) or more, not {value!r}")
    return value


def slots_key(site_id: str) -> str:
    return f"moderation:webhook-site-slots:{site_id}"


def wait_seconds(created_at: datetime, now: datetime) -> float:
    """How long to put off a delivery whose site is at its cap (before the job's jitter)."""
    age = (now - created_at).total_seconds()
    return min(MAX_WAIT_SECONDS, max(MIN_WAIT_SECONDS, WAIT_SHARE_OF_AGE * age))

"""A circuit breaker per webhook endpoint, so one site's dead or slow receiver cannot keep the
webhook workers from everyone else's.

An attempt that times out or cannot connect ties up a worker for up to the delivery deadline;
after WEBHOOK_BREAKER_FAILURES of those in a row the endpoint is *open* for a cool-off
(WEBHOOK_BREAKER_SECONDS, doubling each time it opens again, up to WEBHOOK_BREAKER_MAX_SECONDS).
While it is open, its deliveries are not attempted but put off until it closes (the delivery job
does that, workers.webhooks). After the cool-off one attempt is let through (*half-open*): an
answer from the receiver closes the breaker, another failure opens it again for twice as long.

Any HTTP answer, 5xx included, counts as the receiver being there: a fast 503 costs a worker
next to nothing, and the retry schedule already spaces those out.

The state is in Redis, shared by every worker process, one hash per endpoint that failed lately,
each with an expiry (twice the longest cool-off, renewed on each failure), so it cannot grow
without bound; an endpoint that answers has no key at all. The state is only an optimisation:
when Redis loses it (a restart), the breaker is closed and the next attempts find out again.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import redis

SETTINGS: dict[str, Any] = {
    # Timeouts or connection failures in a row that open an endpoint's breaker; 0: never.
    "WEBHOOK_BREAKER_FAILURES": 3,
    # The first cool-off; each failed attempt after one doubles it, up to the cap.
    "WEBHOOK_BREAKER_SECONDS": 60,
    "WEBHOOK_BREAKER_MAX_SECONDS": 3600,
}

# One attempt in half-open state: whoever sets the probe key makes it; the others wait for
# its outcome. Returns 0 (closed: go ahead), -1 (the half-open attempt: go ahead) or the
# milliseconds to wait.
_ALLOW = """
local open_until = tonumber(redis.call('HGET', KEYS[1], 'open_until') or '0')
local now = tonumber(ARGV[1])
if open_until == 0 then return 0 end
if now < open_until then return open_until - now end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then return -1 end
return math.max(1, redis.call('PTTL', KEYS[2]))
"""

# A timeout or connection failure. Opens the breaker at the threshold, or at once when it was
# half-open; a failure of an attempt that started before it opened changes nothing. Returns the
# time it is open until (ms since the epoch), 0 when it stays closed.
_FAIL = """
local now = tonumber(ARGV[1])
local open_until = tonumber(redis.call('HGET', KEYS[1], 'open_until') or '0')
if now < open_until then return open_until end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local result = 0
if open_until > 0 or failures >= tonumber(ARGV[2]) then
  local opened = tonumber(redis.call('HGET', KEYS[1], 'opened') or '0')
  local cool = math.floor(math.min(tonumber(ARGV[3]) * 2 ^ opened, tonumber(ARGV[4])))
  result = now + cool
  redis.call('HSET', KEYS[1], 'open_until', result, 'opened', opened + 1, 'failures', 0)
end
redis.call('DEL', KEYS[2])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return result
"""


@dataclass(frozen=True)
class Breaker:
    """The settings and connection the breaker of every endpoint needs."""

    redis: redis.Redis
    failures: int
    base_ms: int
    cap_ms: int
    # How long a half-open attempt is waited for before another may try (its worker may die).
    probe_ms: int

    @classmethod
    def from_config(cls, conn: redis.Redis, config: Any, probe_seconds: float) -> Breaker:
        base = float(config["WEBHOOK_BREAKER_SECONDS"])
        return cls(
            conn,
            int(config["WEBHOOK_BREAKER_FAILURES"]),
            math.ceil(base * 1000),
            math.ceil(max(base, float(config["WEBHOOK_BREAKER_MAX_SECONDS"])) * 1000),
            math.ceil(probe_seconds * 1000),
        )

    @property
    def enabled(self) -> bool:
        return self.failures > 0

    def wait_seconds(self, endpoint_id: str) -> float:
        """0 when an attempt may go ahead now (closed, or this is the half-open attempt);
        otherwise how long to put the delivery off."""
        if not self.enabled:
            return 0.0
        answer = self.redis.eval(_ALLOW, 2, *_keys(endpoint_id), _now_ms(), self.probe_ms)
        return max(0, int(answer)) / 1000

    def failed(self, endpoint_id: str) -> float | None:
        """An attempt timed out or could not connect; the time (epoch seconds) the endpoint is
        open until, or None while it stays closed."""
        if not self.enabled:
            return None
        ttl = math.ceil(2 * self.cap_ms / 1000)
        until = self.redis.eval(
            _FAIL, 2, *_keys(endpoint_id), _now_ms(), self.failures, self.base_ms, self.cap_ms, ttl
        )
        return int(until) / 1000 if int(until) else None

    def answered(self, endpoint_id: str) -> None:
        """The receiver answered: the breaker closes and forgets the failures."""
        if self.enabled:
            self.redis.delete(*_keys(endpoint_id))

    def paused_until(self, endpoint_ids: list[str]) -> dict[str, float]:
        """Epoch seconds until which each open endpoint's deliveries wait, in one round trip
        (endpoints that are closed or half-open are left out)."""
        pipe = self.redis.pipeline(transaction=False)
        for endpoint_id in endpoint_ids:
            pipe.hget(_keys(endpoint_id)[0], "open_until")
        now = _now_ms()
        return {
            endpoint_id: int(until) / 1000
            for endpoint_id, until in zip(endpoint_ids, pipe.execute(), strict=True)
            if until is not None and int(until) > now
        }


def state_key(endpoint_id: str) -> str:
    return f"moderation:webhook-breaker:{endpoint_id}"


def _keys(endpoint_id: str) -> tuple[str, str]:
    return state_key(endpoint_id), state_key(endpoint_id) + ":probe"


def _now_ms() -> int:
    # The workers' clocks, not Redis's: hosts differ by far less than a cool-off.
    return int(time.time() * 1000)

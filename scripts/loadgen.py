"""A small open-loop load generator: POST comments at a fixed arrival rate (asyncio + aiohttp).

Open loop: request i is sent at start + i / rate whether or not earlier ones have been answered,
so a slow server shows up as latency instead of silently lowering the offered rate.
"""

from __future__ import annotations

import asyncio
import collections
import time
from dataclasses import dataclass

import aiohttp

# Why requests failed at the connection level (kind of exception: count), for the reports.
failures: collections.Counter = collections.Counter()


@dataclass(frozen=True)
class Sent:
    external_id: str
    sent_at: float  # time.time() when the request left
    status: int  # 0 when the connection failed
    seconds: float  # until the response arrived
    comment_id: str | None


async def _post(session: aiohttp.ClientSession, url: str, body: dict) -> Sent:
    sent_at = time.time()
    started = time.perf_counter()
    try:
        async with session.post(url, json=body) as response:
            data = await response.json(content_type=None)
            status = response.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        failures[type(exc).__name__] += 1
        return Sent(body["id"], sent_at, 0, time.perf_counter() - started, None)
    comment_id = data.get("id") if isinstance(data, dict) else None
    return Sent(body["id"], sent_at, status, time.perf_counter() - started, comment_id)


async def _run(
    base_url: str, key: str, bodies: list[dict], rate: float, clients: int
) -> list[Sent]:
    connector = aiohttp.TCPConnector(limit=clients)
    headers = {"Authorization": f"Bearer {key}"}
    # Per-socket limits, not a total: waiting for one of our own pooled connections under a
    # backlog is the load generator's queue, not the server failing.
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=60)
    url = f"{base_url}/v1/comments"
    async with aiohttp.ClientSession(
        connector=connector, headers=headers, timeout=timeout
    ) as session:
        loop = asyncio.get_running_loop()
        start = loop.time()
        tasks = []
        for i, body in enumerate(bodies):
            delay = start + i / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(_post(session, url, body)))
        return list(await asyncio.gather(*tasks))


def post_at_rate(
    base_url: str, key: str, bodies: list[dict], rate: float, clients: int = 64
) -> list[Sent]:
    """Send every body at `rate` per second over at most `clients` connections."""
    return asyncio.run(_run(base_url, key, bodies, rate, clients))

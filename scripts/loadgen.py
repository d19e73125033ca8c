"""A small open-loop load generator: POST comments at a fixed arrival rate (asyncio streams).

Open loop: request i is sent at start + i / rate whether or not earlier ones have been answered,
so a slow server shows up as latency instead of silently lowering the offered rate.

It speaks just enough HTTP/1.1 for our API (keep-alive connections, Content-Length bodies): the
generator shares the machine's two cores with the service it measures, and a general client
(aiohttp) spent about 0.5 ms of CPU a request, which the service then lacked.
"""

from __future__ import annotations

import asyncio
import collections
import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

# Why requests failed at the connection level (kind of exception: count), for the reports.
failures: collections.Counter = collections.Counter()

CONNECT_TIMEOUT = 10
READ_TIMEOUT = 60


@dataclass(frozen=True)
class Sent:
    external_id: str
    sent_at: float  # time.time() when the request left
    status: int  # 0 when the connection failed
    seconds: float  # until the response arrived
    comment_id: str | None


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class _Pool:
    """At most `size` keep-alive connections; a request waits for a free one."""

    def __init__(self, host: str, port: int, size: int) -> None:
        self.host, self.port = host, port
        self.idle: list[Connection] = []
        self.slots = asyncio.Semaphore(size)

    async def take(self) -> Connection:
        await self.slots.acquire()
        try:
            while self.idle:
                conn = self.idle.pop()
                if not conn[0].at_eof():  # the server closes keep-alives idle too long
                    return conn
                conn[1].close()
            return await self.connect()
        except BaseException:
            self.slots.release()
            raise

    async def connect(self) -> Connection:
        """A new connection (the caller holds a slot)."""
        return await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port), CONNECT_TIMEOUT
        )

    def give_back(self, conn: Connection, reusable: bool) -> None:
        if reusable:
            self.idle.append(conn)
        else:
            conn[1].close()
        self.slots.release()


async def _exchange(conn: Connection, request: bytes) -> tuple[int, bytes, bool]:
    """Send one request; (status, body, whether the connection can be used again)."""
    reader, writer = conn
    writer.write(request)
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("closed before answering")
    status = int(status_line.split(None, 2)[1])
    length, keep = 0, True
    while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection":
            keep = value.strip().lower() != b"close"
    body = await reader.readexactly(length) if length else b""
    return status, body, keep


async def _post(pool: _Pool, head: bytes, body: dict) -> Sent:
    payload = json.dumps(body).encode()
    request = head + b"Content-Length: %d\r\n\r\n" % len(payload) + payload
    sent_at = time.time()
    started = time.perf_counter()
    try:
        conn = await pool.take()
    except (OSError, TimeoutError) as exc:
        failures[type(exc).__name__] += 1
        return Sent(body["id"], sent_at, 0, time.perf_counter() - started, None)
    reusable = False
    try:
        try:
            status, data, reusable = await asyncio.wait_for(_exchange(conn, request), READ_TIMEOUT)
        except ConnectionResetError:
            # Closed by the server between requests: once more on a new connection. Safe to
            # repeat: a comment posted again with its id is not stored twice.
            conn[1].close()
            conn = await pool.connect()
            status, data, reusable = await asyncio.wait_for(_exchange(conn, request), READ_TIMEOUT)
    except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
        failures[type(exc).__name__] += 1
        return Sent(body["id"], sent_at, 0, time.perf_counter() - started, None)
    finally:
        pool.give_back(conn, reusable)
    seconds = time.perf_counter() - started
    try:
        answer = json.loads(data)
    except ValueError:
        answer = None
    comment_id = answer.get("id") if isinstance(answer, dict) else None
    return Sent(body["id"], sent_at, status, seconds, comment_id)


async def _run(
    base_url: str, key: str, bodies: list[dict], rate: float, clients: int
) -> list[Sent]:
    url = urlsplit(base_url)
    pool = _Pool(url.hostname or "127.0.0.1", url.port or 80, clients)
    head = (
        f"POST {url.path.rstrip('/')}/v1/comments HTTP/1.1\r\n"
        f"Host: {url.netloc}\r\n"
        f"Authorization: Bearer {key}\r\n"
        "Content-Type: application/json\r\n"
    ).encode()
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks = []
    for i, body in enumerate(bodies):
        delay = start + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_post(pool, head, body)))
    results = list(await asyncio.gather(*tasks))
    for _, writer in pool.idle:
        writer.close()
    return results


def post_at_rate(
    base_url: str, key: str, bodies: list[dict], rate: float, clients: int = 64
) -> list[Sent]:
    """Send every body at `rate` per second over at most `clients` connections."""
    return asyncio.run(_run(base_url, key, bodies, rate, clients))

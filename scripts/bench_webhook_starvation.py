"""Does scoring wait behind webhook deliveries? POST-to-decision latency with and without slow
webhook receivers, on gunicorn, worker processes, a redis-server and PostgreSQL (issue 16, item 3).

Comments arrive at a steady rate on a site with `--endpoints` webhook endpoints, each decision one
delivery per endpoint, in three phases on one stack: no endpoints, fast receivers (204 at once),
then slow receivers (a byte every `--byte-interval` seconds, never a whole status line, so each
attempt runs to the delivery's overall deadline, WEBHOOK_TIMEOUT_SECONDS). Each worker layout is a
stack of its own, with the same number of worker processes:

- shared: every worker listens to the comments queue first and the webhook queue second;
- split: scoring workers (`--queues comments`) and webhook workers (`--queues webhooks`).

    .venv/bin/python -m scripts.bench_webhook_starvation [--rate 10] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from scripts import procs
from scripts.bench import active_model, measure_rate, sample_texts
from scripts.stack import Stack, create_database, drop_database
from service.storage.integrations import webhook_attempts, webhook_deliveries

LAYOUTS = {
    "shared": "every worker: comments, then webhooks",
    "split": "scoring workers + webhook workers",
}


class Receivers:
    """Webhook receivers on one port, in a thread of their own: /fast/<n> answers 204 at once,
    /slow/<n> sends one byte every `byte_interval` seconds and never finishes its status line."""

    def __init__(self, byte_interval: float) -> None:
        self.byte_interval = byte_interval
        self.port = procs.free_port()
        self.seen: Counter[str] = Counter()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Receivers:
        self.thread.start()
        procs.wait_until(lambda: procs.answers(self.port), 10, "webhook receivers")
        return self

    def url(self, kind: str, n: int) -> str:
        return f"http://127.0.0.1:{self.port}/{kind}/{n}"

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", self.port, backlog=1024)
        )
        self.loop.run_until_complete(server.serve_forever())

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            kind = head.split(b" ", 2)[1].split(b"/")[1].decode()
            self.seen[kind] += 1
            if kind == "fast":
                writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
                return
            for byte in b"HTTP/1.1 200 OK slowly" * 100:
                await asyncio.sleep(self.byte_interval)
                writer.write(bytes([byte]))
                await writer.drain()  # raises once the sender gave up and closed
        except (OSError, asyncio.IncompleteReadError, IndexError):
            pass
        finally:
            writer.close()


def _api(url: str, key: str, method: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        url + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
    return json.loads(text) if text else {}


def _deliveries(stack: Stack) -> dict[str, float]:
    """Delivery rows by status, and attempts made with their mean duration."""
    engine = stack.engine()
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(webhook_deliveries.c.status, sa.func.count()).group_by(
                webhook_deliveries.c.status
            )
        ).all()
        attempts = conn.execute(sa.select(sa.func.count()).select_from(webhook_attempts)).scalar()
    engine.dispose()
    return {**{status: n for status, n in rows}, "attempts": attempts or 0}


def _phase(stack, url, texts, args, receivers, kind: str | None) -> dict:
    hooks = []
    if kind is not None:
        hooks = [
            _api(url, stack.site_key, "POST", "/v1/site/webhooks", {"url": receivers.url(kind, n)})
            for n in range(args.endpoints)
        ]
    before = _deliveries(stack)
    row = measure_rate(stack, url, texts, args.rate, args.seconds)
    after = _deliveries(stack)
    row["attempts"] = after["attempts"] - before["attempts"]
    row["delivered"] = after.get("succeeded", 0) - before.get("succeeded", 0)
    row["pending"] = after.get("pending", 0)
    for hook in hooks:
        _api(url, stack.site_key, "DELETE", f"/v1/site/webhooks/{hook['id']}")
    return row


def run_layout(layout: str, args, model: tuple[str, str], texts: list[str], receivers) -> list:
    database_url = create_database()
    redis_server = procs.RedisServer().start()
    settings = {
        "SWEEP_INTERVAL_SECONDS": "0",
        "WEBHOOK_ALLOW_PRIVATE": "true",  # the receivers listen on 127.0.0.1
        "WEBHOOK_MAX_ENDPOINTS_PER_SITE": str(args.endpoints),
    }
    stack = Stack(database_url, redis_server.url, *model, settings=settings).prepare()
    log = Path(stack.instance) / "workers.log"
    rows = []
    try:
        url = stack.start_web(workers=args.web_workers)
        if layout == "shared":
            for _ in range(args.workers):
                stack.start_worker(log=log)
        else:
            hook_workers = max(1, args.workers // 2)
            for _ in range(args.workers - hook_workers):
                stack.start_worker("--queues", "comments", log=log)
            for _ in range(hook_workers):
                stack.start_worker("--queues", "webhooks", log=log)
        stack.wait_workers(args.workers)
        measure_rate(stack, url, texts, args.rate, 2)  # warm-up: caches, connection pools
        for kind in (None, "fast", "slow"):
            row = _phase(stack, url, texts, args, receivers, kind)
            row["phase"] = f"{args.endpoints} {kind} receivers" if kind else "no webhooks"
            rows.append(row)
            if kind == "fast":
                time.sleep(2)  # the fast phase's last deliveries finish before the slow one
    finally:
        stack.stop()
        redis_server.kill()
        drop_database(database_url)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rate", type=int, default=10, help="comments per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="per phase")
    parser.add_argument("--endpoints", type=int, default=10, help="webhook endpoints of the site")
    parser.add_argument("--byte-interval", type=float, default=3.0, help="slow receivers")
    parser.add_argument("--workers", type=int, default=2, help="worker processes per layout")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--layouts", default="shared,split")
    args = parser.parse_args()
    model_dir, version, data_dir = active_model()
    texts = sample_texts(Path(data_dir), 2000)
    receivers = Receivers(args.byte_interval).start()
    print(
        f"model {version}; {args.rate} comments/s for {args.seconds:.0f} s per phase; "
        f"{args.endpoints} endpoints; slow receivers send a byte every {args.byte_interval:.0f} s; "
        f"{args.workers} worker processes, gunicorn {args.web_workers}; {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}\n"
        "latency: POST sent -> decision stored (ms); late: not decided 90 s after the last POST;"
        "\nattempts, delivered: webhook attempts made and deliveries done during the phase;"
        " pending: deliveries still to do at its end\n",
        flush=True,
    )
    print(
        f"{'layout':<48}{'phase':<22}{'decided':>8}{'late':>5}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'p99 ms':>8}{'attempts':>9}{'delivered':>10}{'pending':>8}",
        flush=True,
    )
    for layout in args.layouts.split(","):
        for row in run_layout(layout, args, (model_dir, version), texts, receivers):
            print(
                f"{layout + ' (' + LAYOUTS[layout] + ')':<48}{row['phase']:<22}"
                f"{row['decided']:>8}{row['undecided']:>5}{row['p50']:>8.0f}{row['p95']:>8.0f}"
                f"{row['p99']:>8.0f}{row['attempts']:>9}{row['delivered']:>10}{row['pending']:>8}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

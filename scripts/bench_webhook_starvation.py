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

`--scenario sites` asks the next question (item 3 again): do other sites' deliveries wait behind
one site's dead receivers? One site has `--endpoints` slow receivers, another one fast receiver;
both post comments for `--seconds` on the split layout, once per `--breaker` setting and
`--site-concurrency` setting (a stack each: WEBHOOK_BREAKER_FAILURES, 0 is no breaker;
WEBHOOK_SITE_CONCURRENCY, 0 is no cap), and it prints the fast site's delivery latency (POST
sent -> its receiver got the webhook) and the attempts the slow receivers got. `--slow-kind
answering` makes the slow receivers answer 204 in `--answer-seconds` (a few bytes at a time,
within the deadline), which the breaker never counts as a failure:

    .venv/bin/python -m scripts.bench_webhook_starvation --scenario sites --breaker 0,3 \
        --site-concurrency 0,auto [--slow-kind silent|answering]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from scripts import procs
from scripts.bench import active_model, bodies, measure_rate, percentile, sample_texts
from scripts.loadgen import Sent, post_at_rate
from scripts.stack import Stack, create_database, drop_database
from service.storage.integrations import webhook_attempts, webhook_deliveries

LAYOUTS = {
    "shared": "every worker: comments, then webhooks",
    "split": "scoring workers + webhook workers",
}


class Receivers:
    """Webhook receivers on one port, in a thread of their own: /fast/<n> answers 204 at once,
    /silent/<n> sends one byte every `byte_interval` seconds and never finishes its status line,
    /answering/<n> answers 204 in `answer_seconds`, a quarter of the answer at a time."""

    def __init__(self, byte_interval: float, answer_seconds: float) -> None:
        self.byte_interval = byte_interval
        self.answer_seconds = answer_seconds
        self.port = procs.free_port()
        self.seen: Counter[str] = Counter()
        # Comment id -> when a fast receiver first got its webhook (time.time()).
        self.arrived: dict[str, float] = {}
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
            answer = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"
            if kind == "fast":
                self._arrival(head, await reader.readexactly(_content_length(head)))
                writer.write(answer)
                await writer.drain()
                return
            if kind == "answering":
                await reader.readexactly(_content_length(head))
                quarter = math.ceil(len(answer) / 4)
                for i in range(0, len(answer), quarter):
                    await asyncio.sleep(self.answer_seconds / 4)
                    writer.write(answer[i : i + quarter])
                    await writer.drain()
                return
            for byte in b"HTTP/1.1 200 OK slowly" * 100:
                await asyncio.sleep(self.byte_interval)
                writer.write(bytes([byte]))
                await writer.drain()  # raises once the sender gave up and closed
        except (OSError, asyncio.IncompleteReadError, IndexError, ValueError):
            pass
        finally:
            writer.close()

    def _arrival(self, head: bytes, body: bytes) -> None:
        comment_id = json.loads(body).get("data", {}).get("id")
        if comment_id:
            self.arrived.setdefault(comment_id, time.time())


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


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
    rows = []
    with _running(layout, args, model, texts, {}) as (stack, url):
        for kind in (None, "fast", "silent"):
            row = _phase(stack, url, texts, args, receivers, kind)
            row["phase"] = f"{args.endpoints} {kind} receivers" if kind else "no webhooks"
            rows.append(row)
            if kind == "fast":
                time.sleep(2)  # the fast phase's last deliveries finish before the slow one
    return rows


@contextlib.contextmanager
def _running(
    layout: str, args, model: tuple[str, str], texts: list[str], settings: dict[str, str]
) -> Iterator[tuple[Stack, str]]:
    """(stack, web URL) of a stack of its own (database, redis-server, gunicorn, args.workers
    workers in `layout`), warmed up before any endpoint; stopped and dropped afterwards."""
    database_url = create_database()
    redis_server = procs.RedisServer().start()
    settings = {
        "SWEEP_INTERVAL_SECONDS": "0",
        "WEBHOOK_ALLOW_PRIVATE": "true",  # the receivers listen on 127.0.0.1
        "WEBHOOK_MAX_ENDPOINTS_PER_SITE": str(args.endpoints),
        **settings,
    }
    stack = Stack(database_url, redis_server.url, *model, settings=settings).prepare()
    log = Path(stack.instance) / "workers.log"
    try:
        url = stack.start_web(workers=args.web_workers)
        if layout == "shared":
            for _ in range(args.workers):
                stack.start_worker(log=log)
        else:
            _start_split(stack, args.workers, log)
        stack.wait_workers(args.workers)
        measure_rate(stack, url, texts, args.rate, 2)  # warm-up: caches, connection pools
        yield stack, url
    finally:
        stack.stop()
        redis_server.kill()
        drop_database(database_url)


def _start_split(stack: Stack, workers: int, log: Path) -> None:
    """Scoring workers and webhook workers, half and half (at least one of the latter)."""
    hook_workers = max(1, workers // 2)
    for _ in range(workers - hook_workers):
        stack.start_worker("--queues", "comments", log=log)
    for _ in range(hook_workers):
        stack.start_worker("--queues", "webhooks", log=log)


def run_sites(
    failures: str, concurrency: str, args, model: tuple[str, str], texts: list[str], receivers
) -> dict:
    """One stack (split layout) with WEBHOOK_BREAKER_FAILURES=failures and
    WEBHOOK_SITE_CONCURRENCY=concurrency: a site with slow receivers and a site with a fast one
    post at once; the fast site's delivery latency."""
    settings = {
        "WEBHOOK_TIMEOUT_SECONDS": str(args.timeout),
        "WEBHOOK_BREAKER_FAILURES": failures,
        "WEBHOOK_SITE_CONCURRENCY": concurrency,
    }
    with _running("split", args, model, texts, settings) as (stack, url):
        fast_key = _new_site(stack, "Fast News")
        hooks = [(stack.site_key, receivers.url(args.slow_kind, n)) for n in range(args.endpoints)]
        for key, hook_url in [*hooks, (fast_key, receivers.url("fast", 0))]:
            _api(url, key, "POST", "/v1/site/webhooks", {"url": hook_url})
        slow_before = receivers.seen[args.slow_kind]
        row = _two_sites(url, texts, args, stack.site_key, fast_key, receivers)
        row["slow_attempts"] = receivers.seen[args.slow_kind] - slow_before
        row["pending"] = _deliveries(stack).get("pending", 0)
    return row


def _new_site(stack: Stack, name: str) -> str:
    from service.cli.sites import create_site_record

    app = stack.app()
    with app.app_context():
        _, key = create_site_record(name)
    app.extensions["db_engine"].dispose()
    return key


def _two_sites(url: str, texts: list[str], args, slow_key: str, fast_key: str, receivers) -> dict:
    prefix = f"s{time.monotonic_ns()}"
    sent: dict[str, list[Sent]] = {}

    def post(name: str, key: str, rate: float) -> None:
        n = int(rate * args.seconds)
        sent[name] = post_at_rate(url, key, bodies(texts, f"{prefix}-{name}", n), rate)

    started = time.time()
    threads = [
        threading.Thread(target=post, args=("slow", slow_key, args.slow_rate)),
        threading.Thread(target=post, args=("fast", fast_key, args.rate)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fast = [s for s in sent["fast"] if s.status in (200, 202) and s.comment_id]
    wanted = {s.comment_id for s in fast}
    deadline = time.monotonic() + args.drain
    while time.monotonic() < deadline and not wanted <= receivers.arrived.keys():
        time.sleep(0.2)
    arrived = receivers.arrived

    def latencies(rows: list[Sent]) -> list[float]:
        # Not delivered by the end of the drain: infinitely late, so percentiles say so.
        return [(arrived.get(s.comment_id, math.inf) - s.sent_at) * 1000 for s in rows]

    second_half = [s for s in fast if s.sent_at >= started + args.seconds / 2]
    every, later = latencies(fast), latencies(second_half)
    return {
        "fast": len(fast),
        "late": sum(1 for s in fast if s.comment_id not in arrived),
        "p50": percentile(every, 0.50),
        "p95": percentile(every, 0.95),
        "p50_2nd": percentile(later, 0.50),
        "p95_2nd": percentile(later, 0.95),
    }


def _ms(value: float) -> str:
    return "late" if math.isinf(value) else f"{value:.0f}"


def _cells(values: list, widths: list[int]) -> str:
    return "".join(
        f"{v!s:<{-w}}" if w < 0 else f"{v!s:>{w}}" for v, w in zip(values, widths, strict=True)
    )


def _prepare(args) -> tuple[tuple[str, str], list[str], Receivers]:
    """The active model, sample texts and the receivers, once per run."""
    model_dir, version, data_dir = active_model()
    texts = sample_texts(Path(data_dir), 2000)
    answer_seconds = args.answer_seconds if args.answer_seconds is not None else 0.75 * args.timeout
    receivers = Receivers(args.byte_interval, answer_seconds).start()
    return (model_dir, version), texts, receivers


def main_sites(args) -> int:
    (model_dir, version), texts, receivers = _prepare(args)
    slow = (
        f"a byte every {args.byte_interval:g} s, no answer"
        if args.slow_kind == "silent"
        else f"answering 204 in {receivers.answer_seconds:g} s"
    )
    print(
        f"model {version}; site A: {args.slow_rate:g} comments/s, {args.endpoints} slow receivers "
        f"({slow}); site B: {args.rate:g} comments/s, one fast "
        f"receiver; {args.seconds:.0f} s; WEBHOOK_TIMEOUT_SECONDS={args.timeout:g}; "
        f"{args.workers} worker processes (half of them webhooks); {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}\n"
        "B's delivery latency: POST sent -> B's receiver got the webhook (ms; late: not within "
        f"{args.drain:.0f} s after the last POST), over all B's comments and over those of the "
        "second half; A attempts: connections A's receivers got; pending: deliveries left\n",
        flush=True,
    )
    columns = ["WEBHOOK_BREAKER_FAILURES", "SITE_CONCURRENCY", "B sent", "B late", "p50 ms"]
    columns += ["p95 ms", "2nd p50", "2nd p95", "A attempts", "pending"]
    widths = [-26, -18, 7, 7, 8, 8, 8, 8, 11, 8]  # negative: left-aligned
    print(_cells(columns, widths), flush=True)
    for failures in args.breaker.split(","):
        for concurrency in args.site_concurrency.split(","):
            row = run_sites(failures, concurrency, args, (model_dir, version), texts, receivers)
            labels = [
                failures + (" (no breaker)" if failures == "0" else ""),
                concurrency + (" (no cap)" if concurrency == "0" else ""),
            ]
            latencies = [_ms(row[k]) for k in ("p50", "p95", "p50_2nd", "p95_2nd")]
            values = [*labels, row["fast"], row["late"], *latencies]
            print(_cells([*values, row["slow_attempts"], row["pending"]], widths), flush=True)
    return 0


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
    parser.add_argument("--scenario", choices=("layouts", "sites"), default="layouts")
    parser.add_argument("--breaker", default="0,3", help="sites: WEBHOOK_BREAKER_FAILURES each")
    parser.add_argument("--slow-rate", type=float, default=1.0, help="sites: the slow site's")
    parser.add_argument(
        "--slow-kind", choices=("silent", "answering"), default="silent", help="sites"
    )
    parser.add_argument(
        "--answer-seconds", type=float, default=None, help="answering: default 0.75 x --timeout"
    )
    parser.add_argument(
        "--site-concurrency", default="auto", help="sites: WEBHOOK_SITE_CONCURRENCY each"
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="WEBHOOK_TIMEOUT_SECONDS")
    parser.add_argument("--drain", type=float, default=60.0, help="sites: wait after the POSTs")
    args = parser.parse_args()
    if args.scenario == "sites":
        return main_sites(args)
    (model_dir, version), texts, receivers = _prepare(args)
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

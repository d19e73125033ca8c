"""Sync scoring through `POST /v1alpha1/comments:analyze`: latency percentiles at a fixed
request rate (default 100 per second) against gunicorn and two `python -m workers` processes.

Open loop: request i is due at start + i / rate, whatever happened to earlier ones, and its
latency is counted from when it was due, so a stalled server shows up as latency instead of
silently lowering the rate (no coordinated omission). Texts are real comments (Jigsaw sample).
By default everything runs on a temporary SQLite and embedded Redis; --redis-url and
--database-url point it at servers instead.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from scripts.bench import active_model, sample_texts
from scripts.procs import PROJECT_ROOT
from service import create_app
from service.cli.sites import create_site_record
from service.storage import model_state


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_stack(tmp: str, args: argparse.Namespace, model_dir: str, version: str):
    env = dict(
        os.environ,
        MODERATION_INSTANCE_PATH=tmp,
        MODERATION_MODEL_DIR=model_dir,
        MODERATION_SECRET_KEY="bench",
        # The bench's own rate must not be what it measures.
        MODERATION_RATE_LIMIT_PER_MINUTE="1000000",
    )
    if args.redis_url:
        env["MODERATION_REDIS_URL"] = args.redis_url
    if args.database_url:
        env["MODERATION_DATABASE_URL"] = args.database_url
    overrides = {
        "INSTANCE_PATH": tmp,
        "MODEL_DIR": model_dir,
        "REDIS_URL": args.redis_url or "",
        "DATABASE_URL": args.database_url or "",
    }
    app = create_app(overrides)
    app.extensions["redis"].delete("moderation:sync:requests")
    with app.extensions["db_engine"].begin() as conn:
        model_state.activate(conn, version)
    with app.app_context():
        _, key = create_site_record("Bench")
    port = free_port()
    procs = [
        subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "--worker-class", "gthread",
                "--workers", str(args.web_workers), "--threads", "8",
                "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "service:create_app()",
            ],
            cwd=PROJECT_ROOT, env=env,
        )
    ]  # fmt: skip
    for i in range(args.workers):
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "workers", "--name", f"bench-{os.getpid()}-{i}"],
                cwd=PROJECT_ROOT,
                env=env,
                stderr=subprocess.DEVNULL,
            )
        )
    return app, key, port, procs


def wait_ready(port: int, workers: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/readyz")
            body = json.loads(conn.getresponse().read())
            if body["checks"]["worker"]["live"] >= workers:
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.3)
    raise RuntimeError("the stack did not become ready")


def run_load(port: int, key: str, texts: list[str], rate: float, seconds: float, threads: int):
    n = int(rate * seconds)
    path = f"/v1alpha1/comments:analyze?key={key}"
    bodies = [
        json.dumps(
            {
                "comment": {"text": texts[i % len(texts)]},
                "requestedAttributes": {"TOXICITY": {}, "INSULT": {}, "SPAM": {}},
                "doNotStore": True,
            }
        )
        for i in range(n)
    ]
    latencies: list[float] = [0.0] * n
    statuses: list[int] = [0] * n
    counter = iter(range(n))
    lock = threading.Lock()
    start = time.perf_counter() + 0.5

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            try:
                conn.request(
                    "POST", path, body=bodies[i], headers={"Content-Type": "application/json"}
                )
                response = conn.getresponse()
                response.read()
                statuses[i] = response.status
            except (OSError, http.client.HTTPException):
                statuses[i] = -1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            latencies[i] = (time.perf_counter() - due) * 1000

    pool = [threading.Thread(target=client, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - start
    return latencies, statuses, n / elapsed


def cpu_seconds(root_pids: list[int]) -> float:
    """User + system CPU of these processes and all their descendants (Linux /proc).

    On a shared machine latency depends on the neighbours; CPU per request does much less, and
    it bounds the rate two cores can serve.
    """
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = fields
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0.0, list(root_pids)
    tick = os.sysconf("SC_CLK_TCK")
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += (int(stats[pid][11]) + int(stats[pid][12])) / tick
        todo.extend(children.get(pid, []))
    return total


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2, help="python -m workers processes")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=32, help="load generator threads")
    parser.add_argument("--redis-url", default="", help="a Redis server (default: embedded)")
    parser.add_argument("--database-url", default="", help="a database (default: SQLite)")
    args = parser.parse_args(argv)

    model_dir, version, data_dir = active_model()
    texts = sample_texts(Path(data_dir), 2000)
    with tempfile.TemporaryDirectory() as tmp:
        _, key, port, procs = start_stack(tmp, args, model_dir, version)
        try:
            wait_ready(port, args.workers)
            run_load(port, key, texts, rate=min(args.rate, 50), seconds=2, threads=8)  # warm up
            pids = [proc.pid for proc in procs]
            cpu_before = cpu_seconds(pids)
            latencies, statuses, achieved = run_load(
                port, key, texts, args.rate, args.seconds, args.threads
            )
            cpu_ms = (cpu_seconds(pids) - cpu_before) * 1000 / len(statuses)
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(timeout=60)
    ok = [lat for lat, status in zip(latencies, statuses, strict=True) if status == 200]
    errors = len(statuses) - len(ok)
    print(
        f"model {version}; comments:analyze at {args.rate:.0f}/s for {args.seconds:.0f} s "
        f"({len(statuses)} requests), {args.workers} workers, {args.web_workers} web processes, "
        f"redis {'server' if args.redis_url else 'embedded'}"
    )
    print(
        f"achieved rate {achieved:.1f}/s; non-200 answers: {errors}; "
        f"machine load average {os.getloadavg()[0]:.1f}"
    )
    print(f"server CPU per request (gunicorn + workers; Redis not counted): {cpu_ms:.1f} ms")
    if ok:
        print(
            f"latency ms: median {statistics.median(ok):.1f}  p95 {percentile(ok, 0.95):.1f}  "
            f"p99 {percentile(ok, 0.99):.1f}  max {max(ok):.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

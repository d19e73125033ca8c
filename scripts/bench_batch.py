"""`make bench` (bulk part): comments per second end to end (first request sent -> last decision
stored) through the single-comment POST, POST /v1/comments:batch and `flask comments import`,
one after another on the same deployment (gunicorn, worker processes, PostgreSQL, a
redis-server of the run's own), so the figures compare on the same machine in the same run.

    python -m scripts.bench_batch [--single 2000] [--batch 5000] [--import-lines 10000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import redis
import sqlalchemy as sa

from scripts import procs
from scripts.bench import active_model, bodies, decided_at, sample_texts
from scripts.loadgen import post_at_rate
from scripts.stack import Stack, create_database, drop_database
from service.storage import db
from workers.batch import stats_key

DRAIN_STATS = stats_key("moderation")


def end_to_end(stack: Stack, ids: list[str], started: float, sent_for: float) -> dict:
    """Wait for these comments' decisions; the rate from `started` to the last one, and where
    the workers' time went (their drain-stats counters, reset for the next run)."""
    engine = stack.engine()
    decided = decided_at(engine, ids, timeout=300)
    engine.dispose()
    last = max(decided.values(), default=started)
    conn = redis.Redis.from_url(stack.redis_url)
    stats = {k.decode(): float(v) for k, v in conn.hgetall(DRAIN_STATS).items()}
    conn.delete(DRAIN_STATS)
    conn.close()
    each = max(stats.get("comments", 0), 1)
    return {
        "comments": len(ids),
        "decided": len(decided),
        "sent_s": sent_for,
        "e2e_s": last - started,
        "per_s": len(decided) / max(last - started, 1e-9),
        "models_ms": stats.get("models_seconds", 0) * 1000 / each,
        "worker_ms": stats.get("wall_seconds", 0) * 1000 / each,
        "job_size": each / max(stats.get("batches", 0), 1),
    }


def run_single(stack: Stack, url: str, texts: list[str], n: int, clients: int) -> dict:
    """As fast as `clients` keep-alive connections carry them: one POST per comment."""
    started = time.time()
    sent = post_at_rate(
        url, stack.site_key, bodies(texts, f"one-{time.time_ns()}", n), 1e6, clients
    )
    ids = [s.comment_id for s in sent if s.status in (200, 202) and s.comment_id]
    return end_to_end(stack, ids, started, time.time() - started)


def run_batches(stack: Stack, url: str, texts: list[str], n: int, size: int, parallel: int):
    items = bodies(texts, f"many-{time.time_ns()}", n)
    chunks = [items[i : i + size] for i in range(0, n, size)]
    address = urlsplit(url)
    headers = {"Authorization": f"Bearer {stack.site_key}", "Content-Type": "application/json"}

    def send(chunk: list[dict]) -> list[str]:
        conn = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
        conn.request("POST", "/v1/comments:batch", json.dumps({"comments": chunk}), headers)
        answer = json.loads(conn.getresponse().read())
        conn.close()
        return [r["comment"]["id"] for r in answer["results"] if r["status"] in (200, 202)]

    started = time.time()
    with ThreadPoolExecutor(parallel) as pool:
        ids = [i for chunk_ids in pool.map(send, chunks) for i in chunk_ids]
    return end_to_end(stack, ids, started, time.time() - started)


def run_import(stack: Stack, texts: list[str], n: int) -> dict:
    prefix = f"file-{time.time_ns()}"
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        for body in bodies(texts, prefix, n):
            handle.write(json.dumps(body) + "\n")
    engine = stack.engine()
    with engine.connect() as conn:
        site_id = conn.execute(sa.select(db.sites.c.id)).scalar_one()
    started = time.time()
    command = ["-m", "flask", "--app", "service", "comments", "import", handle.name]
    subprocess.run(
        [sys.executable, *command, "--site", site_id],
        env=stack.env(),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sent_for = time.time() - started
    with engine.connect() as conn:
        ids = list(
            conn.scalars(
                sa.select(db.comments.c.id).where(db.comments.c.external_id.like(f"{prefix}-%"))
            )
        )
    engine.dispose()
    os.unlink(handle.name)
    return end_to_end(stack, ids, started, sent_for)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--single", type=int, default=2000, help="comments, one POST each")
    parser.add_argument("--batch", type=int, default=5000, help="comments through :batch")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--parallel", type=int, default=2, help="batch requests at a time")
    parser.add_argument("--import-lines", type=int, default=10000, help="0 skips the import")
    parser.add_argument("--clients", type=int, default=32, help="connections for single POSTs")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn workers")
    args = parser.parse_args()
    model_dir, version, data_dir = active_model()
    texts = sample_texts(Path(data_dir), 2000)
    database_url = create_database()
    redis_server = procs.RedisServer().start()
    stack = Stack(
        database_url,
        redis_server.url,
        model_dir,
        version,
        settings={"SWEEP_INTERVAL_SECONDS": "0"},
    ).prepare()
    rows = []
    try:
        url = stack.start_web(workers=args.web_workers)
        for _ in range(args.workers):
            stack.start_worker()
        stack.wait_workers(args.workers)
        # Warm-up: connection pools, and every sample text through the workers twice (each
        # worker process caches the features of the words it has seen), so the single POST,
        # measured first, does not pay for the caches the later runs find filled.
        run_single(stack, url, texts, 200, args.clients)
        run_batches(stack, url, texts, 2 * len(texts), args.batch_size, args.parallel)
        rows.append(("POST /v1/comments", run_single(stack, url, texts, args.single, args.clients)))
        label = f"POST /v1/comments:batch ({args.batch_size} each)"
        batches = run_batches(stack, url, texts, args.batch, args.batch_size, args.parallel)
        rows.append((label, batches))
        if args.import_lines:
            rows.append(("flask comments import", run_import(stack, texts, args.import_lines)))
    finally:
        stack.stop()
        redis_server.kill()
        drop_database(database_url)
    print(
        f"model {version}; gunicorn {args.web_workers} workers, {args.workers} worker processes, "
        f"PostgreSQL, Redis; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n"
        "sent: seconds until the last request was answered (the import: until it exited);\n"
        "stored/s: comments stored and queued a second over that time (the API side alone);\n"
        "end to end: first request sent -> last decision stored; worker ms, models ms: wall ms"
        "\na comment in the drain jobs, all and in the models; job: comments per drain job\n"
    )
    print(
        f"{'path':<40}{'comments':>9}{'decided':>9}{'sent s':>8}{'stored/s':>9}"
        f"{'e2e s':>8}{'per s':>8}"
        f"{'worker ms':>10}{'models ms':>10}{'job':>6}"
    )
    for label, row in rows:
        print(
            f"{label:<40}{row['comments']:>9}{row['decided']:>9}{row['sent_s']:>8.1f}"
            f"{row['comments'] / max(row['sent_s'], 1e-9):>9.0f}{row['e2e_s']:>8.1f}"
            f"{row['per_s']:>8.0f}{row['worker_ms']:>10.2f}"
            f"{row['models_ms']:>10.2f}{row['job_size']:>6.0f}"
        )
    single = rows[0][1]["per_s"]
    stored = rows[0][1]["comments"] / rows[0][1]["sent_s"]
    for label, row in rows[1:]:
        print(
            f"{label}: {row['per_s'] / single:.1f}x the single POST's rate end to end, "
            f"{row['comments'] / row['sent_s'] / stored:.1f}x stored and queued"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

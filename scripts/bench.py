"""`make bench`: accepted comments per second and POST-to-decision latency at fixed arrival rates,
on gunicorn and N worker processes against a redis-server and PostgreSQL, two ways in one run:

- batch: the API pushes ids onto a Redis list; a drain job scores up to 100 at a time, run by
  RQ's SimpleWorker in the worker process (ours);
- fork: the same drain jobs run by RQ's default forking Worker, a child per job (RQ's baseline).

Latency is from the moment the client sent the POST to the decision's timestamp in the database
(same machine, same clock). Also printed: the worker's time per comment beyond the models' own
work (batch path), and each worker process's resident memory with the model loaded.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import redis
import sqlalchemy as sa

from scripts import procs
from scripts.loadgen import Sent, post_at_rate
from scripts.stack import Stack, create_database, drop_database
from service import create_app
from service.storage import db, model_state

MODES = {
    "batch": ("batch, SimpleWorker (ours)", {}, ()),
    # The baseline: RQ's default Worker forks a child for every job.
    "fork": ("batch, RQ fork Worker", {}, ("--worker-class", "fork")),
}


def sample_texts(data_dir: Path, n: int) -> list[str]:
    """Real comments from the Jigsaw sample, so scoring costs what it costs in production."""
    import csv

    path = data_dir / "jigsaw-toxic-binary-sample" / "jigsaw_toxic_binary_12k.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        column = next(c for c in reader.fieldnames or [] if "text" in c.lower())
        texts = [row[column] for _, row in zip(range(n), reader, strict=False)]
    return texts


def active_model() -> tuple[str, str, str]:
    """(model dir, version, data dir) of this checkout's active model; trained first if none."""
    # Only the settings and database are needed: a Redis URL that is never dialled keeps
    # create_app from starting an embedded Redis server that would outlive this script.
    app = create_app({"REDIS_URL": "redis://127.0.0.1:1/0"})
    with app.extensions["db_engine"].connect() as conn:
        version = model_state.active_version(conn)
    if version is None:
        print("no active model: training the default one first", flush=True)
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "service", "models", "train", "--activate"],
            check=True,
        )
        return active_model()
    return app.config["MODEL_DIR"], version, app.config["DATA_DIR"]


def bodies(texts: list[str], prefix: str, n: int) -> list[dict]:
    return [
        {
            "id": f"{prefix}-{i}",
            "text": texts[i % len(texts)],
            "article": {"id": f"a{i % 50}"},
            "author": {"id": f"u{i % 500}"},
        }
        for i in range(n)
    ]


def decided_at(engine: sa.Engine, ids: list[str], timeout: float) -> dict[str, float]:
    """Wait until these comments are decided (or the timeout); their decision times (epoch s)."""
    deadline = time.monotonic() + timeout
    decided = (
        sa.select(db.decisions.c.comment_id, db.decisions.c.created_at)
        .where(db.decisions.c.kind == "machine")
        .where(db.decisions.c.comment_id.in_(sa.bindparam("ids", expanding=True)))
    )
    # Polled as a count: fetching every decided row five times a second took CPU from the
    # workers being measured. The times come from the rows, so polling less loses nothing.
    count = sa.select(sa.func.count()).select_from(decided.subquery())
    while True:
        with engine.connect() as conn:
            done = conn.execute(count, {"ids": ids}).scalar_one()
        if done >= len(ids) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    with engine.connect() as conn:
        rows = conn.execute(decided, {"ids": ids}).all()
    return {row.comment_id: row.created_at.timestamp() for row in rows}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure_rate(stack: Stack, url: str, texts: list[str], rate: int, seconds: float) -> dict:
    n = int(rate * seconds)
    prefix = f"r{rate}-{time.monotonic_ns()}"
    started = time.time()
    sent: list[Sent] = post_at_rate(url, stack.site_key, bodies(texts, prefix, n), rate)
    window = max(s.sent_at + s.seconds for s in sent) - started
    accepted = [s for s in sent if s.status in (200, 202) and s.comment_id]
    engine = stack.engine()
    # Everything decided before the next rate starts, so no backlog carries over.
    decided = decided_at(engine, [s.comment_id for s in accepted], timeout=90)
    engine.dispose()
    latencies = [
        (decided[s.comment_id] - s.sent_at) * 1000 for s in accepted if s.comment_id in decided
    ]
    last = max(decided.values(), default=started)
    return {
        "rate": rate,
        "accepted_per_s": len(accepted) / window,
        "decided_per_s": len(decided) / max(last - started, 1e-9),
        "errors": n - len(accepted),
        "decided": len(decided),
        "undecided": len(accepted) - len(decided),
        "post_p50": statistics.median([s.seconds * 1000 for s in sent]),
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
    }


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes and their reaped children (forked RQ jobs)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def with_children(pids: list[int]) -> list[int]:
    """These processes and their live children (gunicorn's master and its workers)."""
    found = list(pids)
    for pid in pids:
        children = Path(f"/proc/{pid}/task/{pid}/children")
        if children.exists():
            found += [int(child) for child in children.read_text().split()]
    return found


def postgres_pids() -> list[int]:
    """Every PostgreSQL server process on the machine (the bench's backends among them)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip().startswith("postgres"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def live_cpu_seconds(pids: list[int]) -> dict[int, float]:
    """CPU seconds so far of each of these processes still running."""
    out = {}
    for pid in pids:
        try:
            out[pid] = cpu_seconds([pid])
        except OSError:
            continue
    return out


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_mode(mode: str, args: argparse.Namespace, model: tuple[str, str], texts: list[str]):
    label, settings, worker_args = MODES[mode]
    database_url = create_database()
    # A redis-server of this run's own: other runs on the machine's shared server (tests flushing
    # databases) would otherwise disturb the figures.
    redis_server = procs.RedisServer().start()
    redis_url = redis_server.url
    stack = Stack(
        database_url,
        redis_url,
        *model,
        settings={**settings, "SWEEP_INTERVAL_SECONDS": "0"},
    ).prepare()
    try:
        url = stack.start_web(workers=args.web_workers)
        for _ in range(args.workers):
            stack.start_worker(*worker_args)
        stack.wait_workers(args.workers)
        measure_rate(stack, url, texts, 50, 2)  # warm-up: caches, connection pools
        conn = redis.Redis.from_url(redis_url)
        rows = []
        for rate in args.rates:
            conn.delete("moderation:moderation:drain-stats")
            if rows and rows[-1]["decided_per_s"] < 0.8 * rows[-1]["rate"]:
                break  # saturated: a higher rate would only pile up a longer backlog
            web_pids = with_children([p.pid for p in stack.web])
            cpu_before = cpu_seconds([p.pid for p in stack.workers])
            web_before = cpu_seconds(web_pids)
            pg_before = live_cpu_seconds(postgres_pids())
            redis_before = cpu_seconds([redis_server.proc.pid])
            self_before = time.process_time()
            row = measure_rate(stack, url, texts, rate, args.seconds)
            # Where the machine's CPU went, per offered comment: the service's own processes,
            # its servers, and this script (the load generator, and polling for the decisions).
            # PostgreSQL backends that ended during the run are missed, so its figure is a floor.
            pg_after = live_cpu_seconds(postgres_pids())
            offered = rate * args.seconds
            row["pg_cpu_ms"] = (
                sum(pg_after[pid] - pg_before.get(pid, 0.0) for pid in pg_after) * 1000 / offered
            )
            row["redis_cpu_ms"] = (
                (cpu_seconds([redis_server.proc.pid]) - redis_before) * 1000 / offered
            )
            row["client_cpu_ms"] = (time.process_time() - self_before) * 1000 / offered
            decided = row["decided_per_s"] and row["decided"]
            spent = cpu_seconds([p.pid for p in stack.workers]) - cpu_before
            row["worker_cpu_ms"] = spent * 1000 / decided if decided else float("nan")
            accepted = row["rate"] * args.seconds - row["errors"]
            web_spent = cpu_seconds(web_pids) - web_before
            row["web_cpu_ms"] = web_spent * 1000 / accepted if accepted else float("nan")
            stats = {
                k.decode(): float(v)
                for k, v in conn.hgetall("moderation:moderation:drain-stats").items()
            }
            if stats.get("comments"):
                row["overhead_cpu_ms"] = (
                    (stats["cpu_seconds"] - stats["models_cpu_seconds"]) * 1000 / stats["comments"]
                )
                row["overhead_ms"] = (
                    (stats["wall_seconds"] - stats["models_seconds"]) * 1000 / stats["comments"]
                )
                row["batch"] = stats["comments"] / stats["batches"]
            rows.append(row)
        memory = [rss_mb(p.pid) for p in stack.workers]
        conn.close()
    finally:
        stack.stop()
        redis_server.kill()
        drop_database(database_url)
    return label, rows, memory


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--rates", type=lambda s: [int(x) for x in s.split(",")], default=[100, 200, 300, 400]
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="per rate")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--modes", default="batch,fork")
    args = parser.parse_args()
    model_dir, version, data_dir = active_model()
    texts = sample_texts(Path(data_dir), 2000)
    print(
        f"model {version}; gunicorn {args.web_workers} workers, {args.workers} worker processes, "
        f"PostgreSQL, Redis; {args.seconds:.0f} s per rate; {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} (other processes on the machine share the cores)\n",
        flush=True,
    )
    header = (
        f"{'mode':<34}{'offered/s':>10}{'accepted/s':>11}{'decided/s':>10}{'POST p50':>9}"
        f"{'p50':>8}{'p95':>8}{'p99':>8}{'errors':>7}{'late':>5}{'overhead':>9}{'cpu':>6}"
        f"{'batch':>6}{'worker CPU':>11}{'web CPU':>11}{'PG':>8}{'Redis':>8}{'client':>8}"
    )
    memory_lines = []
    print(
        "latency: POST sent -> decision stored (ms); late: not decided 90 s after the last POST;"
        "\noverhead: worker ms a comment beyond models (wall clock; cpu: CPU ms of the worker"
        "\nprocess, which other load on the machine does not inflate); batch: comments per job;"
        "\nworker CPU: all CPU of the worker processes (RQ included) per decided comment;"
        "\nweb CPU: all CPU of gunicorn's processes per accepted comment;"
        "\nPG, Redis, client: CPU ms per offered comment of PostgreSQL, the run's redis-server and"
        "\nthis script (load generator), all on the same cores\n"
    )
    print(header, flush=True)
    for mode in args.modes.split(","):
        label, rows, memory = run_mode(mode, args, (model_dir, version), texts)
        memory_lines.append(f"{label:<34}" + ", ".join(f"{m:.0f} MB" for m in memory))
        for row in rows:
            overhead = f"{row['overhead_ms']:.2f}" if "overhead_ms" in row else "-"
            batch = f"{row['batch']:.0f}" if "batch" in row else "-"
            cpu = f"{row['overhead_cpu_ms']:.2f}" if "overhead_cpu_ms" in row else "-"
            print(
                f"{label:<34}{row['rate']:>10}{row['accepted_per_s']:>11.0f}"
                f"{row['decided_per_s']:>10.0f}{row['post_p50']:>9.1f}{row['p50']:>8.0f}"
                f"{row['p95']:>8.0f}{row['p99']:>8.0f}{row['errors']:>7}{row['undecided']:>5}"
                f"{overhead:>9}{cpu:>6}{batch:>6}{row['worker_cpu_ms']:>8.2f} ms"
                f"{row['web_cpu_ms']:>8.2f} ms{row['pg_cpu_ms']:>8.2f}{row['redis_cpu_ms']:>8.2f}"
                f"{row['client_cpu_ms']:>8.2f}",
                flush=True,
            )
    print("\nresident memory per worker process (model loaded):")
    print("\n".join(memory_lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

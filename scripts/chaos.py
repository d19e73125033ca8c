"""`make chaos`: 10,000 comments through the API while a worker is SIGKILLed, another is stopped
with SIGTERM, and Redis is restarted empty; then every accepted comment must have exactly one
machine decision.

The deployment is real and separate processes: gunicorn, two `python -m workers`, a fresh
PostgreSQL database and a redis-server of this run's own on a free port (it keeps nothing on
disk, so its restart loses every queued job: the sweeper has to find those comments again).
Exit status 0 only when nothing was lost or duplicated and no request got a 5xx.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from scripts import loadgen, procs
from scripts.bench import active_model, bodies, sample_texts
from scripts.loadgen import post_at_rate
from scripts.stack import Stack, create_database, drop_database
from service.storage import db


def faults(stack: Stack, redis: procs.RedisServer, duration: float, log: Path, events: list):
    """The faults, at fixed points of the run, each followed by a restart."""

    def at(fraction: float) -> None:
        time.sleep(max(0.0, start + fraction * duration - time.monotonic()))

    start = time.monotonic()
    at(0.25)
    victim = stack.workers[0]
    victim.kill()  # SIGKILL, in the middle of whatever batch it holds
    victim.wait()
    events.append(f"{time.monotonic() - start:5.1f} s  SIGKILL worker {victim.pid}")
    stack.workers[0] = procs.start_worker(stack.env(), log=log)
    at(0.45)
    graceful = stack.workers[1]
    code = procs.stop(graceful)  # SIGTERM: finish the batch in hand, take no new one
    events.append(f"{time.monotonic() - start:5.1f} s  SIGTERM worker {graceful.pid}: exit {code}")
    stack.workers[1] = procs.start_worker(stack.env(), log=log)
    at(0.6)
    redis.kill()
    events.append(f"{time.monotonic() - start:5.1f} s  Redis killed (queued jobs lost)")
    time.sleep(1.0)
    redis.start()
    events.append(f"{time.monotonic() - start:5.1f} s  Redis back, empty")


def machine_decision_counts(engine: sa.Engine) -> collections.Counter:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(db.decisions.c.comment_id, sa.func.count())
            .where(db.decisions.c.kind == "machine")
            .group_by(db.decisions.c.comment_id)
        )
        return collections.Counter(dict(rows.all()))


def pending_count(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count())
            .select_from(db.comments)
            .where(db.comments.c.status == "pending")
        ).scalar_one()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=10_000, help="comments to send")
    parser.add_argument("--rate", type=float, default=250.0, help="comments per second offered")
    parser.add_argument("--clients", type=int, default=16, help="concurrent connections")
    parser.add_argument("--settle", type=float, default=180.0, help="seconds to wait at the end")
    args = parser.parse_args()
    model_dir, version, data_dir = active_model()
    texts = sample_texts(Path(data_dir), 2000)
    redis = procs.RedisServer().start()
    database_url = create_database()
    log = Path(tempfile.mkdtemp(prefix="moderation-chaos-")) / "workers.log"
    # A short grace so the run recovers in seconds; production waits a minute.
    settings = {"SWEEP_INTERVAL_SECONDS": "2", "PENDING_GRACE_SECONDS": "8"}
    stack = Stack(database_url, redis.url, model_dir, version, settings=settings).prepare()
    engine = stack.engine()
    try:
        url = stack.start_web(workers=2)
        stack.start_worker(log=log)
        stack.start_worker(log=log)
        stack.wait_workers(2)
        duration = args.n / args.rate
        print(f"sending {args.n} comments at {args.rate:.0f}/s over {args.clients} connections")
        events: list[str] = []
        chaos = threading.Thread(target=faults, args=(stack, redis, duration, log, events))
        chaos.start()
        sent = post_at_rate(
            url, stack.site_key, bodies(texts, "chaos", args.n), args.rate, args.clients
        )
        chaos.join()
        print("\n".join(events))
        accepted = {s.comment_id for s in sent if s.status in (200, 202) and s.comment_id}
        statuses = collections.Counter(s.status for s in sent)
        started = time.monotonic()
        while pending_count(engine) and time.monotonic() - started < args.settle:
            time.sleep(1)
        settled = time.monotonic() - started
        counts = machine_decision_counts(engine)
        with engine.connect() as conn:
            stored = set(conn.execute(sa.select(db.comments.c.id)).scalars())
    finally:
        stack.stop()
        engine.dispose()
        drop_database(database_url)
        redis.kill()
    missing = accepted - stored
    undecided = [cid for cid in accepted if counts[cid] == 0]
    duplicated = [cid for cid, n in counts.items() if n > 1]
    server_errors = sum(n for status, n in statuses.items() if status >= 500 or status == 0)
    print(f"responses: {dict(sorted(statuses.items()))} (0: no answer {dict(loadgen.failures)})")
    if statuses.get(0):
        first = min(s.sent_at for s in sent)
        times = sorted(s.sent_at - first for s in sent if s.status == 0)
        print(f"unanswered requests were sent between {times[0]:.1f} s and {times[-1]:.1f} s")
    print(f"accepted {len(accepted)}, stored {len(stored)}, missing {len(missing)}")
    print(
        f"decided once {sum(1 for cid in accepted if counts[cid] == 1)}, "
        f"undecided {len(undecided)}, decided more than once {len(duplicated)} "
        f"(backlog settled {settled:.1f} s after the last request)"
    )
    print(f"worker log: {log}")
    ok = not missing and not undecided and not duplicated and not server_errors
    print("OK: every accepted comment has exactly one machine decision" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

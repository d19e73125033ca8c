"""`make chaos`: 10,000 comments through the API while a worker is SIGKILLed, another is stopped
with SIGTERM, and Redis is restarted empty; then every accepted comment must have exactly one
machine decision, and its `comment.decided` webhook must have reached the receiver.

The deployment is real and separate processes: gunicorn, two `python -m workers`, a fresh
PostgreSQL database and a redis-server of this run's own on a free port (it keeps nothing on
disk, so its restart loses every queued job and every scheduled webhook retry: the sweeper has
to find those comments and deliveries again). A threaded HTTP receiver in this process is the
site's webhook endpoint for `comment.decided`; it counts, per decided comment, the webhook-ids
that arrived (receivers de-duplicate by webhook-id: delivery is at least once).

`--runs 2` sends the load again on the same deployment, so Redis memory after each run (INFO
memory used_memory) can be compared: it should stay flat. Exit status 0 only when nothing was
lost or duplicated, every decided comment's webhook arrived and no request got a 5xx.
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
from scripts.receiver import Receiver
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


def redis_memory(url: str) -> str:
    """The run's Redis: INFO memory used_memory, and its keys counted by kind (the name up to
    its last part, so one kind of key per line whatever the ids)."""
    import redis

    conn = redis.Redis.from_url(url)
    try:
        used = int(conn.info("memory")["used_memory"])
        kinds = collections.Counter(
            key.decode().rsplit(":", 1)[0] for key in conn.scan_iter(count=1000)
        )
    finally:
        conn.close()
    top = ", ".join(f"{kind} {n}" for kind, n in kinds.most_common(4))
    return f"used_memory {used} bytes, {sum(kinds.values())} keys ({top})"


def register_receiver(url: str, site_key: str, receiver_url: str) -> None:
    import json
    import urllib.request

    request = urllib.request.Request(
        f"{url}/v1/site/webhooks",
        data=json.dumps({"url": receiver_url, "events": ["comment.decided"]}).encode(),
        headers={"Authorization": f"Bearer {site_key}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201, response.read()


def pending_deliveries(engine: sa.Engine) -> int:
    from service.storage.integrations import webhook_deliveries

    with engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count())
            .select_from(webhook_deliveries)
            .where(webhook_deliveries.c.status == "pending")
        ).scalar_one()


def one_run(
    run: int,
    args: argparse.Namespace,
    stack: Stack,
    redis: procs.RedisServer,
    url: str,
    log: Path,
    receiver: Receiver,
    texts: list[str],
) -> bool:
    """Send the load with the faults; True when nothing was lost, duplicated or undelivered."""
    engine = stack.engine()
    try:
        print(f"run {run}: Redis before: {redis_memory(redis.url)}")
        duration = args.n / args.rate
        print(
            f"run {run}: sending {args.n} comments at {args.rate:.0f}/s "
            f"over {args.clients} connections"
        )
        events: list[str] = []
        chaos = threading.Thread(target=faults, args=(stack, redis, duration, log, events))
        chaos.start()
        sent = post_at_rate(
            url, stack.site_key, bodies(texts, f"chaos{run}", args.n), args.rate, args.clients
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
        decided = {cid for cid in accepted if counts[cid]}
        # Deliveries follow the decisions: those queued again by the sweeper after the Redis
        # restart arrive a grace period or two later.
        while (
            receiver.received(decided) < len(decided) and time.monotonic() - started < args.settle
        ):
            time.sleep(1)
        delivered = time.monotonic() - started
        with engine.connect() as conn:
            stored = set(conn.execute(sa.select(db.comments.c.id)).scalars())
        still_pending = pending_deliveries(engine)
    finally:
        engine.dispose()
    missing = accepted - stored
    undecided = [cid for cid in accepted if counts[cid] == 0]
    duplicated = [cid for cid, n in counts.items() if n > 1 and cid in accepted]
    server_errors = sum(n for status, n in statuses.items() if status >= 500 or status == 0)
    print(f"responses: {dict(sorted(statuses.items()))} (0: no answer {dict(loadgen.failures)})")
    if statuses.get(0):
        first = min(s.sent_at for s in sent)
        times = sorted(s.sent_at - first for s in sent if s.status == 0)
        print(f"unanswered requests were sent between {times[0]:.1f} s and {times[-1]:.1f} s")
    print(f"accepted {len(accepted)}, stored {len(stored & accepted)}, missing {len(missing)}")
    print(
        f"decided once {sum(1 for cid in accepted if counts[cid] == 1)}, "
        f"undecided {len(undecided)}, decided more than once {len(duplicated)} "
        f"(backlog settled {settled:.1f} s after the last request)"
    )
    hooks = receiver.report(decided)
    print(
        f"webhooks: {len(decided) - hooks['missing']} of {len(decided)} decided comments "
        f"received, events missing {hooks['missing']}; duplicates: "
        f"{hooks['comments_under_several_ids']} comments under more than one webhook-id, "
        f"{hooks['ids_received_more_than_once']} webhook-ids received more than once "
        f"(all in {delivered:.1f} s; {still_pending} deliveries still pending)"
    )
    print(f"run {run}: Redis after: {redis_memory(redis.url)}")
    return not (
        missing
        or undecided
        or duplicated
        or server_errors
        or hooks["missing"]
        or hooks["comments_under_several_ids"]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=10_000, help="comments to send per run")
    parser.add_argument("--rate", type=float, default=250.0, help="comments per second offered")
    parser.add_argument("--clients", type=int, default=16, help="concurrent connections")
    parser.add_argument("--settle", type=float, default=180.0, help="seconds to wait at the end")
    parser.add_argument("--runs", type=int, default=1, help="runs on the same deployment")
    args = parser.parse_args()
    model_dir, version, data_dir = active_model()
    texts = sample_texts(Path(data_dir), 2000)  # read once, before any run's faults are timed
    redis = procs.RedisServer().start()
    database_url = create_database()
    log = Path(tempfile.mkdtemp(prefix="moderation-chaos-")) / "workers.log"
    # A short grace so the run recovers in seconds; production waits a minute. The receiver
    # listens on 127.0.0.1, which webhooks refuse unless allowed.
    settings = {
        "SWEEP_INTERVAL_SECONDS": "2",
        "PENDING_GRACE_SECONDS": "8",
        "WEBHOOK_ALLOW_PRIVATE": "true",
    }
    stack = Stack(database_url, redis.url, model_dir, version, settings=settings).prepare()
    results = []
    try:
        with Receiver() as receiver:
            url = stack.start_web(workers=2)
            register_receiver(url, stack.site_key, receiver.url)
            stack.start_worker(log=log)
            stack.start_worker(log=log)
            stack.wait_workers(2)
            for run in range(1, args.runs + 1):
                results.append(one_run(run, args, stack, redis, url, log, receiver, texts))
    finally:
        stack.stop()
        drop_database(database_url)
        redis.kill()
    print(f"worker log: {log}")
    ok = bool(results) and all(results)
    print(
        "OK: every accepted comment has exactly one machine decision and its webhook arrived"
        if ok
        else "FAILED"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

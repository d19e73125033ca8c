"""`python -m workers`: build settings and connections, preload the active model once, then work.

The default worker class is RQ's SimpleWorker, which runs jobs in this process: the forking
`Worker` pays for a fork per job (several milliseconds; `make bench` prints both) and would load
the model again in every child if it changed. SIGTERM finishes the job in hand, then stops.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

from redis.exceptions import RedisError
from rq import Queue, SimpleWorker, Worker
from rq.exceptions import StopRequested

from models import langid
from service import create_app
from service.transport import broker, retention, sweeper
from workers import runtime, sync

log = logging.getLogger("workers")

WORKER_CLASSES = {"simple": SimpleWorker, "fork": Worker}


# What a worker can listen to, in priority order. One process serving both takes a comment
# first whenever it is free, but a delivery it has started runs to its end (up to the 10 s
# deadline): with slow receivers, scoring waits behind them. `--queues comments` and
# `--queues webhooks` are separate pools (the Procfile's worker and webhooks), so it never does
# (scripts/bench_webhook_starvation.py measures both layouts).
QUEUES = ("comments", "webhooks")


def listened_queues(app, names: tuple[str, ...] = QUEUES) -> list[Queue]:
    """The named queues, in priority order: comments before webhook deliveries."""
    redis_conn = app.extensions["redis"]
    queues = {
        "comments": app.extensions["queue"],
        "webhooks": Queue(app.config["WEBHOOK_QUEUE_NAME"], connection=redis_conn),
    }
    return [queues[name] for name in QUEUES if name in names]


def _queue_names(value: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in QUEUES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"one or both of {', '.join(QUEUES)}; not {value!r}")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers", description=__doc__)
    parser.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    parser.add_argument("--worker-class", choices=sorted(WORKER_CLASSES), default="simple")
    parser.add_argument("--name", default=None, help="worker name (default: RQ's)")
    parser.add_argument(
        "--ops", action="store_true", help="work the ops queue (training jobs) instead"
    )
    parser.add_argument(
        "--queues",
        type=_queue_names,
        default=QUEUES,
        help="comments, webhooks or both (the default, comments first)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

    app = create_app()
    rt = runtime.install(app)
    if args.ops:
        # An ops worker trains models and scores nothing: no model, sweeper or sync path.
        worker_class = WORKER_CLASSES[args.worker_class]
        worker = worker_class(
            [app.extensions["ops_queue"]], connection=app.extensions["redis"], name=args.name
        )
        worker.work(burst=args.burst, logging_level="WARNING", with_scheduler=False)
        return 0
    scores = "comments" in args.queues
    if scores:
        try:
            # The expensive set-up, once, before the first job: the model and the language
            # identifier. A webhooks-only worker scores nothing and loads neither.
            version, _ = rt.models.get()
            langid.preload()
        except RuntimeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        log.info("model %s loaded", version)
    # Requests that wait for an answer (comments:analyze, Coral) skip RQ: see workers/sync.py.
    # Forked first, while this process has no other thread.
    if scores and not args.burst:
        sync.start(rt)
    # Safety net for lost jobs; one process per interval sweeps (a Redis lock decides which).
    sweeper.start_thread(app.extensions["db_engine"], app.extensions["redis"], app.config)
    # Storage limitation: texts past their site's retention period are erased, one process an hour.
    retention.start_thread(app.extensions["db_engine"], app.extensions["redis"], app.config)
    if scores:
        runtime.start_model_watch(rt)
    worker_class = WORKER_CLASSES[args.worker_class]
    while True:
        worker = worker_class(
            listened_queues(app, args.queues),
            connection=broker.for_rq(app.extensions["redis"]),
            name=args.name,
        )
        try:
            # The scheduler moves webhook retries (enqueue_in) onto their queue when they are due.
            worker.work(burst=args.burst, logging_level="WARNING", with_scheduler=True)
        except RedisError as exc:
            log.error("worker stopped: Redis unavailable (%s)", exc)
        if args.burst or _stop_asked(worker):
            return 0
        # RQ gives up when Redis vanishes in the middle of a job's bookkeeping. The model stays
        # loaded: start a fresh worker once Redis answers, as a process supervisor would.
        try:
            time.sleep(1.0)
        except StopRequested:  # SIGTERM while waiting reaches the old worker's handler
            return 0
        if _stop_asked(worker):
            return 0
        log.warning("starting a new RQ worker after the last one gave up")


def _stop_asked(worker: Worker) -> bool:
    """SIGTERM or SIGINT reached this worker (RQ records when)."""
    return worker._shutdown_requested_date is not None


if __name__ == "__main__":
    sys.exit(main())

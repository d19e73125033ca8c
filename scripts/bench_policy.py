"""`python -m scripts.bench_policy`: what the site policy adds to each comment in a worker.

Times, per comment, reading the comment before (one row) and now (the row with the site's current
policy version, then the parsed policy from the per-process cache), and gathering the author
context with the default policy (repeats in Redis) and with every author rule on (plus one
indexed query). Always a fresh SQLite database and embedded Redis in a temporary folder (never
the configured servers, whose data it must not touch); no model is needed.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable

from models.policy import DEFAULT_POLICY, Policy
from service import create_app
from service.cli.sites import create_site_record
from service.storage import policies, store
from workers import author_context, site_policy


def median_ms(fn: Callable[[], object], n: int = 500) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"INSTANCE_PATH": instance, "DATABASE_URL": "", "REDIS_URL": ""})
        engine, redis = app.extensions["db_engine"], app.extensions["redis"]
        with app.app_context():
            site_id, _ = create_site_record("Bench News")
        everything = Policy.from_dict(
            {"new_commenter": {"enabled": True}, "author_history": {"enabled": True}}
        )
        with engine.begin() as conn:
            policies.set_policy(conn, site_id, everything, created_by="bench")
            for n in range(20):
                fields = {
                    "external_id": f"c{n}",
                    "text": f"Comment number {n} about the council budget.",
                    "article_id": "a1",
                    "author_id": "u1",
                }
                comment, _ = store.insert_comment(conn, site_id, fields)
        comment_id = comment["id"]

        def before() -> None:
            with engine.connect() as conn:
                store.get_comment(conn, comment_id)

        def now() -> None:
            with engine.connect() as conn:
                row, version = site_policy.load_comment(conn, comment_id)
                site_policy.policy_for(conn, row["site_id"], version)

        with engine.connect() as conn:
            row, _ = site_policy.load_comment(conn, comment_id)
        print("SQLite and embedded Redis; medians of 500 runs")
        print(f"read comment (before)                      {median_ms(before):6.2f} ms")
        print(f"read comment + policy version + policy     {median_ms(now):6.2f} ms")
        default = median_ms(
            lambda: author_context.author_context(engine, redis, row, DEFAULT_POLICY)
        )
        print(f"author context, default policy (repeats)   {default:6.2f} ms")
        full = median_ms(lambda: author_context.author_context(engine, redis, row, everything))
        print(f"author context, every author rule on       {full:6.2f} ms")
        engine.dispose()


if __name__ == "__main__":
    main()

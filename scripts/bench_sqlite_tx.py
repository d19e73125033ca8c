"""`python -m scripts.bench_sqlite_tx [--root DIR]`: SQLite transactions under write contention.

For a few seconds one thread commits single-statement writes (like the comment POST) while
another runs transactions that read, then write (like a moderator's decision), on one SQLite file
through `db.make_engine`. Prints how many of each committed and how many failed with
OperationalError ("database is locked"). `--root` takes `service` from another checkout, to
compare transaction handlings.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", help="checkout whose service.storage.db to measure")
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    if args.root:
        sys.path.insert(0, args.root)
    import sqlalchemy as sa

    from service.storage import db

    engine = db.make_engine(f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    db.create_schema(engine)
    stop = time.monotonic() + args.seconds
    counts = {"single_writes": 0, "read_then_write": 0, "locked": 0}

    def single_writes() -> None:
        while time.monotonic() < stop:
            with engine.connect() as conn:
                db.set_state(conn, f"w{counts['single_writes']}", "x")
                conn.commit()
            counts["single_writes"] += 1

    def read_then_write() -> None:
        attempt = 0
        while time.monotonic() < stop:
            attempt += 1
            try:
                with engine.begin() as conn:
                    db.get_state(conn, "k")
                    time.sleep(0.001)  # the request's work between its read and its write
                    db.set_state(conn, f"r{attempt}", "y")
                counts["read_then_write"] += 1
            except sa.exc.OperationalError:
                counts["locked"] += 1

    threads = [threading.Thread(target=single_writes), threading.Thread(target=read_then_write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(db.__file__, counts)


if __name__ == "__main__":
    main()

"""`make bench`: POST-to-decision latency and one worker's throughput, SimpleWorker beside RQ's
default forking Worker, measured in the same run on the same model and the same comments.

Each worker class gets a fresh SQLite database and embedded Redis in a temporary instance folder;
the model is the project's active one (trained first when there is none).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flask import Flask

from service import create_app, model_state
from service.cli import create_site_record

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def sample_texts(data_dir: Path, n: int) -> list[str]:
    """Real comments from the Jigsaw sample, so scoring costs what it costs in production."""
    import csv

    path = data_dir / "jigsaw-toxic-binary-sample" / "jigsaw_toxic_binary_12k.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        column = next(c for c in reader.fieldnames or [] if "text" in c.lower())
        texts = [row[column] for _, row in zip(range(n), reader, strict=False)]
    return texts


def active_model(app: Flask) -> tuple[str, str]:
    with app.extensions["db_engine"].connect() as conn:
        version = model_state.active_version(conn)
    if version is None:
        print("no active model: training the default one first", flush=True)
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "service", "models", "train", "--activate"],
            check=True,
        )
        return active_model(create_app())
    return app.config["MODEL_DIR"], version


def bench_worker_class(worker_class: str, model_dir: str, version: str, texts: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "MODEL_DIR": model_dir})
        with app.extensions["db_engine"].begin() as conn:
            model_state.activate(conn, version)
        with app.app_context():
            _, key = create_site_record("Bench")
        env = dict(os.environ, MODERATION_INSTANCE_PATH=tmp, MODERATION_MODEL_DIR=model_dir)
        worker = subprocess.Popen(
            [sys.executable, "-m", "workers", "--worker-class", worker_class],
            cwd=PROJECT_ROOT,
            env=env,
            stderr=subprocess.DEVNULL,
        )
        try:
            return _measure(app, key, texts)
        finally:
            worker.terminate()
            worker.wait(timeout=60)


def _measure(app: Flask, key: str, texts: list[str]) -> dict:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}

    def body(i: int, prefix: str) -> dict:
        text = texts[i % len(texts)]
        return {"id": f"{prefix}-{i}", "text": text, "article": {"id": "a"}, "author": {"id": "u"}}

    # Warm up: the worker has loaded the model before its first job, but caches still fill.
    client.post("/v1/comments?wait=5000", json=body(0, "warm"), headers=headers)
    latencies = []
    for i in range(100):
        start = time.perf_counter()
        response = client.post("/v1/comments?wait=5000", json=body(i, "lat"), headers=headers)
        latencies.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"comment not decided within 5 s: {response.status_code}")
    # Throughput: queue a backlog first, then time one worker draining it.
    n = 500
    ids = [
        client.post("/v1/comments", json=body(i, "tp"), headers=headers).json["id"]
        for i in range(n)
    ]
    queue = app.extensions["queue"]
    start = time.perf_counter()
    while queue.count > 0 or _pending(app, ids):
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    return {
        "latency_median_ms": statistics.median(latencies),
        "latency_p95_ms": statistics.quantiles(latencies, n=20)[-1],
        "throughput_per_s": n / elapsed,
    }


def _pending(app: Flask, ids: list[str]) -> bool:
    import sqlalchemy as sa

    from service import db

    with app.extensions["db_engine"].connect() as conn:
        return bool(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(db.comments)
                .where(db.comments.c.id.in_(ids), db.comments.c.status == "pending")
            ).scalar()
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args()
    app = create_app()
    model_dir, version = active_model(app)
    texts = sample_texts(Path(app.config["DATA_DIR"]), 1000)
    print(f"model {version}; 100 sequential comments with ?wait, then a backlog of 500\n")
    rows = {
        name: bench_worker_class(name, model_dir, version, texts) for name in ("simple", "fork")
    }
    print(f"{'worker class':<28}{'median POST→decision':>22}{'p95':>10}{'throughput':>16}")
    labels = {"simple": "SimpleWorker (ours)", "fork": "Worker (RQ default, fork)"}
    for name, row in rows.items():
        median, p95 = row["latency_median_ms"], row["latency_p95_ms"]
        print(
            f"{labels[name]:<28}{median:>19.1f} ms{p95:>7.1f} ms{row['throughput_per_s']:>11.1f} /s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Scoring speed: batch throughput per core and single-comment latency."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence

from threadpoolctl import threadpool_limits


def _measure(
    score_batch: Callable[[list[str]], object], texts: Sequence[str], batch_size: int, singles: int
) -> dict[str, float]:
    texts = list(texts)
    score_batch(texts[:batch_size])  # warm caches
    with threadpool_limits(limits=1):  # per core: no BLAS threads
        t0, c0 = time.perf_counter(), time.thread_time()
        n = 0
        for i in range(0, len(texts), batch_size):
            score_batch(texts[i : i + batch_size])
            n += len(texts[i : i + batch_size])
        batch_seconds = time.perf_counter() - t0
        # CPU seconds of this thread: what one core delivers, even when other processes
        # share the machine and stretch the wall-clock time.
        cpu_seconds = time.thread_time() - c0
        lat = []
        for t in texts[:singles]:
            t1 = time.perf_counter()
            score_batch([t])
            lat.append((time.perf_counter() - t1) * 1000)
    return {
        "comments": n,
        "batch_size": batch_size,
        "comments_per_second": n / batch_seconds if batch_seconds else float("inf"),
        "comments_per_cpu_second": n / cpu_seconds if cpu_seconds else float("inf"),
        "single_median_ms": statistics.median(lat) if lat else float("nan"),
        "single_p95_ms": sorted(lat)[int(0.95 * (len(lat) - 1))] if lat else float("nan"),
    }


def speed(
    classifier, texts: Sequence[str], batch_size: int = 256, singles: int = 500
) -> dict[str, float]:
    """Comments/s in batches (one thread) and single-comment median ms, normalisation included."""
    return _measure(classifier.score, texts, batch_size, singles)

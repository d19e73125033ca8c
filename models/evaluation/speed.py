"""Scoring speed: batch throughput per core and single-comment latency; resident memory."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from threadpoolctl import threadpool_limits


def _measure(
    score_batch: Callable[[list[str]], object],
    texts: Sequence[str],
    batch_size: int,
    singles: int,
    cpu_clock: Callable[[], float] = time.thread_time,
) -> dict[str, float]:
    texts = list(texts)
    score_batch(texts[:batch_size])  # warm caches
    with threadpool_limits(limits=1):  # per core: no BLAS threads
        t0, c0 = time.perf_counter(), cpu_clock()
        n = 0
        for i in range(0, len(texts), batch_size):
            score_batch(texts[i : i + batch_size])
            n += len(texts[i : i + batch_size])
        batch_seconds = time.perf_counter() - t0
        # CPU seconds of this thread: what one core delivers, even when other processes
        # share the machine and stretch the wall-clock time.
        cpu_seconds = cpu_clock() - c0
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


def encoder_speed(
    tiers, texts: Sequence[str], batch_size: int = 256, singles: int = 200, max_texts: int = 2000
) -> dict:
    """The encoder tier of a TwoTier alone (tokenising and ONNX Runtime), and the share of
    `texts` its gate sends to the encoder (1.0 without a gate: every comment)."""
    texts = list(texts)
    gate = tiers.gate
    share = (
        1.0
        if gate is None
        else float(gate.uncertain(tiers.categories, tiers.classifier.probabilities(texts)).mean())
    )
    # The whole process's CPU time: `tokenizers` batches on threads of its own beside the caller
    # (this thread's time was half the process's, measured), and nothing else here is busy.
    out = _measure(tiers.encoder.logits, texts[:max_texts], batch_size, singles, time.process_time)
    return {**out, "encoder_share": share, "gate": None if gate is None else asdict(gate)}


def resident_mb() -> float | None:
    """This process's resident memory in MB (Linux /proc), None where it cannot be read."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None

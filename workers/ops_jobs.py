"""Long ops jobs (the ops queue, worked by `python -m workers --ops`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from service import model_ops
from workers import runtime


def train_version(
    *,
    data_dir: str,
    max_rows: int | None,
    with_labels: bool,
    since: str | None,
    label_weight: float,
    seed: int,
    gate_limit: int | None,
) -> str:
    """Train and save a version (not activated); returns its id as the job's result."""
    rt = runtime.current()
    options = model_ops.TrainOptions(
        data_dir=Path(data_dir),
        max_rows=max_rows,
        with_labels=with_labels,
        since=datetime.fromisoformat(since) if since else None,
        label_weight=label_weight,
        seed=seed,
        gate_limit=gate_limit,
    )
    return model_ops.train_version(rt.engine, rt.config["MODEL_DIR"], options)

"""Long ops jobs (the ops queue, worked by `python -m workers --ops`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from service.ops import model_ops
from service.storage import model_state
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
    """Train and save a version (activated only when none is); its id is the job's result."""
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
    version = model_ops.train_version(rt.engine, rt.config["MODEL_DIR"], options)
    with rt.engine.begin() as conn:
        model_state.activate_first(conn, version)  # a fresh install's first model serves at once
    return version


def promote_version(*, version: str, force: bool, limit: int | None = None) -> dict:
    """The gate, then activation unless it refused (or force); the figures as the job's result."""
    rt = runtime.current()
    reg = model_ops.registry(rt.config["MODEL_DIR"])
    with rt.engine.connect() as conn:
        active = model_state.active_version(conn)
        recorded = model_state.artifact_digest(conn, version)
    # Refuses a tampered or incompatible version before anything changes.
    reg.load(version, expected_sha256=recorded)
    rows: list[dict] = []
    failed: list[dict] = []
    if active is not None and active != version:
        data_dir = Path(rt.config["DATA_DIR"])
        try:
            rows = model_ops.check_gate(
                reg, version, active, data_dir, limit or model_ops.DEFAULT_GATE_LIMIT
            )
        except model_ops.GateRefused as refused:
            failed, rows = refused.failed, refused.rows
    promoted = not failed or force
    if promoted:
        with rt.engine.begin() as conn:
            model_ops.promote(conn, reg, version)
    return {"version": version, "promoted": promoted, "failed": failed, "figures": rows}

"""Model operations shared by the CLI and the ops worker: train, gate, promote, prune.

Everything here loads artifacts only through models.registry (checksummed, version-checked), and
uses nothing but storage and models (tests/test_import_graph.py), so the ops worker runs it as
the CLI does. Queueing these operations for the ops worker is ops/model_jobs.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from service.storage import labels, model_state

# Rows per test set for the promotion gate: enough for AUC differences of about 0.01 to mean
# something, small enough that a promote takes seconds.
DEFAULT_GATE_LIMIT = 2000
# Gates on at least this many rows per test set also compare leave-one-source-out means.
RECIPE_GATE_MIN_LIMIT = 1000
GATE_FILE = "gate.json"


class GateRefused(Exception):
    def __init__(self, failed: list[dict], rows: list[dict]) -> None:
        super().__init__("the candidate is worse than the active version on the gate")
        self.failed = failed
        self.rows = rows  # every figure, for the job's result


@dataclass
class TrainOptions:
    data_dir: Path
    max_rows: int | None = None
    with_labels: bool = False
    since: datetime | None = None
    label_weight: float = labels.SITE_LABEL_WEIGHT
    seed: int = 0
    gate_limit: int | None = DEFAULT_GATE_LIMIT


def registry(model_dir: str | Path):
    from models.registry import Registry

    return Registry(Path(model_dir))


def train_version(
    engine: sa.Engine,
    model_dir: str | Path,
    options: TrainOptions,
    progress: Callable[[str, float], None] | None = None,
) -> str:
    """Train, save, and measure the gate figures of a new version; never activates it."""
    from models.training import train

    extra = []
    if options.with_labels:
        with engine.connect() as conn:
            rows = list(labels.latest_decisions(conn, since=options.since))
        extra = labels.training_labels(iter(rows), weight=options.label_weight)
    result = train(
        options.data_dir,
        max_rows_per_source=options.max_rows,
        extra_labels=extra,
        progress=progress,
        seed=options.seed,
    )
    # Written into the sidecar's "training" block, so a report says how labels were weighed.
    result.metadata["moderator_labels"] = {
        "used": options.with_labels,
        "rows": len(extra),
        "weight": options.label_weight if options.with_labels else None,
        "since": options.since.isoformat() if options.since else None,
        "weight_note": "each moderator label counts as this many public-data rows",
    }
    if extra:
        from models.training import metrics

        result.metadata["moderator_labels"]["fit_auc"] = metrics(result.classifier, extra).get(
            "overall"
        )
    reg = registry(model_dir)
    version = reg.save(result)
    with engine.begin() as conn:
        register_artifact(conn, reg, version)
    if options.gate_limit is not None and options.gate_limit > 0:
        gate_figures(reg, version, options.data_dir, options.gate_limit)
    return version


def gate_figures(
    reg, version: str, data_dir: Path, limit: int | None, recipe: bool = False
) -> dict[str, float]:
    """The version's gate figures, measured once per (data directory, limit) and kept beside it.

    With `recipe`, also the leave-one-source-out mean of the recipe that trained it (retrains,
    a few minutes; kept beside the version too).
    """
    from models.gate import gate_figures as measure
    from models.gate import recipe_figures

    path = reg.root / version / GATE_FILE
    root = Path(data_dir).resolve()
    key = f"{root}|{limit}"
    cached: dict[str, Any] = {}
    if path.is_file():
        try:
            cached = json.loads(path.read_text())
        except ValueError:
            cached = {}
    if key not in cached:
        cached[key] = measure(reg.load(version), data_dir, limit)
        path.write_text(json.dumps(cached, indent=2))
    figures = dict(cached[key])
    if recipe:
        recipe_key = f"{root}|recipe"
        if recipe_key not in cached:
            params = reg.info(version).get("training", {}).get("params", {})
            cached[recipe_key] = recipe_figures(params, data_dir)
            path.write_text(json.dumps(cached, indent=2))
        figures.update(cached[recipe_key])
    return figures


def label_figures(clf, engine: sa.Engine) -> dict[str, float | None]:
    """ROC-AUC per category on the latest moderator labels (what the sites themselves decided)."""
    from models.training import metrics

    with engine.connect() as conn:
        rows = labels.training_labels(labels.latest_decisions(conn), weight=1.0)
    return (metrics(clf, rows) or {}).get("overall", {}) if rows else {}


def check_gate(reg, candidate: str, active: str, data_dir: Path, limit: int | None) -> list[dict]:
    """Every gate figure of candidate beside active; raises GateRefused listing the failures."""
    from models.gate import compare

    # Leave-one-source-out retrains the recipe: on the full gate only, not on quick checks.
    recipe = limit is None or limit >= RECIPE_GATE_MIN_LIMIT
    rows = compare(
        gate_figures(reg, candidate, data_dir, limit, recipe),
        gate_figures(reg, active, data_dir, limit, recipe),
    )
    failed = [r for r in rows if r["failed"]]
    if failed:
        raise GateRefused(failed, rows)
    return rows


class ArtifactChanged(Exception):
    """The version's artifact is not the one recorded when it was registered."""


def register_artifact(conn: sa.Connection, catalogue, version: str) -> str:
    """Record the sha256 of VERSION's artifact (if none is yet) and return it.

    Raises ArtifactChanged when a digest was recorded before and the file no longer has it.
    """
    from models.catalogue import sha256

    path = catalogue.model_path(version)
    digest = sha256(path)
    recorded = model_state.record_digest(conn, version, digest)
    if recorded != digest:
        raise ArtifactChanged(
            f"model version {version!r}: {path.name} has sha256 {digest}, not the {recorded} "
            "recorded when it was registered; not activated"
        )
    return digest


def promote(conn: sa.Connection, catalogue, version: str) -> None:
    """Activate VERSION; if it was the shadow, the shadow ends (it is now the live model)."""
    register_artifact(conn, catalogue, version)
    model_state.activate(conn, version)
    if model_state.shadow_version(conn) == version:
        model_state.set_shadow(conn, None)


def prune_plan(conn: sa.Connection, reg, keep: int) -> tuple[list[str], list[str]]:
    """(kept, deleted) versions: the newest KEEP, plus the active, shadow and rollback ones."""
    protected = {model_state.active_version(conn), model_state.shadow_version(conn)}
    history = model_state.activation_history(conn)
    if history:
        protected.add(history[-1])  # `models rollback` must still find it
    kept, deleted = [], []
    for i, info in enumerate(reg.versions()):
        (kept if i < keep or info["version"] in protected else deleted).append(info["version"])
    return kept, deleted

"""The promotion gate: a few figures per version, measured on the same held-out data.

A candidate may replace the active version only when none of these is worse beyond a small
tolerance (sampling noise on a few thousand rows moves ROC-AUC by about a hundredth).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from models.classifier import Classifier
from models.evaluation.functional import run_suite
from models.evaluation.loso import leave_one_source_out, recipe_params
from models.evaluation.report import _bias, _per_source, _span_f1, _test_sets

# How much worse a candidate may be on each kind of figure before the gate refuses it.
TOLERANCE = {"auc": 0.01, "bias": 0.01, "span_f1": 0.02, "functional": 0.01, "loso_mean": 0.005}
# A category's AUC counts only with this many rows on each side: on fewer (threat, in small
# test sets) it swings by more than any tolerance and would refuse versions at random.
MIN_CLASS_ROWS = 30


def gate_figures(clf: Classifier, data_dir: Path, limit: int | None = None) -> dict[str, float]:
    """{"auc:<category>": pooled test ROC-AUC, "bias": combined score, "span_f1": mean F1}."""
    data_dir = Path(data_dir)
    sets = _test_sets(data_dir, seed=0, limit=limit)
    _table, curves = _per_source(clf, None, sets)
    figures: dict[str, float] = {}
    for cat, (y, ours, _peer) in curves.items():
        positives = int(y.sum())
        if min(positives, y.size - positives) >= MIN_CLASS_ROWS:
            figures[f"auc:{cat}"] = float(roc_auc_score(y.astype(int), ours))
    bias = _bias(clf, None, data_dir, limit)
    combined = [b["ours"]["combined"] for b in bias.values() if b["ours"]["combined"] is not None]
    if combined:
        figures["bias"] = float(np.mean(combined))
    span = _span_f1(clf, None, data_dir, limit)
    if span:
        figures["span_f1"] = float(span["ours"])
    figures["functional"] = run_suite(clf).overall
    return figures


def recipe_figures(params: dict, data_dir: Path) -> dict[str, float]:
    """{"loso_mean": ...}: the leave-one-source-out mean of the recipe that made a version.

    A property of how a version was trained, not of its weights, so it retrains (reduced
    settings, a few minutes) from the parameters its metadata records.
    """
    mean = leave_one_source_out(Path(data_dir), params=recipe_params(params))["mean"]
    return {} if mean is None else {"loso_mean": float(mean)}


def _kind(name: str) -> str:
    return "auc" if name.startswith("auc:") else name


def compare(candidate: dict[str, float], active: dict[str, float]) -> list[dict]:
    """Every figure both versions have, with whether the candidate fails it."""
    rows = []
    for name in sorted(set(candidate) & set(active)):
        tol = TOLERANCE[_kind(name)]
        delta = candidate[name] - active[name]
        rows.append(
            {
                "figure": name,
                "candidate": candidate[name],
                "active": active[name],
                "delta": delta,
                "tolerance": tol,
                "failed": delta < -tol,
            }
        )
    return rows

"""Leave-one-source-out: how the recipe does on a kind of comment it has not seen.

For every labelled training source, a model trained on all the others is scored on that source
(ROC-AUC per category the source labels), beside the in-source figure of a model trained on all
sources (the held-out source's test split). Evaluation-only sources are never trained on, so
they are scored by the all-sources model and count as unseen too.

The settings are reduced for speed (rows per source, vocabulary sizes) and are the same for
every variant compared, so two recipes' tables can be set side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from models import datasets
from models.categories import CATEGORIES
from models.classifier import Classifier
from models.training import train

ROWS_PER_SOURCE = 2000
SCORED_ROWS = 2000
REDUCED = {
    "word": {"ngram_range": (1, 2), "min_df": 2, "max_features": 30_000, "sublinear_tf": True},
    "char": {"ngram_range": (2, 5), "min_df": 3, "max_features": 60_000, "sublinear_tf": True},
}
# Sources whose only labels are too few on one side for a stable AUC are left out of the mean.
MIN_CLASS_ROWS = 20
Say = Callable[[str], None]


def _aucs(clf: Classifier, rows: Sequence[datasets.Example]) -> dict[str, dict]:
    if not rows:
        return {}
    probs = clf.probabilities([r.text for r in rows])
    out = {}
    for k, cat in enumerate(CATEGORIES):
        idx = [i for i, r in enumerate(rows) if cat in r.labels]
        y = np.array([rows[i].labels[cat] >= 0.5 for i in idx], dtype=int)
        positives = int(y.sum())
        if min(positives, y.size - positives) < MIN_CLASS_ROWS:
            continue
        out[cat] = {"auc": float(roc_auc_score(y, probs[idx, k])), "n": int(y.size)}
    return out


def _held_out_rows(name: str, data_dir: Path, seed: int, n: int) -> list[datasets.Example]:
    return datasets.load(name, data_dir, seed=seed, max_rows=n)


def leave_one_source_out(
    data_dir: Path,
    *,
    params: dict | None = None,
    sources: Sequence[str] | None = None,
    seed: int = 0,
    say: Say | None = None,
    rows_per_source: int = ROWS_PER_SOURCE,
    scored_rows: int = SCORED_ROWS,
) -> dict:
    """{"sources": {name: {"kind", "unseen": {cat: auc}, "in_source": {cat: auc}}}, "mean"}."""
    data_dir = Path(data_dir)
    say = say or (lambda message: None)
    # The vocabularies are always the reduced ones, so every recipe is compared alike.
    p = {**(params or {}), **REDUCED}
    trainable = [
        s.name
        for s in datasets.SOURCES.values()
        if s.trainable(datasets.DEFAULT_LICENCES) and datasets.available(s, data_dir)
    ]
    evaluation = [
        s.name
        for s in datasets.SOURCES.values()
        if s.use == "eval"
        and s.name not in ("identity-bias-templates", "wikipedia-toxicity-sample")
        and datasets.available(s, data_dir)
    ]
    if sources is not None:
        trainable = [s for s in trainable if s in sources]
        evaluation = [s for s in evaluation if s in sources]
    say("training on every source")
    full = train(data_dir, max_rows_per_source=rows_per_source, params=p, seed=seed).classifier
    table: dict[str, dict] = {}
    for name in trainable:
        say(f"leaving out {name}")
        rows = _held_out_rows(name, data_dir, seed, scored_rows)
        without = train(
            data_dir, max_rows_per_source=rows_per_source, params=p, seed=seed, exclude={name}
        ).classifier
        test = [r for r in rows if r.split == "test"]
        table[name] = {
            "kind": "left out",
            "unseen": {c: v["auc"] for c, v in _aucs(without, rows).items()},
            "in_source": {c: v["auc"] for c, v in _aucs(full, test).items()},
            "n": len(rows),
        }
    for name in evaluation:
        rows = _held_out_rows(name, data_dir, seed, scored_rows)
        table[name] = {
            "kind": "evaluation only",
            "unseen": {c: v["auc"] for c, v in _aucs(full, rows).items()},
            "in_source": {},
            "n": len(rows),
        }
    settings = {**_settings(p), "rows_per_source": rows_per_source, "scored_rows": scored_rows}
    return {"sources": table, "mean": mean_unseen(table), "settings": settings}


def mean_unseen(table: dict[str, dict]) -> float | None:
    """Mean over sources of each source's mean unseen ROC-AUC over the categories it labels."""
    per_source = [np.mean(list(v["unseen"].values())) for v in table.values() if v["unseen"]]
    return float(np.mean(per_source)) if per_source else None


def _settings(p: dict) -> dict:
    return {
        "word_features": p["word"]["max_features"],
        "char_features": p["char"]["max_features"],
    }


def markdown(result: dict, before: dict | None = None) -> list[str]:
    head = "| source | kind | category | unseen ROC-AUC | in-source ROC-AUC |"
    rule = "|---|---|---|---|---|"
    if before:
        head += " baseline unseen |"
        rule += "---|"
    lines = [head, rule]
    for name, row in result["sources"].items():
        for cat, auc in row["unseen"].items():
            ins = row["in_source"].get(cat)
            line = f"| {name} | {row['kind']} | {cat} | {auc:.3f} | "
            line += f"{ins:.3f} |" if ins is not None else "– |"
            if before:
                b = before["sources"].get(name, {}).get("unseen", {}).get(cat)
                line += f" {b:.3f} |" if b is not None else " – |"
            lines.append(line)
    mean = result["mean"]
    total = f"| **mean** | | | **{mean:.3f}** | |" if mean is not None else "| mean | | | – | |"
    if before and before.get("mean") is not None:
        total += f" {before['mean']:.3f} |"
    return [*lines, total]


def recipe_params(params: dict) -> dict:
    """Parameters as read back from JSON: n-gram ranges are tuples again."""
    out = {}
    for key, value in params.items():
        if isinstance(value, dict):
            value = {
                k: tuple(v) if k == "ngram_range" and isinstance(v, list) else v
                for k, v in value.items()
            }
        out[key] = value
    return out

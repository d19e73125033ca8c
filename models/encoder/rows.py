"""The encoder's training and validation rows: the ones the linear model learns from.

Sources, licences, splits, source weights and the generated counterexamples are those of
models/training.py; evaluation-only sources are never among them (``Source.trainable``).
Labels are partial, as for the linear model: a category a row says nothing about is NaN
in the label matrix and masked out of the loss.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models import datasets
from models.categories import CATEGORIES
from models.training import PARAMS, LabelledText, counterexamples, source_rows, synthetic_rows


@dataclass
class Rows:
    train: list[LabelledText]
    validation: list[LabelledText]
    test: list[LabelledText]  # in-source test split, for figures only
    sources: list[str]


def trainable_sources(data_dir: Path, licences: Collection[str] | None = None) -> list[str]:
    allowed = datasets.DEFAULT_LICENCES if licences is None else frozenset(licences)
    return [
        s.name
        for s in datasets.SOURCES.values()
        if s.trainable(allowed) and datasets.available(s, data_dir)
    ]


def load_rows(
    data_dir: Path,
    *,
    max_rows_per_source: int | None = None,
    licences: Collection[str] | None = None,
    extra_labels: Sequence[LabelledText] = (),
    seed: int = 0,
) -> Rows:
    """Train rows (with moderator labels and counterexamples), validation and test rows."""
    data_dir = Path(data_dir)
    names = trainable_sources(data_dir, licences)
    # Never an evaluation-only set.
    assert all(datasets.SOURCES[n].use in ("train", "negatives") for n in names), names
    by_split = source_rows(data_dir, names, max_rows_per_source, seed)
    generated = counterexamples(seed=seed, weight=PARAMS["counterexample_weight"])
    # The synthetic threats, dehumanisation and context sentences: what the sets lack.
    generated += synthetic_rows(seed, PARAMS["synthetic_per_kind"], PARAMS["synthetic_weight"])
    train = by_split["train"] + list(extra_labels) + generated
    return Rows(train, by_split["validation"], by_split["test"], names)


def label_matrix(
    rows: Sequence[LabelledText], categories: Sequence[str] = CATEGORIES
) -> np.ndarray:
    """(len(rows), len(categories)) of 0/1, NaN where the row's source does not say."""
    y = np.full((len(rows), len(categories)), np.nan, dtype=np.float32)
    for i, r in enumerate(rows):
        for k, cat in enumerate(categories):
            if cat in r.labels:
                y[i, k] = float(r.labels[cat] >= 0.5)
    return y


def subsample(rows: Sequence[LabelledText], n: int | None, seed: int = 0) -> list[LabelledText]:
    """A deterministic subset of `n` rows (all of them when n is None or larger)."""
    if n is None or len(rows) <= n:
        return list(rows)

    def key(i: int) -> bytes:
        return hashlib.sha256(f"{seed}:{i}:{rows[i].text}".encode()).digest()

    return [rows[i] for i in sorted(sorted(range(len(rows)), key=key)[:n])]

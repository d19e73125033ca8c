"""Labelled comments turned into `models.decide.SimulationRow`s for `simulate`/`threshold_table`.

Two sources of truth: a site's own moderated comments (the service reads them and passes texts,
stored scores and the moderator's label) and the validation split of the training data (read
here). Rule findings are computed with the policy being tried, since word lists and rule settings
change them; author context is not replayed (the short-term repeat memory is long gone), so the
author rules are left out of both tables.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

from models import datasets
from models.classifier import Classifier
from models.decide import SimulationRow
from models.guidelines import CLASSIFIER_GUIDELINES, feeding_categories
from models.policy import Policy
from models.rules import AuthorContext, find_rules

__all__ = ["DEFAULT_CANDIDATES", "guidelines_of", "labelled_rows", "validation_examples"]

DEFAULT_CANDIDATES = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
_NOTHING = AuthorContext()


def guidelines_of(labels: Mapping[str, float]) -> frozenset[str]:
    """The guideline codes a data set's category labels mark as broken (label >= 0.5)."""
    return frozenset(
        code
        for code in CLASSIFIER_GUIDELINES
        if any((labels.get(cat) or 0.0) >= 0.5 for cat in feeding_categories(code))
    )


def validation_examples(
    data_dir: Path, *, max_rows_per_source: int | None = 500, seed: int = 0
) -> list[tuple[str, frozenset[str]]]:
    """(text, broken guideline codes) of the validation split of every trainable source."""
    out = []
    for source in datasets.SOURCES.values():
        if not (
            source.trainable(datasets.DEFAULT_LICENCES) and datasets.available(source, data_dir)
        ):
            continue
        for ex in datasets.load(source.name, data_dir, seed=seed, max_rows=max_rows_per_source):
            if ex.split == "validation":
                out.append((ex.text, guidelines_of(ex.labels)))
    return out


def labelled_rows(
    classifier: Classifier,
    items: Iterable[tuple[str, Mapping[str, float] | None, str | Collection[str]]],
    policy: Policy,
) -> list[SimulationRow]:
    """Rows from (text, stored scores or None, label); missing scores come from `classifier`."""
    items = list(items)
    missing = [i for i, (_, scores, _) in enumerate(items) if not scores]
    fresh: Sequence[Mapping[str, float]] = (
        classifier.score([items[i][0] for i in missing]) if missing else []
    )
    scored = dict(zip(missing, fresh, strict=True))
    rows: list[SimulationRow] = []
    for i, (text, scores, label) in enumerate(items):
        rows.append((scored.get(i, scores or {}), find_rules(text, policy), _NOTHING, label))
    return rows

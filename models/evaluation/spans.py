"""Evidence spans against human toxic spans (SemEval-2021 Task 5 character-level F1)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from models import datasets
from models.classifier import Classifier, spans_from_contributions
from models.normalize import normalize


def span_f1(predicted: set[int], gold: set[int]) -> float:
    """Per-post F1 of SemEval-2021 Task 5: both empty counts as a perfect match."""
    if not gold:
        return 1.0 if not predicted else 0.0
    if not predicted:
        return 0.0
    tp = len(predicted & gold)
    if tp == 0:
        return 0.0
    p, r = tp / len(predicted), tp / len(gold)
    return 2 * p * r / (p + r)


def predicted_offsets(clf: Classifier, text: str, category: str = "toxicity") -> set[int]:
    return {i for s in clf.evidence(text, category, max_spans=50) for i in range(s.start, s.end)}


def mean_f1(clf: Classifier, posts: Sequence[tuple[str, set[int]]]) -> float:
    if not posts:
        return float("nan")
    return sum(span_f1(predicted_offsets(clf, t), g) for t, g in posts) / len(posts)


THRESHOLDS = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5)


def tune_span_threshold(clf: Classifier, data_dir: Path, limit: int | None = None) -> float:
    """Choose the word-contribution threshold with the best F1 on the validation split."""
    posts = datasets.toxic_span_gold(data_dir)["validation"][:limit]
    prepared = []
    for text, gold in posts:
        norm = normalize(text)
        prepared.append((norm, clf.word_contributions(norm, "toxicity"), gold))
    best, best_f1 = clf.span_threshold, -1.0
    for t in THRESHOLDS:
        total = 0.0
        for norm, contrib, gold in prepared:
            spans = spans_from_contributions(norm, contrib, t, 50)
            total += span_f1({i for s in spans for i in range(s.start, s.end)}, gold)
        if total / max(len(prepared), 1) > best_f1:
            best, best_f1 = t, total / max(len(prepared), 1)
    clf.span_threshold = best
    return best

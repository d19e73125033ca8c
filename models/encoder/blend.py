"""Blend the linear model and the encoder per category, calibrated on validation rows.

Per category, a logistic regression on two inputs: the linear model's calibrated logit and
the encoder's logit, fitted on the validation rows that carry the category's label. The
result is a probability, as calibrated as the linear model's own Platt scaling (the same
rows, the same kind of fit), and a ranking that uses both tiers. A category with too few
validation positives to fit keeps the linear model's probability.

The linear model stays the fallback (no encoder artifacts, or an encoder that cannot load)
and the fast path: with a `Gate`, only comments whose linear scores fall in the uncertain
band are sent to the encoder, and the rest keep the linear probabilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegression

MIN_POSITIVES = 10  # per category on the validation rows, else the linear model alone


@dataclass(frozen=True)
class CategoryBlend:
    w_linear: float = 1.0
    w_encoder: float = 0.0
    bias: float = 0.0
    fitted: bool = False  # False: the linear probability, unchanged
    rows: int = 0
    positives: int = 0


@dataclass
class Blend:
    categories: tuple[str, ...]
    per_category: list[CategoryBlend]

    @classmethod
    def fit(
        cls,
        categories: Sequence[str],
        linear_logits: np.ndarray,
        encoder_logits: np.ndarray,
        labels: np.ndarray,
        min_positives: int = MIN_POSITIVES,
    ) -> Blend:
        """Fit on (n, k) logits of both tiers and (n, k) labels (0/1, NaN where unknown)."""
        per = []
        for k in range(len(categories)):
            known = ~np.isnan(labels[:, k])
            y = labels[known, k].astype(int)
            pos = int(y.sum())
            if pos < min_positives or (y.size - pos) < min_positives:
                per.append(CategoryBlend(rows=int(y.size), positives=pos))
                continue
            x = np.column_stack([linear_logits[known, k], encoder_logits[known, k]])
            model = LogisticRegression(C=1.0).fit(x, y)
            per.append(
                CategoryBlend(
                    float(model.coef_[0, 0]),
                    float(model.coef_[0, 1]),
                    float(model.intercept_[0]),
                    True,
                    int(y.size),
                    pos,
                )
            )
        return cls(tuple(categories), per)

    def logits(self, linear_logits: np.ndarray, encoder_logits: np.ndarray) -> np.ndarray:
        a = np.array([c.w_linear for c in self.per_category])
        b = np.array([c.w_encoder for c in self.per_category])
        c = np.array([c.bias for c in self.per_category])
        return linear_logits * a + encoder_logits * b + c

    def probabilities(self, linear_logits: np.ndarray, encoder_logits: np.ndarray) -> np.ndarray:
        return _sigmoid(self.logits(linear_logits, encoder_logits))

    def to_dict(self) -> dict:
        return {
            "categories": list(self.categories),
            "per_category": [asdict(c) for c in self.per_category],
        }

    @classmethod
    def from_dict(cls, doc: dict) -> Blend:
        return cls(tuple(doc["categories"]), [CategoryBlend(**c) for c in doc["per_category"]])


@dataclass(frozen=True)
class Gate:
    """Send a comment to the encoder when any listed category's linear probability is in
    [low, high]; below, the linear model is sure it is fine, above, sure it is not."""

    low: float = 0.05
    high: float = 1.0
    categories: tuple[str, ...] | None = None  # None: every category

    def uncertain(self, categories: Sequence[str], linear_probs: np.ndarray) -> np.ndarray:
        cols = [
            k for k, c in enumerate(categories) if self.categories is None or c in self.categories
        ]
        p = linear_probs[:, cols]
        return ((p >= self.low) & (p <= self.high)).any(axis=1)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def linear_logits(classifier, texts: Sequence[str]) -> np.ndarray:
    """The linear model's calibrated logits (a * z + b per category), shape (n, k)."""
    z = classifier.raw_scores(list(texts))
    a = np.array([c.a for c in classifier.calibration])
    b = np.array([c.b for c in classifier.calibration])
    return z * a + b


@dataclass
class TwoTierStats:
    comments: int = 0
    encoded: int = 0  # of them, scored by the encoder too

    @property
    def encoder_share(self) -> float:
        return self.encoded / self.comments if self.comments else 0.0


@dataclass
class TwoTier:
    """The linear model, and where present the encoder blended in; scores like Classifier."""

    classifier: object  # models.classifier.Classifier
    encoder: object | None = None  # models.encoder.scorer.EncoderScorer
    blend: Blend | None = None
    gate: Gate | None = None
    stats: TwoTierStats = field(default_factory=TwoTierStats)

    @property
    def categories(self) -> tuple[str, ...]:
        return self.classifier.categories

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        lin = linear_logits(self.classifier, texts)
        probs = _sigmoid(lin)
        self.stats.comments += len(texts)
        if self.encoder is None or self.blend is None or not texts:
            return probs
        if tuple(self.encoder.categories) != self.categories:
            raise ValueError("encoder and linear model score different categories")
        chosen = (
            np.ones(len(texts), dtype=bool)
            if self.gate is None
            else self.gate.uncertain(self.categories, probs)
        )
        idx = np.flatnonzero(chosen)
        if idx.size:
            enc = self.encoder.logits([texts[i] for i in idx])
            blended = self.blend.probabilities(lin[idx], enc)
            fitted = np.array([c.fitted for c in self.blend.per_category])
            probs[np.ix_(idx, np.flatnonzero(fitted))] = blended[:, fitted]
        self.stats.encoded += int(idx.size)
        return probs

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        probs = self.probabilities(texts)
        return [dict(zip(self.categories, map(float, row), strict=True)) for row in probs]

    def score_one(self, text: str) -> dict[str, float]:
        return self.score([text])[0]

    def evidence(self, text: str, category: str, max_spans: int = 5):
        """Evidence spans come from the linear model: the encoder gives none."""
        return self.classifier.evidence(text, category, max_spans)

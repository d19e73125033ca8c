"""The trained multi-category classifier: normalise, vectorise, one linear model per category.

All categories share one feature space (word 1-2-grams and in-word character 2-5-grams
of the normalised text), so scoring is one sparse matrix product for every category. Each
category's raw score is mapped to a probability by a sigmoid fitted on held-out validation
data (Platt scaling), which keeps thresholds meaningful across training runs and, unlike
isotonic steps, does not tie scores (and so keeps the ranking the model learned).

The object holds only scikit-learn vectorizers and numpy arrays, so it pickles with joblib.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from models.normalize import Normalized, normalize
from models.types import Span

_WORD = re.compile(r"\S+")
_EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w]+$")


@dataclass
class Calibration:
    """p = 1 / (1 + exp(-(a * z + b))) for raw linear score z."""

    a: float
    b: float


class Classifier:
    def __init__(
        self,
        categories: Sequence[str],
        word_vectorizer: TfidfVectorizer,
        char_vectorizer: TfidfVectorizer,
        coef: np.ndarray,  # (n_features, n_categories)
        intercept: np.ndarray,  # (n_categories,)
        calibration: Sequence[Calibration],
        span_threshold: float = 0.0,
    ) -> None:
        self.categories = tuple(categories)
        self.word_vectorizer = word_vectorizer
        self.char_vectorizer = char_vectorizer
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.calibration = list(calibration)
        # Minimum contribution (in logit units) for a word to count as evidence; tuned on
        # the toxic-spans validation split by training.
        self.span_threshold = span_threshold

    # --- scoring -----------------------------------------------------------------------

    def features(self, normalised: Sequence[str]) -> sp.csr_matrix:
        return sp.hstack(
            [
                self.word_vectorizer.transform(normalised),
                self.char_vectorizer.transform(normalised),
            ],
            format="csr",
        )

    def raw_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Uncalibrated linear scores, shape (len(texts), len(categories))."""
        if not texts:
            return np.zeros((0, len(self.categories)))
        x = self.features([normalize(t).text for t in texts])
        return np.asarray(x @ self.coef) + self.intercept

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        z = self.raw_scores(texts)
        a = np.array([c.a for c in self.calibration])
        b = np.array([c.b for c in self.calibration])
        return 1.0 / (1.0 + np.exp(-(z * a + b)))

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        probs = self.probabilities(list(texts))
        return [dict(zip(self.categories, map(float, row), strict=True)) for row in probs]

    def score_one(self, text: str) -> dict[str, float]:
        return self.score([text])[0]

    # --- evidence ----------------------------------------------------------------------

    def word_contributions(self, norm: Normalized, category: str) -> list[tuple[int, int, float]]:
        """(start, end, contribution) per whitespace word of `norm.text`.

        A feature's contribution x_f * w_f is shared among its occurrences; a word
        bigram gives half to each of its words. Character n-grams never cross words
        (``char_wb``), so every feature lands on the words that produced it.
        """
        k = self.categories.index(category)
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(norm.text)]
        if not words:
            return []
        x = self.features([norm.text])
        n_word = len(self.word_vectorizer.vocabulary_)
        contrib = (x.data * self.coef[x.indices, k]).tolist()
        weight = dict(zip(x.indices.tolist(), contrib, strict=True))
        word_vocab = self.word_vectorizer.vocabulary_
        char_vocab = self.char_vectorizer.vocabulary_
        tok_re = re.compile(self.word_vectorizer.token_pattern)
        # Collect each word's feature occurrences, then split each feature's weight evenly.
        occurrences: dict[int, list[tuple[int, float]]] = {}
        tokens: list[tuple[int, str]] = []  # (word index, token)
        for wi, (_, _, w) in enumerate(words):
            for t in tok_re.findall(w):
                tokens.append((wi, t))
            padded = f" {w} "
            for n in range(2, 6):
                for i in range(len(padded) - n + 1):
                    j = char_vocab.get(padded[i : i + n])
                    if j is not None:
                        occurrences.setdefault(j + n_word, []).append((wi, 1.0))
        for i, (wi, t) in enumerate(tokens):
            j = word_vocab.get(t)
            if j is not None:
                occurrences.setdefault(j, []).append((wi, 1.0))
            if i + 1 < len(tokens):
                j = word_vocab.get(f"{t} {tokens[i + 1][1]}")
                if j is not None:
                    occurrences.setdefault(j, []).extend([(wi, 0.5), (tokens[i + 1][0], 0.5)])
        score = [0.0] * len(words)
        for j, occ in occurrences.items():
            total = sum(s for _, s in occ)
            c = weight.get(j, 0.0)
            for wi, share in occ:
                score[wi] += c * share / total
        return [(a, b, s) for (a, b, _), s in zip(words, score, strict=True)]

    def evidence(self, text: str, category: str, max_spans: int = 5) -> list[Span]:
        """Spans of the original text whose words pushed `category`'s score up most."""
        norm = normalize(text)
        contrib = self.word_contributions(norm, category)
        return spans_from_contributions(norm, contrib, self.span_threshold, max_spans)


def spans_from_contributions(
    norm: Normalized, contrib: Sequence[tuple[int, int, float]], threshold: float, max_spans: int
) -> list[Span]:
    """Merge neighbouring words above `threshold` and map them back to the original text."""
    merged: list[list[float]] = []
    for a, b, s in contrib:
        if s <= threshold:
            continue
        if merged and not norm.text[int(merged[-1][1]) : a].strip():
            merged[-1][1] = b
            merged[-1][2] += s
        else:
            merged.append([a, b, s])
    merged.sort(key=lambda m: -m[2])
    spans = []
    for a, b, _ in merged[:max_spans]:
        span = _trim(norm.original, *norm.to_original(int(a), int(b)))
        if span is not None:
            spans.append(span)
    return sorted(spans, key=lambda s: s.start)


def _trim(text: str, start: int, end: int) -> Span | None:
    """Grow to whole words of the original (squeezed letters, leet) and drop edge punctuation."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip(" \t\n\r\"'()[]{}.,;:?!"))
    tail = len(chunk) - len(chunk.rstrip(" \t\n\r\"'()[]{}.,;:?!"))
    start, end = start + lead, end - tail
    if start >= end:
        return None
    return Span(start, end, text[start:end])

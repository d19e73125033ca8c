"""The trained multi-category classifier: normalise, vectorise, one linear model per category.

All categories share one feature space (word 1-2-grams and in-word character 2-5-grams
of the normalised text), so scoring is one sparse matrix product for every category. Each
category's raw score is mapped to a probability by a sigmoid fitted on held-out validation
data (Platt scaling), which keeps thresholds meaningful across training runs and, unlike
isotonic steps, does not tie scores (and so keeps the ranking the model learned).

The object holds only scikit-learn vectorizers and numpy arrays, so it pickles with joblib.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as normalize_rows

from models import identity
from models.concepts import mark as concepts_mark
from models.context import hide as context_hide
from models.normalize import ENTITY, Normalized, normalize
from models.types import Span

_WORD = re.compile(r"\S+")
# Caches built while scoring, never saved with the model.
_UNPICKLED = frozenset({"_word_analyzer", "_scored_rows", "_layout", "_word_parts"})
# Words whose folded form and tokens the evidence keeps (about 260 bytes each: 13 MB at most).
WORD_PARTS_LIMIT = 50_000
_EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w]+$")


class WordCachedCharVectorizer:
    """TF-IDF of in-word character n-grams (like ``char_wb``), fast on repeated words.

    scikit-learn looks every n-gram up in a Python dict, which costs about 0.5 ms for a
    typical comment. Character n-grams of ``char_wb`` never cross words, so each distinct
    word's feature indices are computed once and cached; a comment then costs one dict
    lookup per word. Fitting, vocabulary and idf come from a real TfidfVectorizer, and
    the output equals its ``transform`` (sublinear tf, idf, l2 norm).
    """

    CACHE_LIMIT = 300_000

    def __init__(self, **params) -> None:
        self.params = {"analyzer": "char_wb", "lowercase": False, **params}
        self.vectorizer = TfidfVectorizer(**self.params)
        self._cache: dict[str, np.ndarray] = {}

    def __getstate__(self) -> dict:
        return {"params": self.params, "vectorizer": self.vectorizer}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._cache = {}

    @property
    def vocabulary_(self) -> dict[str, int]:
        return self.vectorizer.vocabulary_

    def fit(self, docs: Sequence[str]) -> WordCachedCharVectorizer:
        self.vectorizer.fit(docs)
        return self

    def word_features(self, word: str) -> np.ndarray:
        """Column indices (with repeats) of one whitespace word's n-grams."""
        cols = self._cache.get(word)
        if cols is None:
            vocab = self.vectorizer.vocabulary_
            analyzer = self.__dict__.get("_analyzer")
            if analyzer is None:
                analyzer = self._analyzer = self.vectorizer.build_analyzer()
            grams = analyzer(word)
            cols = np.array([vocab[g] for g in grams if g in vocab], dtype=np.int32)
            if len(self._cache) < self.CACHE_LIMIT:
                self._cache[word] = cols
        return cols

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        indptr = [0]
        chunks: list[np.ndarray] = []
        total = 0
        for doc in docs:
            for w in doc.split():
                cols = self.word_features(w)
                chunks.append(cols)
                total += cols.size
            indptr.append(total)
        indices = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int32)
        n_features = len(self.vectorizer.vocabulary_)
        x = sp.csr_matrix(
            (np.ones(indices.size, dtype=np.float64), indices, np.asarray(indptr)),
            shape=(len(docs), n_features),
        )
        x.sum_duplicates()  # counts per (doc, n-gram)
        if self.vectorizer.sublinear_tf:
            np.log(x.data, x.data)
            x.data += 1
        x.data *= self.vectorizer.idf_[x.indices]
        return normalize_rows(x)


@dataclass
class Calibration:
    """p = 1 / (1 + exp(-(a * z + b))) for raw linear score z."""

    a: float
    b: float


def fold_text(text: str, identities: bool, concepts: bool, context: bool = False) -> str:
    """Normalised text as the vectorisers see it: identities folded, concepts marked, and
    (whole texts only) negated or reported hostile words hidden (models/context.py)."""
    if context:
        text = context_hide(text)
    if identities:
        text = identity.fold(text)
    return concepts_mark(text) if concepts else text


class _Layout(NamedTuple):
    """A text's feature occurrences for the evidence, the same for every category: the row's
    sorted columns and values, the features in the order first met, and per occurrence (grouped
    by feature) its feature's index in `features`, its word, its share and its feature's total."""

    words: list[tuple[int, int]]
    columns: np.ndarray
    values: np.ndarray
    features: np.ndarray
    group: np.ndarray
    owner: np.ndarray
    share: np.ndarray
    total: np.ndarray


class Classifier:
    def __init__(
        self,
        categories: Sequence[str],
        word_vectorizer: TfidfVectorizer,
        char_vectorizer: WordCachedCharVectorizer,
        coef: np.ndarray,  # (n_features, n_categories)
        intercept: np.ndarray,  # (n_categories,)
        calibration: Sequence[Calibration],
        span_threshold: float = 0.0,
        fold_identities: bool = False,
        mark_concepts: bool = False,
        hide_context: bool = False,
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
        # Identity words become one placeholder before vectorising (models/identity.py).
        self.fold_identities = fold_identities
        # A marker before violent verbs and dehumanising nouns (models/concepts.py).
        self.mark_concepts = mark_concepts
        # Negated or reported hostile words become one marker (models/context.py).
        self.hide_context = hide_context

    # --- scoring -----------------------------------------------------------------------

    def _fold(self, text: str, whole: bool = False) -> str:
        """One word, or with `whole` a whole text, as the vectorisers see it."""
        # Models pickled before these steps existed lack the attributes: they take none of them.
        flags = self.__dict__
        return fold_text(
            text,
            flags.get("fold_identities", False),
            flags.get("mark_concepts", False),
            whole and flags.get("hide_context", False),
        )

    def features(self, normalised: Sequence[str]) -> sp.csr_matrix:
        normalised = [self._fold(t, whole=True) for t in normalised]
        return sp.hstack(
            [
                self.word_vectorizer.transform(normalised),
                self.char_vectorizer.transform(normalised),
            ],
            format="csr",
        )

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in _UNPICKLED}

    def _one_vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(columns, tf-idf values) of one normalised text, without scipy.sparse.

        One comment through sparse matrices spends most of its time in input validation;
        this path computes the same vector with plain numpy for the single-comment case.
        """
        analyzer = self.__dict__.get("_word_analyzer")
        if analyzer is None:
            analyzer = self._word_analyzer = self.word_vectorizer.build_analyzer()
        wv, cv = self.word_vectorizer, self.char_vectorizer
        vocab = wv.vocabulary_
        word_cols = np.array([vocab[g] for g in analyzer(text) if g in vocab], dtype=np.int64)
        words = [cv.word_features(w) for w in text.split()]
        char_cols = np.concatenate(words) if words else np.zeros(0, dtype=np.int64)
        blocks = []
        for cols, vec, offset in ((word_cols, wv, 0), (char_cols, cv.vectorizer, len(vocab))):
            cols, counts = np.unique(cols, return_counts=True)
            tf = 1.0 + np.log(counts) if vec.sublinear_tf else counts.astype(float)
            vals = tf * vec.idf_[cols]
            norm = np.sqrt(vals @ vals)
            blocks.append((cols + offset, vals / norm if norm else vals))
        return np.concatenate([b[0] for b in blocks]), np.concatenate([b[1] for b in blocks])

    def raw_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Uncalibrated linear scores, shape (len(texts), len(categories))."""
        if not texts:
            return np.zeros((0, len(self.categories)))
        if len(texts) == 1:
            cols, vals = self._one_vector(self._fold(normalize(texts[0]).text, whole=True))
            return (vals @ self.coef[cols] + self.intercept).reshape(1, -1)
        # The two blocks are multiplied separately: stacking them costs a copy and an index
        # sort that took about a tenth of the batch time.
        normalised = [normalize(t).text for t in texts]
        norm = [self._fold(t, whole=True) for t in normalised]
        n_word = len(self.word_vectorizer.vocabulary_)
        words = self.word_vectorizer.transform(norm)
        chars = self.char_vectorizer.transform(norm)
        # Kept for `features` until the next batch: the evidence of the comments that reach a
        # threshold is asked for right after (one tuple, replaced whole, never half-updated).
        self._scored_rows = ({t: i for i, t in enumerate(normalised)}, words, chars)
        z = words @ self.coef[:n_word]
        z += chars @ self.coef[n_word:]
        return np.asarray(z) + self.intercept

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
        layout = self._word_layout(norm.text)
        if layout is None:
            return []
        # Each occurrence's share of its feature's contribution, added up per word in the same
        # order as a loop over features and their occurrences would (the same sums, bit for bit).
        weight = np.zeros(layout.features.size)
        columns = layout.columns
        if columns.size:  # a feature the whole text's folding hid has no weight
            contrib = layout.values * self.coef[columns, k]
            at = np.minimum(np.searchsorted(columns, layout.features), columns.size - 1)
            weight = np.where(columns[at] == layout.features, contrib[at], 0.0)
        each = weight[layout.group] * layout.share / layout.total
        score = np.bincount(layout.owner, weights=each, minlength=len(layout.words))
        return [(a, b, s) for (a, b), s in zip(layout.words, score.tolist(), strict=True)]

    def _word_layout(self, text: str) -> _Layout | None:
        """Which word each feature occurrence of `text` belongs to, with its share; the part of
        the evidence that is the same for every category, kept for the text asked last (a held
        comment is often explained for two or three categories in a row)."""
        cached = self.__dict__.get("_layout")
        if cached is not None and cached[0] == text:
            return cached[1]
        layout = self._build_layout(text)
        self._layout = (text, layout)  # one tuple, replaced whole
        return layout

    def _build_layout(self, text: str) -> _Layout | None:
        found = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        if not found:
            return None
        x = self._row(text)
        order = np.argsort(x.indices, kind="stable")
        columns, values = x.indices[order], x.data[order]
        n_word = len(self.word_vectorizer.vocabulary_)
        word_vocab = self.word_vectorizer.vocabulary_
        tok_re = re.compile(self.word_vectorizer.token_pattern)
        # Every occurrence in the order it is met: each word's character n-grams, word by word,
        # then the word unigrams and bigrams; (feature, word index, share) each.
        char_blocks: list[np.ndarray] = []
        tokens: list[tuple[int, str]] = []  # (word index, token)
        parts = self.__dict__.get("_word_parts")
        if parts is None or len(parts) > WORD_PARTS_LIMIT:
            parts = self._word_parts = {}
        for wi, (_, _, raw) in enumerate(found):
            known = parts.get(raw)
            if known is None:  # words repeat across comments: each is folded once
                w = self._fold(raw)  # folding per word equals folding the text (identity.fold)
                known = parts[raw] = (w, tuple(tok_re.findall(w)))
            folded, word_tokens = known
            tokens.extend((wi, t) for t in word_tokens)
            char_blocks.append(self.char_vectorizer.word_features(folded))
        feats: list[int] = []
        owners: list[int] = []
        shares: list[float] = []
        for i, (wi, t) in enumerate(tokens):
            j = word_vocab.get(t)
            if j is not None:
                feats.append(j)
                owners.append(wi)
                shares.append(1.0)
            if i + 1 < len(tokens):
                j = word_vocab.get(f"{t} {tokens[i + 1][1]}")
                if j is not None:
                    feats.extend((j, j))
                    owners.extend((wi, tokens[i + 1][0]))
                    shares.extend((0.5, 0.5))
        per_word = np.array([block.size for block in char_blocks])
        met = np.concatenate(
            [np.concatenate(char_blocks).astype(np.int64) + n_word, np.asarray(feats, np.int64)]
        )
        met_owner = np.concatenate(
            [np.repeat(np.arange(len(found)), per_word), np.asarray(owners, np.int64)]
        )
        met_share = np.concatenate([np.ones(int(per_word.sum())), np.asarray(shares)])
        words = [(a, b) for a, b, _ in found]
        # Group the occurrences by feature, features in the order first met, each group in the
        # order its occurrences were met (a stable sort on the rank of the feature's first one).
        unique, first, inverse = np.unique(met, return_index=True, return_inverse=True)
        by_first = np.argsort(first, kind="stable")
        rank = np.empty(unique.size, dtype=np.int64)
        rank[by_first] = np.arange(unique.size)
        grouped = np.argsort(rank[inverse], kind="stable")
        group = rank[inverse][grouped]
        share = met_share[grouped]
        total = np.bincount(group, weights=share, minlength=unique.size)[group]
        return _Layout(
            words, columns, values, unique[by_first], group, met_owner[grouped], share, total
        )

    def _row(self, text: str) -> sp.csr_matrix:
        """The feature row of one normalised text: from the last batch when it was scored
        there (sliced from its rows, without scipy's indexing), else vectorised now. Every step
        of the vectorisers works row by row, so a batch's row equals a fresh transform."""
        index, words, chars = self.__dict__.get("_scored_rows", ({}, None, None))
        row = index.get(text)
        if row is None:
            return self.features([text])
        n_word = len(self.word_vectorizer.vocabulary_)
        a, b = words.indptr[row], words.indptr[row + 1]
        c, d = chars.indptr[row], chars.indptr[row + 1]
        indices = np.concatenate([words.indices[a:b], chars.indices[c:d] + n_word])
        data = np.concatenate([words.data[a:b], chars.data[c:d]])
        return sp.csr_matrix((data, indices, [0, indices.size]), shape=(1, self.coef.shape[0]))

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
    start, end = _strip_edges(text, start, end)
    if start >= end:
        return None
    return Span(start, end, text[start:end])


_EDGE = " \t\n\r\"'()[]{}.,;:?!"


def _punctuation_entity(match: re.Match | None) -> bool:
    return match is not None and not any(c.isalnum() for c in html.unescape(match.group()))


def _strip_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop punctuation, and HTML entities of punctuation ("&quot;", "&#8220;"), at both ends."""
    while start < end:
        entity = ENTITY.match(text, start, end)
        if _punctuation_entity(entity):
            start = entity.end()
        elif text[start] in _EDGE:
            start += 1
        else:
            break
    while end > start:
        amp = text.rfind("&", start, end)
        entity = ENTITY.fullmatch(text, amp, end) if amp >= 0 else None
        if _punctuation_entity(entity):
            end = amp
        elif text[end - 1] in _EDGE:
            end -= 1
        else:
            break
    return start, end

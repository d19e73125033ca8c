"""What the peer was trained on, and the peer's own recipe trained on our data.

alt-profanity-check ships a fitted TF-IDF vectorizer and a calibrated linear SVM. Its README
says they were trained on the labelled Kaggle Jigsaw training set (Wikipedia talk comments) and
on all of Davidson's tweets. Two of our test sets come from that data: Davidson's test split is
part of all of Davidson, and the Wikipedia sample comes from the Wikipedia Talk annotations
(Wulczyn et al.) the Kaggle training set was built from. A peer that has seen test rows ranks
them better than it ranks new comments, so the report shows:

- ``corpus_size``: how many documents the peer's vectorizer was fitted on, read off its idf;
- ``kaggle_overlap``: which Kaggle Jigsaw split our Jigsaw sample was drawn from (the peer trained
  on the other one), by matching the rows of ``jigsaw-toxic-mini``, whose files keep the split;
- ``Recipe``: the peer's vectorizer and model settings fitted on our training split of the
  sources it was trained on, which is its method without its extra (and overlapping) data;
- ``seen_test_rows``: what having seen the test rows is worth, measured: the recipe scored on
  Davidson's test split after fitting without, and then with, those rows (the peer had them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.metrics import roc_auc_score

from models import datasets

# The peer's training sources, as far as we hold them (train splits only).
RECIPE_SOURCES = ("jigsaw-toxic-binary-sample", "davidson-hate-offensive")


def corpus_size(vectorizer) -> int | None:
    """Documents a fitted TfidfVectorizer (smooth idf) saw, or None if that cannot be read.

    Smoothed idf is ln((1 + n) / (1 + df)) + 1 with whole-number document frequencies, so for
    the rarest terms (smallest df, least rounding) there is one n that makes every df whole.
    """
    idf = getattr(vectorizer, "idf_", None)
    if idf is None or not getattr(vectorizer, "smooth_idf", False):
        return None
    ratios = np.exp(np.unique(idf)[-50:] - 1.0)  # (1 + n) / (1 + df), rarest term last
    if ratios.size < 5:  # too few distinct frequencies to pin n down
        return None
    for rarest_df in range(1, 1_000_000):
        n = round(ratios[-1] * (1 + rarest_df) - 1)
        dfs = (1 + n) / ratios - 1
        if n > 0 and np.abs(dfs - np.round(dfs)).max() < 1e-6:
            return n
    return None


def _key(text: str) -> str:
    return " ".join(text.split()).lower()


def kaggle_overlap(data_dir: Path, sample_texts: Iterable[str]) -> dict | None:
    """Rows of each Kaggle split (via jigsaw-toxic-mini's two files) found in our Jigsaw sample."""
    mini = data_dir / "jigsaw-toxic-mini"
    files = {"kaggle_train": mini / "train.csv", "kaggle_test": mini / "test_proced.csv"}
    if not all(f.is_file() for f in files.values()):
        return None
    ours = {_key(t) for t in sample_texts}
    out = {}
    for split, path in files.items():
        rows = [(_key(r["comment_text"]), r["toxic"] == "1") for r in datasets._read(path)]
        out[split] = {
            "rows": len(rows),
            "toxic": sum(t for _, t in rows),
            "in_our_sample": sum(k in ours for k, _ in rows),
            "toxic_in_our_sample": sum(k in ours for k, t in rows if t),
        }
    return out


class Recipe:
    """The peer's vectorizer and model settings, fitted on our training rows."""

    def __init__(self, vectorizer, model) -> None:
        self.vectorizer = clone(vectorizer)
        self.model = clone(model)
        self.rows = 0

    def fit(self, data_dir: Path, seed: int = 0, with_test_of: str | None = None) -> Recipe | None:
        """Fit on the train split's toxicity labels of RECIPE_SOURCES (and, for `with_test_of`,
        that source's test split too); None without both classes."""
        texts, labels = [], []
        for name in RECIPE_SOURCES:
            if not datasets.available(datasets.SOURCES[name], data_dir):
                continue
            splits = ("train", "test") if name == with_test_of else ("train",)
            for ex in datasets.load(name, data_dir, seed=seed):
                if ex.split in splits and "toxicity" in ex.labels:
                    texts.append(ex.text)
                    labels.append(int(ex.labels["toxicity"] >= 0.5))
        if len(set(labels)) < 2:
            return None
        self.model.fit(self.vectorizer.fit_transform(texts), np.array(labels))
        self.rows = len(texts)
        return self

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        return self.model.predict_proba(self.vectorizer.transform(list(texts)))[:, 1]


SEEN_SOURCE = "davidson-hate-offensive"  # the peer trained on all of it, our test split included


def seen_test_rows(fitted: Recipe, parts: tuple, data_dir: Path, seed: int = 0) -> dict | None:
    """ROC-AUC on SEEN_SOURCE's test split of the peer's recipe fitted without it (`fitted`, the
    report's recipe) and with it (refitted here from `parts`)."""
    if not datasets.available(datasets.SOURCES[SEEN_SOURCE], data_dir):
        return None
    test = [
        ex
        for ex in datasets.load(SEEN_SOURCE, data_dir, seed=seed)
        if ex.split == "test" and "toxicity" in ex.labels
    ]
    y = [int(ex.labels["toxicity"] >= 0.5) for ex in test]
    if len(set(y)) < 2:
        return None
    seen = Recipe(*parts).fit(data_dir, seed, with_test_of=SEEN_SOURCE)
    if seen is None:
        return None
    texts = [ex.text for ex in test]
    return {
        "source": SEEN_SOURCE,
        "n": len(test),
        "without": float(roc_auc_score(y, fitted.predict(texts))),
        "with": float(roc_auc_score(y, seen.predict(texts))),
    }

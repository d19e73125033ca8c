"""Naive-Bayes log-count-ratio features under a logistic regression (NB-LR).

Wang & Manning (2012), "Baselines and bigrams", as in the Jigsaw NB-SVM baseline: scale each
feature by r = log((p / |p|_1) / (q / |q|_1)), where p and q are the smoothed feature sums over
positive and negative rows, and fit a logistic regression w on the scaled features. Its score
(x * r) . w + b equals x . (r * w) + b, so the head folds into an ordinary linear weight
vector over the same features: adding it to a category's weights keeps scoring one sparse
product and keeps word contributions (evidence spans) exact.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

Fit = Callable[[sp.csr_matrix, np.ndarray, np.ndarray], tuple[np.ndarray, float]]


def log_count_ratio(x: sp.csr_matrix, y: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """r per feature column; 0 on columns no row uses (they carry no evidence either way)."""
    p = alpha + np.asarray(x[y == 1].sum(axis=0)).ravel()
    q = alpha + np.asarray(x[y == 0].sum(axis=0)).ravel()
    r = np.log((p / p.sum()) / (q / q.sum()))
    used = np.zeros(x.shape[1], dtype=bool)
    used[x.indices] = True
    r[~used] = 0.0
    return r


def fit_folded(
    x: sp.csr_matrix, y: np.ndarray, w: np.ndarray, fit: Fit, alpha: float = 1.0
) -> tuple[np.ndarray, float]:
    """(r * coef, intercept) of an NB-LR head: a linear model over the columns of x."""
    r = log_count_ratio(x, y, alpha)
    coef, intercept = fit(sp.csr_matrix(x @ sp.diags(r)), y, w)
    return r * coef, intercept

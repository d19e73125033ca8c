"""Unintended identity bias: subgroup, BPSN and BNSP AUC and the Jigsaw 2019 combined score."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import roc_auc_score

# Identity terms of the Conversation AI bias work (Dixon et al. 2018), longest first so
# "african american" is found before "american".
_TERMS = """lesbian gay bisexual transgender trans queer lgbt lgbtq homosexual straight
heterosexual male female nonbinary african american black white european hispanic latino latina
latinx mexican canadian asian indian chinese japanese christian muslim jewish buddhist catholic
protestant sikh taoist old older young younger teenage millenial elderly blind deaf paralyzed"""
IDENTITY_TERMS = sorted(
    [*_TERMS.split(), "african american", "middle eastern", "middle aged"], key=lambda t: -len(t)
)
_TERM_RE = {t: re.compile(rf"\b{re.escape(t)}\b", re.IGNORECASE) for t in IDENTITY_TERMS}
POWER = -5


def identities(text: str) -> set[str]:
    return {t for t, rx in _TERM_RE.items() if rx.search(text)}


def _auc(y: np.ndarray, p: np.ndarray) -> float | None:
    return float(roc_auc_score(y, p)) if y.size and 0 < y.sum() < y.size else None


def power_mean(values: Sequence[float], p: int = POWER) -> float:
    arr = np.asarray([v for v in values if v is not None], dtype=float)
    if arr.size == 0:
        return float("nan")
    return float(np.mean(np.maximum(arr, 1e-9) ** p) ** (1 / p))


def bias_metrics(texts: Sequence[str], y: np.ndarray, p: np.ndarray, min_rows: int = 20) -> dict:
    """Per-identity AUCs and the combined score: 0.25 overall + 0.25 each power mean."""
    y, p = np.asarray(y, dtype=int), np.asarray(p, dtype=float)
    members = [identities(t) for t in texts]
    per: dict[str, dict[str, float | int | None]] = {}
    for term in IDENTITY_TERMS:
        sub = np.array([term in m for m in members])
        if sub.sum() < min_rows:
            continue
        bg = ~sub
        bpsn = (bg & (y == 1)) | (sub & (y == 0))
        bnsp = (bg & (y == 0)) | (sub & (y == 1))
        per[term] = {
            "rows": int(sub.sum()),
            "subgroup_auc": _auc(y[sub], p[sub]),
            "bpsn_auc": _auc(y[bpsn], p[bpsn]),
            "bnsp_auc": _auc(y[bnsp], p[bnsp]),
        }
    overall = _auc(y, p)
    means = {
        k: power_mean([v[k] for v in per.values()])
        for k in ("subgroup_auc", "bpsn_auc", "bnsp_auc")
    }
    combined = None
    if overall is not None and per:
        combined = 0.25 * overall + 0.25 * sum(means.values())
    worst = min(
        ((t, v["bpsn_auc"]) for t, v in per.items() if v["bpsn_auc"] is not None),
        key=lambda tv: tv[1],
        default=(None, None),
    )
    mentions = np.array([bool(m) for m in members])
    return {
        "overall_auc": overall,
        # Where a set's labels lean on identity words, a model that ignores them loses AUC on
        # the rows that mention one; these two figures show how much of a gap lies there.
        "by_mention": {
            "with_identity": {"rows": int(mentions.sum()), "auc": _auc(y[mentions], p[mentions])},
            "without": {"rows": int((~mentions).sum()), "auc": _auc(y[~mentions], p[~mentions])},
        },
        "power_means": means,
        "combined": combined,
        "worst_bpsn": {"identity": worst[0], "auc": worst[1]},
        "per_identity": per,
    }

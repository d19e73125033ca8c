"""The per-category blend of the two tiers: calibrated, better than either, linear fallback."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score

from models.encoder.blend import Blend, CategoryBlend, Gate

CATS = ("toxicity", "threat")


def _tiers(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two noisy views of one true logit (the encoder's on another scale, with an offset),
    labels drawn from the true probability; threat has a base rate of about 1 in 200."""
    rng = np.random.default_rng(seed)
    true = np.column_stack([rng.normal(0, 2, n), rng.normal(-7, 1.5, n)])
    y = (rng.random((n, 2)) < 1 / (1 + np.exp(-true))).astype(np.float32)
    y[: n // 4, 1] = np.nan  # a quarter of the rows say nothing about threats
    linear = true + rng.normal(0, 1.5, (n, 2))
    encoder = 0.5 * (true + rng.normal(0, 1.5, (n, 2))) + 3.0
    return linear, encoder, y


def _calibration_error(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over equal-count bins."""
    order = np.argsort(p)
    err = 0.0
    for part in np.array_split(order, bins):
        err += len(part) * abs(p[part].mean() - y[part].mean())
    return err / len(p)


def test_the_blend_is_calibrated_and_ranks_better_than_either_tier():
    blend = Blend.fit(CATS, *_tiers(20000, seed=0))
    linear, encoder, y = _tiers(20000, seed=1)
    p = blend.probabilities(linear, encoder)[:, 0]
    assert _calibration_error(p, y[:, 0]) < 0.015
    # Uncalibrated, the encoder's own sigmoid is far off (its logits are shifted by 3).
    assert _calibration_error(1 / (1 + np.exp(-encoder[:, 0])), y[:, 0]) > 0.1
    auc = roc_auc_score(y[:, 0], p)
    assert auc > roc_auc_score(y[:, 0], linear[:, 0]) + 0.01
    assert auc > roc_auc_score(y[:, 0], encoder[:, 0]) + 0.01
    assert blend.per_category[0].fitted and blend.per_category[0].w_encoder > 0


def test_a_category_with_too_few_validation_positives_keeps_the_linear_probability():
    linear, encoder, y = _tiers(800, seed=2)
    blend = Blend.fit(CATS, linear, encoder, y)
    threat = blend.per_category[1]
    assert not threat.fitted and threat.positives < 10
    assert threat.rows == int((~np.isnan(y[:, 1])).sum())
    p = blend.probabilities(linear, encoder)
    np.testing.assert_allclose(p[:, 1], 1 / (1 + np.exp(-linear[:, 1])))


def test_a_blend_survives_its_manifest():
    blend = Blend.fit(CATS, *_tiers(3000, seed=3))
    again = Blend.from_dict(blend.to_dict())
    assert again == blend
    assert isinstance(again.per_category[0], CategoryBlend)


def test_the_gate_sends_only_uncertain_comments_to_the_encoder():
    probs = np.array([[0.01, 0.02], [0.3, 0.01], [0.01, 0.995], [0.02, 0.6]])
    gate = Gate(low=0.05, high=0.99)
    assert gate.uncertain(CATS, probs).tolist() == [False, True, False, True]
    only_toxicity = Gate(low=0.05, high=0.99, categories=("toxicity",))
    assert only_toxicity.uncertain(CATS, probs).tolist() == [False, True, False, False]

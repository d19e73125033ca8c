import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from models import nblr


def _data() -> tuple[sp.csr_matrix, np.ndarray]:
    rng = np.random.default_rng(0)
    x = sp.random(200, 30, density=0.2, format="lil", random_state=1)
    y = (rng.random(200) < 0.5).astype(int)
    x[:, [0, 29]] = 0.0  # 29: a column no row uses
    x[np.flatnonzero(y), 0] = 1.0  # a column only positives use
    x = x.tocsr()
    x.eliminate_zeros()
    return x, y


def test_ratio_favours_positive_features_and_ignores_unused_ones() -> None:
    x, y = _data()
    r = nblr.log_count_ratio(x, y)
    assert r[0] > 1.0
    assert r[29] == 0.0


def test_folded_head_scores_exactly_like_the_model_on_scaled_features() -> None:
    x, y = _data()
    models = []

    def fit(xs, ys, ws):
        model = LogisticRegression(C=1.0).fit(xs, ys, sample_weight=ws)
        models.append((model, xs))
        return model.coef_[0], float(model.intercept_[0])

    coef, intercept = nblr.fit_folded(x, y, np.ones(y.size), fit)
    model, scaled = models[0]
    assert coef.shape == (30,) and coef[29] == 0.0
    np.testing.assert_allclose(x @ coef + intercept, model.decision_function(scaled), atol=1e-9)

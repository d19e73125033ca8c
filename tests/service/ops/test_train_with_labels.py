"""models train --with-labels: moderator decisions change the model, and say how much they weigh."""

from __future__ import annotations

import numpy as np

from models.registry import Registry
from service.storage import labels
from tests.helpers.apps import make_site
from tests.helpers.labelled_texts import APPROVED, REJECTED, labelled
from tests.helpers.ops import moderate


def _train(runner, *args: str, rows: int = 200) -> str:
    result = runner.invoke(
        args=["models", "train", "--max-rows", str(rows), "--gate-limit", "0", *args]
    )
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_moderator_labels_move_scores_toward_the_labels(app, runner, model_dir):
    site_id, _ = make_site(app)
    rejected, approved = labelled()
    moderate(app, site_id, [(t, "reject", "abuse") for t in rejected])
    moderate(app, site_id, [(t, "approve", None) for t in approved])

    plain = _train(runner)
    tuned = _train(runner, "--with-labels")

    registry = Registry(model_dir[0])
    used = registry.info(tuned)["training"]["moderator_labels"]
    assert used["rows"] == len(rejected) + len(approved) == 300
    assert used["weight"] == labels.SITE_LABEL_WEIGHT
    assert registry.info(plain)["training"]["moderator_labels"]["rows"] == 0
    # A topic no moderator saw: the change generalises beyond the labelled comments.
    unseen_rejected = [f.format(t="the tram line") for f in REJECTED]
    unseen_approved = [f.format(t="the tram line") for f in APPROVED]
    before, after = registry.load(plain), registry.load(tuned)
    tox = before.categories.index("toxicity")
    for texts, direction in (
        (rejected, +1),
        (approved, -1),
        (unseen_rejected, +1),
        (unseen_approved, -1),
    ):
        moved = (
            after.probabilities(texts)[:, tox].mean() - before.probabilities(texts)[:, tox].mean()
        )
        assert np.sign(moved) == direction, (texts[0], moved)


def test_train_does_not_activate_unless_asked(app, runner, model_dir):
    version = _train(runner, rows=30)
    active = runner.invoke(args=["models", "active"]).output.strip()
    assert active == model_dir[1] != version
    activated = _train(runner, "--activate", rows=30)
    assert runner.invoke(args=["models", "active"]).output.strip() == activated


def test_since_needs_with_labels(runner):
    result = runner.invoke(args=["models", "train", "--since", "2026-01-01"])
    assert result.exit_code == 2
    assert "--with-labels" in result.output

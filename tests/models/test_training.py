from pathlib import Path

import numpy as np

from models import datasets, training
from models.training import LabelledText, train


def test_metadata_records_sources_licences_and_fingerprint(small_result) -> None:
    meta = small_result.metadata
    assert meta["sources"] and len(meta["data_fingerprint"]) == 64
    for info in meta["sources"].values():
        assert info["licence_class"] in datasets.DEFAULT_LICENCES
        assert info["rows"]["train"] > 0
    assert meta["seed"] == 0 and "created_at" in meta


def test_evaluation_only_sets_are_not_trained_on(small_result) -> None:
    used = set(small_result.metadata["sources"])
    assert not used & {"ethos", "identity-bias-templates", "wikipedia-toxicity-sample"}
    assert not used & {"sfu-news-comments-toxicity", "jigsaw-toxic-mini"}


def test_metrics_per_category_and_source(small_result) -> None:
    test = small_result.metadata["metrics"]["test"]
    assert test["overall"]["toxicity"] > 0.7
    assert "jigsaw-toxic-binary-sample" in test["per_source"]


def test_licence_setting_limits_the_sources(data_dir: Path) -> None:
    result = train(data_dir, max_rows_per_source=100, licences={"copyleft", "share-alike"})
    assert set(result.metadata["sources"]) == {
        "jigsaw-toxic-binary-sample",
        "stormfront-hate-speech",
    }


def test_moderator_labels_are_used(data_dir: Path) -> None:
    extra = [LabelledText("zorblax wibbletrunk", {"toxicity": 1.0}, weight=5.0)] * 30
    result = train(data_dir, max_rows_per_source=100, licences=set(), extra_labels=extra)
    assert result.metadata["extra_labels"] == 30
    assert result.metadata["sources"] == {}


def test_offensive_head_is_folded_into_the_blended_categories_only(
    data_dir: Path, small_result, monkeypatch
) -> None:
    """Without the blend toxicity, insult and obscene weights move a lot, the others not at all.

    "Not at all" up to the solver's tolerance: the categories are fitted in threads that share
    liblinear's process-wide random generator, so two fits agree only to about 1e-5.
    """
    offensive = {**training.PARAMS["offensive"], "blend": {}}
    monkeypatch.setitem(training.PARAMS, "offensive", offensive)
    plain = train(data_dir, max_rows_per_source=400, seed=0).classifier
    blended = small_result.classifier
    for k, cat in enumerate(blended.categories):
        change = np.linalg.norm(blended.coef[:, k] - plain.coef[:, k])
        relative = change / np.linalg.norm(plain.coef[:, k])
        if cat in ("toxicity", "insult", "obscene"):
            assert relative > 0.05, cat
        else:
            assert relative < 1e-3, cat

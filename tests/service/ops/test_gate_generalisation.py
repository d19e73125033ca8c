"""The promote gate also compares the functional suite and the recipe's leave-one-source-out."""

from __future__ import annotations

import pytest

from models import gate
from models.evaluation.loso import recipe_params
from service.ops import model_ops
from tests.helpers.apps import DATA_DIR


def test_a_candidate_worse_on_the_functional_suite_is_refused() -> None:
    rows = gate.compare({"functional": 0.80}, {"functional": 0.85})
    assert rows[0]["failed"]
    assert not gate.compare({"functional": 0.845}, {"functional": 0.85})[0]["failed"]


def test_a_candidate_whose_recipe_generalises_worse_is_refused() -> None:
    assert gate.compare({"loso_mean": 0.74}, {"loso_mean": 0.75})[0]["failed"]
    assert not gate.compare({"loso_mean": 0.747}, {"loso_mean": 0.75})[0]["failed"]


def test_recorded_parameters_read_back_as_the_trainer_wants_them() -> None:
    params = {"word": {"ngram_range": [1, 2], "min_df": 2}, "C": {"toxicity": 1.0}}
    assert recipe_params(params)["word"]["ngram_range"] == (1, 2)


def test_the_full_gate_compares_recipes_and_keeps_the_figure(model_dir, tiny_version, monkeypatch):
    """Leave-one-source-out retrains, so it runs on full gates only and is kept per version."""
    from models.registry import Registry

    calls: list[dict] = []
    means = {model_dir[1]: 0.75, tiny_version: 0.70}

    def fake_recipe(params: dict, data_dir) -> dict[str, float]:
        calls.append(params)
        return {"loso_mean": means[current[0]]}

    current: list[str] = []
    real = model_ops.gate_figures

    def tracking(reg, version, data_dir, limit, recipe=False):
        current[:] = [version]
        return real(reg, version, data_dir, limit, recipe)

    monkeypatch.setattr(gate, "recipe_figures", fake_recipe)
    monkeypatch.setattr(model_ops, "gate_figures", tracking)
    monkeypatch.setattr(model_ops, "RECIPE_GATE_MIN_LIMIT", 200)
    reg = Registry(model_dir[0])
    with pytest.raises(model_ops.GateRefused) as refused:
        model_ops.check_gate(reg, tiny_version, model_dir[1], DATA_DIR, 200)
    failed = {r["figure"] for r in refused.value.failed}
    assert "loso_mean" in failed
    assert len(calls) == 2 and all("word" in p for p in calls)
    with pytest.raises(model_ops.GateRefused):
        model_ops.check_gate(reg, tiny_version, model_dir[1], DATA_DIR, 200)
    assert len(calls) == 2  # kept beside each version, not measured again


def test_quick_gates_leave_the_recipe_out(model_dir, tiny_version, monkeypatch) -> None:
    from models.registry import Registry

    def boom(params, data_dir):
        raise AssertionError("a quick gate must not retrain")

    monkeypatch.setattr(gate, "recipe_figures", boom)
    with pytest.raises(model_ops.GateRefused) as refused:
        model_ops.check_gate(Registry(model_dir[0]), tiny_version, model_dir[1], DATA_DIR, 200)
    assert "functional" in {r["figure"] for r in refused.value.rows}

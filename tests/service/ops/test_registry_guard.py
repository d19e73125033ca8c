"""Versions that cannot be loaded safely are refused by ops commands and never stop a worker."""

from __future__ import annotations

import json
import shutil

import pytest

from models.registry import Registry
from service.storage import model_state
from workers.runtime import ModelCache


@pytest.fixture
def mismatched(model_dir, tiny_version) -> str:
    """A copy of a version whose sidecar says it was saved with another scikit-learn."""
    root = model_dir[0]
    version = "2026-01-01T000000-bad001"
    shutil.copytree(root / tiny_version, root / version)
    sidecar = root / version / "model.json"
    info = json.loads(sidecar.read_text())
    info.update(version=version, libraries={**info["libraries"], "sklearn": "0.0.1"})
    sidecar.write_text(json.dumps(info))
    yield version
    shutil.rmtree(root / version)


@pytest.mark.parametrize("command", [["promote"], ["shadow"]])
def test_ops_refuse_a_version_saved_with_other_libraries(runner, model_dir, mismatched, command):
    result = runner.invoke(args=["models", *command, mismatched])
    assert result.exit_code == 1
    assert "saved with sklearn 0.0.1" in result.output
    assert runner.invoke(args=["models", "active"]).output.strip() == model_dir[1]


def test_worker_keeps_its_model_when_the_new_active_one_cannot_load(app, model_dir, mismatched):
    engine = app.extensions["db_engine"]
    cache = ModelCache(Registry(model_dir[0]), engine, refresh_seconds=0)
    assert cache.get()[0] == model_dir[1]
    with engine.begin() as conn:
        model_state.activate(conn, mismatched)  # e.g. `models activate` from an older install
    version, classifier = cache.get()
    assert version == model_dir[1] and classifier.score_one("hello")

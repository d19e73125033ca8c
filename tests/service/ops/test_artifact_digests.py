"""Each version's artifact sha256 is recorded in the database; a replaced artifact is refused
even when its sidecar was rewritten to match."""

from __future__ import annotations

import json
import logging
import shutil

import pytest

from models.catalogue import MODEL_FILE, SIDECAR_FILE, sha256
from models.registry import Registry
from service.storage import model_state
from workers.runtime import ModelCache


@pytest.fixture
def copied(model_dir, tiny_version) -> str:
    """A copy of the tiny version under an id of its own."""
    root = model_dir[0]
    version = "2026-02-02T000000-cafe01"
    shutil.copytree(root / tiny_version, root / version)
    sidecar = root / version / SIDECAR_FILE
    sidecar.write_text(json.dumps({**json.loads(sidecar.read_text()), "version": version}))
    yield version
    shutil.rmtree(root / version)


def _replace_artifact(model_dir, version: str) -> None:
    """What someone with write access to the model store does: another model in the file, and
    the sidecar's checksum rewritten to match it."""
    root, other = model_dir
    target = root / version
    shutil.copy(root / other / MODEL_FILE, target / MODEL_FILE)
    info = json.loads((target / SIDECAR_FILE).read_text())
    (target / SIDECAR_FILE).write_text(json.dumps({**info, "sha256": sha256(target / MODEL_FILE)}))


def _recorded(app, version: str) -> str | None:
    with app.extensions["db_engine"].connect() as conn:
        return model_state.artifact_digest(conn, version)


def test_activating_a_version_records_its_artifact_digest(app, runner, model_dir, copied):
    assert _recorded(app, copied) is None
    assert runner.invoke(args=["models", "activate", copied]).exit_code == 0
    assert _recorded(app, copied) == sha256(model_dir[0] / copied / MODEL_FILE)


def test_a_worker_refuses_a_replaced_artifact_and_keeps_its_model(
    app, runner, model_dir, copied, caplog
):
    engine = app.extensions["db_engine"]
    cache = ModelCache(Registry(model_dir[0]), engine, refresh_seconds=0)
    assert cache.get()[0] == model_dir[1]
    with engine.begin() as conn:
        model_state.record_digest(conn, copied, sha256(model_dir[0] / copied / MODEL_FILE))
    _replace_artifact(model_dir, copied)
    with engine.begin() as conn:
        model_state.activate(conn, copied)
    with caplog.at_level(logging.ERROR, logger="workers.runtime"):
        version, classifier = cache.get()
    assert version == model_dir[1] and classifier.score_one("hello")
    assert "recorded when the version was registered" in cache.error
    assert any("staying on" in r.getMessage() and copied in r.getMessage() for r in caplog.records)


def test_activate_and_promote_refuse_an_artifact_changed_since_it_was_recorded(
    app, runner, model_dir, copied
):
    assert runner.invoke(args=["models", "activate", copied]).exit_code == 0
    assert runner.invoke(args=["models", "activate", model_dir[1]]).exit_code == 0
    _replace_artifact(model_dir, copied)
    for command in (["activate", copied], ["promote", copied, "--force"]):
        result = runner.invoke(args=["models", *command])
        assert result.exit_code == 1, result.output
        assert "recorded when" in result.output
    assert runner.invoke(args=["models", "active"]).output.strip() == model_dir[1]
    # The recorded digest is never overwritten by the replaced file's.
    assert _recorded(app, copied) != sha256(model_dir[0] / copied / MODEL_FILE)


def test_training_a_version_records_its_artifact_digest(app, model_dir):
    from service.ops import model_ops
    from tests.helpers.apps import DATA_DIR

    options = model_ops.TrainOptions(data_dir=DATA_DIR, max_rows=30, gate_limit=0)
    version = model_ops.train_version(app.extensions["db_engine"], model_dir[0], options)
    try:
        assert _recorded(app, version) == sha256(model_dir[0] / version / MODEL_FILE)
    finally:
        shutil.rmtree(model_dir[0] / version)

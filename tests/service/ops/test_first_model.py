"""First use: the first version trained serves at once, and "no active model" says what fixes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from models.registry import Registry
from service.storage import db, model_state
from workers import ops_jobs, runtime

FIX = "flask --app service models train"


@pytest.fixture
def fresh(app: Flask, tmp_path: Path) -> Flask:
    """The app as on a fresh install: an empty model folder and no active version."""
    app.config["MODEL_DIR"] = str(tmp_path / "fresh-models")
    with app.extensions["db_engine"].begin() as conn:
        conn.execute(db.app_state.delete().where(db.app_state.c.key == model_state.ACTIVE_KEY))
    return app


def _active(app: Flask) -> str | None:
    with app.extensions["db_engine"].connect() as conn:
        return model_state.active_version(conn)


def _train(app: Flask, *extra: str):
    args = ["models", "train", "--max-rows", "30", "--gate-limit", "0", *extra]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout.strip().splitlines()[-1], result.stderr


def test_the_first_version_trained_becomes_active_and_later_ones_wait_for_promote(fresh):
    first, said = _train(fresh)
    assert _active(fresh) == first
    assert "no version was active" in said
    second, said = _train(fresh)
    assert second != first and _active(fresh) == first
    assert f"models promote {second}" in said


def test_a_training_job_on_a_fresh_install_activates_its_version(fresh):
    runtime.install(fresh)
    options = dict(with_labels=False, since=None, label_weight=1.0, seed=0, gate_limit=0)
    version = ops_jobs.train_version(data_dir=fresh.config["DATA_DIR"], max_rows=30, **options)
    assert _active(fresh) == version
    assert ops_jobs.train_version(data_dir=fresh.config["DATA_DIR"], max_rows=30, **options)
    assert _active(fresh) == version  # the second one waits for a promote


def test_every_no_active_model_message_names_the_command_that_fixes_it(fresh):
    result = fresh.test_cli_runner().invoke(args=["models", "active"])
    assert result.exit_code == 1 and FIX in result.stderr
    checks = fresh.test_client().get("/readyz").get_json()["checks"]
    assert checks["model"]["ok"] is False and FIX in checks["model"]["error"]
    cache = runtime.ModelCache(
        Registry(Path(fresh.config["MODEL_DIR"])), fresh.extensions["db_engine"], 5.0
    )
    with pytest.raises(RuntimeError, match=FIX):
        cache.get()
    site = fresh.test_cli_runner().invoke(args=["sites", "create", "Fresh News"])
    site_id = site.output.split("id ")[1].split(".")[0]
    simulate = fresh.test_cli_runner().invoke(
        args=["sites", "simulate", site_id, "--no-validation"]
    )
    assert simulate.exit_code == 1 and FIX in simulate.stderr

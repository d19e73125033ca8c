"""`flask --app service models train --encoder`: the encoder lands beside the linear version."""

from __future__ import annotations

from pathlib import Path

from models.encoder import artifacts


def test_train_with_encoder_writes_it_beside_the_new_version(app, runner, tiny_pretrained):
    result = runner.invoke(
        args=["models", "train", "--max-rows", "40", "--gate-limit", "0", "--encoder",
              "--time-budget", "5", "--encoder-weights", str(tiny_pretrained)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    version = result.stdout.strip().splitlines()[-1]
    version_dir = Path(app.config["MODEL_DIR"]) / version
    manifest = artifacts.info(version_dir)
    assert manifest is not None
    assert manifest["options"]["max_rows_per_source"] == 40
    assert manifest["options"]["time_budget_s"] == 5
    assert "encoder:" in result.stderr and "test ROC-AUC" in result.stderr
    scorer, blend, _ = artifacts.load(version_dir)
    assert scorer.logits(["hello there"]).shape == (1, len(blend.categories))


def test_the_time_budget_goes_with_encoder(app, runner):
    result = runner.invoke(args=["models", "train", "--time-budget", "60"])
    assert result.exit_code == 2
    assert "--encoder" in result.output


def test_encoder_training_is_not_queued_in_the_background(app, runner):
    result = runner.invoke(args=["models", "train", "--encoder", "--background"])
    assert result.exit_code == 2
    assert "foreground" in result.output

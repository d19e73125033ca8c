"""models promote (with the gate), rollback, list marks and prune."""

from __future__ import annotations

from models.registry import Registry
from tests.helpers.ops import GATE_LIMIT


def _active(runner) -> str:
    return runner.invoke(args=["models", "active"]).output.strip()


def test_promote_refuses_a_worse_version_and_names_the_failing_figures(
    runner, model_dir, tiny_version
):
    result = runner.invoke(args=["models", "promote", tiny_version, "--limit", GATE_LIMIT])
    assert result.exit_code == 1
    assert "not promoted" in result.output
    assert "auc:toxicity" in result.output and "tolerance" in result.output
    assert _active(runner) == model_dir[1]

    forced = runner.invoke(
        args=["models", "promote", tiny_version, "--limit", GATE_LIMIT, "--force"]
    )
    assert forced.exit_code == 0, forced.output
    assert _active(runner) == tiny_version


def test_promote_passes_a_version_that_is_not_worse(runner, model_dir, tiny_version):
    runner.invoke(args=["models", "activate", tiny_version])
    result = runner.invoke(args=["models", "promote", model_dir[1], "--limit", GATE_LIMIT])
    assert result.exit_code == 0, result.output
    assert "gate passed" in result.output
    assert _active(runner) == model_dir[1]


def test_rollback_returns_to_the_previous_version(runner, model_dir, tiny_version):
    runner.invoke(args=["models", "activate", tiny_version])
    result = runner.invoke(args=["models", "rollback"])
    assert result.exit_code == 0, result.output
    assert _active(runner) == model_dir[1]
    again = runner.invoke(args=["models", "rollback"])
    assert again.exit_code == 1
    assert "no previous active version" in again.output
    assert _active(runner) == model_dir[1]


def test_list_marks_active_shadow_and_previous(runner, model_dir, tiny_version):
    runner.invoke(args=["models", "activate", tiny_version])
    runner.invoke(args=["models", "activate", model_dir[1]])
    assert runner.invoke(args=["models", "shadow", tiny_version]).exit_code == 0
    lines = runner.invoke(args=["models", "list"]).output.strip().splitlines()
    marks = {line.split("\t")[0]: line.split("\t")[-1] for line in lines[1:]}
    assert marks[model_dir[1]] == "active"
    assert marks[tiny_version] == "shadow,previous"
    figures = {line.split("\t")[0]: line.split("\t")[2] for line in lines[1:]}
    assert float(figures[model_dir[1]]) > float(figures[tiny_version])


def test_prune_keeps_the_newest_and_the_active_shadow_and_rollback_versions(
    app, runner, model_dir, tiny_version
):
    from models.training import train
    from tests.helpers.apps import DATA_DIR

    registry = Registry(model_dir[0])
    spare = [registry.save(train(DATA_DIR, max_rows_per_source=30, seed=s)) for s in (1, 2)]
    runner.invoke(args=["models", "shadow", tiny_version])
    before = {info["version"] for info in registry.versions()}
    dry = runner.invoke(args=["models", "prune", "--keep", "1", "--dry-run"])
    assert f"would delete {spare[0]}" in dry.output and " would be deleted, " in dry.output
    assert {info["version"] for info in registry.versions()} == before  # nothing deleted
    result = runner.invoke(args=["models", "prune", "--keep", "1"])
    assert result.exit_code == 0, result.output
    left = {info["version"] for info in registry.versions()}
    # The newest spare is kept by --keep 1; the older one goes; active and shadow stay.
    assert {model_dir[1], tiny_version, spare[1]} <= left
    assert spare[0] not in left
    refused = runner.invoke(args=["models", "shadow", model_dir[1]])
    assert refused.exit_code == 1 and "active version" in refused.output


def test_activating_an_unknown_version_is_a_clear_error(runner) -> None:
    for version in ("nope", "2026-01-01T000000-abcdef"):
        result = runner.invoke(args=["models", "activate", version])
        assert result.exit_code == 1
        assert result.output.startswith("Error:"), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)

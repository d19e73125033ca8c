"""models evaluate V --against W: both reports on the same data and moderator labels."""

from __future__ import annotations

import json

from tests.helpers.apps import make_site
from tests.helpers.labelled_texts import labelled
from tests.helpers.ops import moderate


def test_evaluate_puts_two_versions_side_by_side_with_moderator_labels(
    app, runner, model_dir, tiny_version, tmp_path
):
    site_id, _ = make_site(app)
    rejected, approved = labelled()
    moderate(app, site_id, [(t, "reject", "abuse") for t in rejected[:20]])
    moderate(app, site_id, [(t, "approve", None) for t in approved[:20]])
    out = tmp_path / "reports"
    result = runner.invoke(
        args=[
            "models", "evaluate", tiny_version, "--against", model_dir[1],
            "--limit", "30", "--no-peer", "--out", str(out),
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0]
    assert header == f"| figure | {tiny_version} | {model_dir[1]} |"
    assert "| labels auc:toxicity |" in result.stdout
    for version in (tiny_version, model_dir[1]):
        report = json.loads((out / version / "report.json").read_text())
        met = sum(t["met"] is True for t in report["targets"])
        assert f"{version}: {met} of {len(report['targets'])} targets met" in result.stderr
    columns = json.loads((out / "comparison.json").read_text())
    assert set(columns) == {tiny_version, model_dir[1]}
    for version in columns:
        assert (out / version / "report.md").is_file()
        assert 0.0 <= columns[version]["labels auc:toxicity"] <= 1.0
    assert columns[model_dir[1]]["auc:toxicity"] > columns[tiny_version]["auc:toxicity"]


def test_evaluate_refuses_an_unknown_version(runner):
    result = runner.invoke(args=["models", "evaluate", "../../etc"])
    assert result.exit_code == 1 and "not a model version id" in result.output

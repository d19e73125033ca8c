import json
from pathlib import Path

import numpy as np

from models.evaluation import bias, evasion, spans, speed
from models.evaluation.report import evaluate
from models.normalize import normalize


def test_span_f1_follows_semeval_rules() -> None:
    assert spans.span_f1(set(), set()) == 1.0
    assert spans.span_f1({1}, set()) == 0.0
    assert spans.span_f1({1, 2}, {2, 3}) == 0.5


def test_power_mean_is_pulled_towards_the_worst() -> None:
    assert bias.power_mean([0.9, 0.9]) == 0.9 or abs(bias.power_mean([0.9, 0.9]) - 0.9) < 1e-12
    assert bias.power_mean([0.5, 1.0]) < 0.6


def test_bias_metrics_per_identity() -> None:
    texts = ["gay person is great", "gay person is awful", "tall person is great"] * 10
    texts += ["tall person is awful"] * 10
    y = np.array([0, 1, 0] * 10 + [1] * 10)
    p = y * 0.8 + 0.1
    m = bias.bias_metrics(texts, y, p, min_rows=5)
    assert m["per_identity"]["gay"]["bpsn_auc"] == 1.0
    assert m["combined"] == 1.0


def test_every_perturbation_survives_normalisation() -> None:
    text = "You are a stupid idiot"
    for kind in evasion.PERTURBATIONS:
        disguised = evasion.perturb(text, [(10, 22)], kind)
        assert disguised != text
        assert "stupid idiot" in normalize(disguised).text, kind


def test_speed_reports_throughput_and_latency(small_classifier) -> None:
    result = speed(small_classifier, ["hello there"] * 50, batch_size=10, singles=5)
    assert result["comments_per_second"] > 0 and result["single_median_ms"] > 0
    assert result["comments_per_cpu_second"] > 0


def test_report_is_written_without_the_peer(small_classifier, data_dir: Path, tmp_path) -> None:
    report = evaluate(small_classifier, data_dir, tmp_path, use_peer=False, limit=60)
    assert report["peer"] is None
    assert "not installed" in (tmp_path / "report.md").read_text()
    assert json.loads((tmp_path / "report.json").read_text())["per_source_auc"]

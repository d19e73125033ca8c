"""`evaluate` measures what a worker serves: the blend when the version has an encoder that
loads (with the linear model's figures beside it), the linear model alone otherwise."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from models.encoder import artifacts
from models.encoder.pipeline import EncoderTrainOptions, train_encoder
from models.evaluation import model_card
from models.evaluation.report import evaluate
from tests.helpers.encoder import TINY_TRAINING

QUICK = {"use_peer": False, "limit": 40, "loso": False}


@pytest.fixture(scope="module")
def version_dir(tmp_path_factory, tiny_pretrained, small_classifier, data_dir) -> Path:
    """A version folder with the tiny encoder, its blend leaning on the encoder alone so the
    served scores are visibly not the linear model's."""
    root = tmp_path_factory.mktemp("version")
    opts = EncoderTrainOptions(**TINY_TRAINING, pretrained_dir=tiny_pretrained)
    train_encoder(root, small_classifier, data_dir, opts, lambda s, f: None)
    path = artifacts.encoder_dir(root) / artifacts.MANIFEST
    doc = json.loads(path.read_text())
    for blend in doc["blend"].values():
        for c in blend["per_category"]:
            c.update(w_linear=0.0, w_encoder=4.0, bias=0.0, fitted=True)
    path.write_text(json.dumps(doc))
    return root


@pytest.fixture(scope="module")
def blended(version_dir, small_classifier, data_dir, tmp_path_factory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("report")
    report = evaluate(small_classifier, data_dir, out, version_dir=version_dir, **QUICK)
    return report, out


def test_a_version_with_an_encoder_is_measured_as_the_blend_it_serves(blended):
    report, out = blended
    assert report["scorer"]["name"] == "linear+encoder"
    assert report["scorer"]["encoder"]["variant"] == "int8"
    text = (out / "report.md").read_text()
    assert "Scorer measured: **linear+encoder**" in text
    assert "linear+encoder" in model_card.render(report)
    assert "retraining the encoder once per source is out of reach" not in text  # loso=False


def test_per_source_and_suite_show_linear_beside_the_blend(blended):
    report, out = blended
    rows = [v for cats in report["per_source_auc"].values() for v in cats.values()]
    assert rows and all("linear" in v for v in rows)
    assert any(abs(v["ours"] - v["linear"]) > 1e-3 for v in rows if v["linear"] is not None)
    suite = report["functional"]
    assert suite["linear"]["per_functionality"] != suite["ours"]["per_functionality"]
    text = (out / "report.md").read_text()
    assert "| linear only |" in text and "linear only pass rate" in text
    assert f"{suite['linear']['overall']:.1%}" in text


def test_speed_reports_each_tier_and_spans_stay_linear(
    blended, small_classifier, data_dir, tmp_path
):
    report, out = blended
    encoder = report["speed"]["encoder"]
    assert encoder["comments_per_cpu_second"] > 0 and encoder["encoder_share"] == 1.0
    assert report["speed"]["ours"]["comments_per_cpu_second"] > 0
    targets_named = {c["target"] for c in report["targets"]}
    assert any(t.startswith("encoder tier") for t in targets_named)
    assert "ours, encoder tier" in (out / "report.md").read_text()
    linear = evaluate(small_classifier, data_dir, tmp_path, **QUICK)
    assert report["span_f1"] == linear["span_f1"]


def test_a_version_without_an_encoder_reports_linear(small_classifier, data_dir, tmp_path):
    report = evaluate(small_classifier, data_dir, tmp_path / "r", version_dir=tmp_path, **QUICK)
    assert report["scorer"] == {"name": "linear", "note": None}
    assert report["speed"]["encoder"] is None and "linear" not in report["functional"]
    assert all("linear" not in v for c in report["per_source_auc"].values() for v in c.values())
    assert "Scorer measured: **linear**" in (tmp_path / "r" / "report.md").read_text()


def test_an_encoder_that_does_not_load_falls_back_to_linear_with_a_note(
    version_dir, small_classifier, data_dir, tmp_path
):
    copy = tmp_path / "v"
    shutil.copytree(version_dir, copy)
    (artifacts.encoder_dir(copy) / artifacts.FILES["int8"]).write_bytes(b"not a model")
    report = evaluate(small_classifier, data_dir, tmp_path / "r", version_dir=copy, **QUICK)
    assert report["scorer"]["name"] == "linear"
    assert "checksum" in report["scorer"]["note"]
    assert "the linear model measured alone" in (tmp_path / "r" / "report.md").read_text()

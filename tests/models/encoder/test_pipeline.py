"""`train_encoder` end to end with a tiny random "pretrained" encoder, on real training rows."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from models.encoder import artifacts
from models.encoder.blend import Gate, TwoTier, linear_logits
from models.encoder.pipeline import EncoderTrainOptions, train_encoder
from models.encoder.rows import load_rows
from tests.helpers.encoder import TINY_TRAINING


@pytest.fixture(scope="module")
def version_dir(tmp_path_factory, tiny_pretrained, small_classifier, data_dir):
    root = tmp_path_factory.mktemp("version")
    opts = EncoderTrainOptions(**TINY_TRAINING, pretrained_dir=tiny_pretrained)
    stages = []
    manifest = train_encoder(root, small_classifier, data_dir, opts, lambda s, f: stages.append(s))
    return root, manifest, stages


def test_training_writes_checksummed_artifacts_beside_the_version(version_dir):
    root, manifest, stages = version_dir
    files = sorted(p.name for p in artifacts.encoder_dir(root).iterdir())
    assert files == sorted([*artifacts.FILES.values(), artifacts.TOKENIZER, artifacts.MANIFEST])
    assert manifest["files"][artifacts.FILES["int8"]] == artifacts.sha256(
        artifacts.encoder_dir(root) / artifacts.FILES["int8"]
    )
    assert manifest["rows"]["train"] == 400
    assert manifest["fine_tune"]["steps"] == 25
    assert set(manifest["blend"]) == {"fp32", "int8"}
    assert stages[0] == "loading data" and stages[-1] == "done"
    assert not [p for p in root.iterdir() if p.name.startswith(".encoder-")]  # staging gone


def test_it_never_trains_on_evaluation_only_sources(version_dir, data_dir):
    from models import datasets

    _, manifest, _ = version_dir
    assert manifest["sources"]
    assert all(datasets.SOURCES[s].use in ("train", "negatives") for s in manifest["sources"])
    assert "ethos" not in manifest["sources"]
    evaluation_only = {
        ex.text
        for name, src in datasets.SOURCES.items()
        if src.use == "eval" and datasets.available(src, data_dir)
        for ex in datasets.load(name, data_dir, max_rows=200)
    }
    rows = load_rows(data_dir, max_rows_per_source=60)
    assert not evaluation_only & {r.text for r in rows.train}


def test_figures_cover_linear_encoder_and_blend(version_dir):
    _, manifest, _ = version_dir
    toxicity = manifest["test_auc"]["int8"]["toxicity"]
    assert set(toxicity) == {"linear", "encoder", "blend", "rows"}
    assert all(0.0 <= toxicity[k] <= 1.0 for k in ("linear", "encoder", "blend"))


def test_the_two_tiers_score_like_the_linear_model(version_dir, small_classifier):
    root, _, _ = version_dir
    scorer, blend, _ = artifacts.load(root)
    tiers = TwoTier(small_classifier, scorer, blend)
    texts = ["you are an idiot", "thanks for the article", "buy cheap pills at example.com"]
    scores = tiers.score(texts)
    assert [set(s) for s in scores] == [set(small_classifier.categories)] * 3
    assert all(0.0 <= v <= 1.0 for s in scores for v in s.values())
    assert tiers.stats.encoder_share == 1.0
    expected = blend.probabilities(linear_logits(small_classifier, texts), scorer.logits(texts))
    fitted = [k for k, c in enumerate(blend.per_category) if c.fitted]
    assert fitted
    np.testing.assert_allclose(tiers.probabilities(texts)[:, fitted], expected[:, fitted])
    assert tiers.evidence("you are an idiot", "insult") == small_classifier.evidence(
        "you are an idiot", "insult"
    )


def test_without_an_encoder_the_linear_model_scores_alone(small_classifier):
    texts = ["you are an idiot", "thanks for the article"]
    np.testing.assert_allclose(
        TwoTier(small_classifier).probabilities(texts), small_classifier.probabilities(texts)
    )


def test_the_gate_reports_the_share_sent_to_the_encoder(version_dir, small_classifier):
    root, _, _ = version_dir
    scorer, blend, _ = artifacts.load(root, variant="fp32")
    texts = ["you are an idiot", "thanks for the article", "what a lovely day", "shut up"] * 5
    gate = Gate(low=0.2, high=0.95)
    tiers = TwoTier(small_classifier, scorer, blend, gate)
    probs = tiers.probabilities(texts)
    linear = small_classifier.probabilities(texts)
    chosen = gate.uncertain(small_classifier.categories, linear)
    assert tiers.stats.encoder_share == chosen.mean()
    np.testing.assert_allclose(probs[~chosen], linear[~chosen])


def test_a_tampered_encoder_is_refused(version_dir, tmp_path):
    import shutil

    root, _, _ = version_dir
    copy = tmp_path / "v"
    shutil.copytree(root, copy)
    doc = json.loads((artifacts.encoder_dir(copy) / artifacts.MANIFEST).read_text())
    doc["files"][artifacts.FILES["int8"]] = "0" * 64
    (artifacts.encoder_dir(copy) / artifacts.MANIFEST).write_text(json.dumps(doc))
    with pytest.raises(artifacts.EncoderLoadError, match="checksum"):
        artifacts.load(copy)
    assert artifacts.info(tmp_path) is None


BLOCK_TRAINING_LIBRARIES = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in ("torch", "onnx", "safetensors"):
            raise ImportError("not installed: " + name)
sys.meta_path.insert(0, Block())
from pathlib import Path
from models.encoder import artifacts
scorer, blend, _ = artifacts.load(Path(sys.argv[1]))
print(scorer.logits(["hello there"]).shape)
"""


def test_serving_needs_neither_torch_nor_onnx(version_dir):
    """A serving-only install (requirements.txt) loads and scores the exported encoder."""
    import subprocess
    import sys

    root, _, _ = version_dir
    out = subprocess.run(
        [sys.executable, "-c", BLOCK_TRAINING_LIBRARIES, str(root)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "(1, 6)"


def test_a_worker_scores_a_version_with_its_encoder_blended_in(version_dir, small_classifier):
    from models.encoder.serving import with_encoder

    root, _, _ = version_dir
    tiers = with_encoder(small_classifier, root)
    assert isinstance(tiers, TwoTier)
    assert tiers.score_one("you are an idiot") == tiers.score(["you are an idiot"])[0]


def test_a_version_without_a_loadable_encoder_scores_with_the_linear_model(
    version_dir, small_classifier, tmp_path
):
    from models.encoder.serving import with_encoder

    assert with_encoder(small_classifier, tmp_path) is small_classifier
    root, _, _ = version_dir
    broken = tmp_path / "broken"
    shutil.copytree(root, broken)
    model = next((broken / "encoder").glob("*int8*.onnx"))
    model.write_bytes(model.read_bytes()[:-10])
    assert with_encoder(small_classifier, broken) is small_classifier

"""scripts/device_encoder's remote and attach halves with the tiny random "pretrained" encoder:
the weights come back in checked chunks and attach beside a local linear version."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from models.encoder import artifacts
from models.encoder.blend import TwoTier
from models.encoder.serving import with_encoder
from models.registry import Registry
from scripts import device_attach, device_bundle, device_chunks, device_remote
from tests.helpers.encoder import TINY_TRAINING


@pytest.fixture(scope="module")
def returned(tmp_path_factory, tiny_pretrained, small_result, data_dir) -> tuple[Path, dict]:
    """(the folder `remote` wrote, its manifest), from a bundle `prepare` wrote."""
    root = tmp_path_factory.mktemp("device")
    bundle = root / "bundle"
    device_bundle.prepare(data_dir, bundle, tiny_pretrained, wheels=False, limit=64 * 2**20)
    encoder = device_remote.encoder_options(**TINY_TRAINING, epochs=1.0)
    opt = device_remote.RemoteOptions(
        out=root / "out",
        bundle=bundle,
        work=root / "work",
        encoder=encoder,
        probe_rows=10,
        chunk_bytes=160 * 1024,  # several chunks even for the tiny encoder
        score_threads=1,
    )
    return opt.out, device_remote.run(opt, linear=small_result)


def _version(tmp_path: Path, result) -> tuple[Registry, str]:
    registry = Registry(tmp_path / "models")
    return registry, registry.save(result)


@pytest.fixture(scope="module")
def attached(returned, tmp_path_factory, small_result, data_dir, tiny_pretrained):
    out, _ = returned
    registry, version = _version(tmp_path_factory.mktemp("local"), small_result)
    doc = device_attach.attach(
        out, version, registry.root, data_dir, tiny_pretrained, calibration_rows=400, test_rows=300
    )
    return registry, version, doc


def test_remote_returns_few_flat_files_within_the_device_limits(returned):
    out, doc = returned
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert all(p.parent == out for p in files)
    assert len(files) <= device_remote.OUT_FILES
    assert all(p.stat().st_size <= 160 * 1024 for p in out.glob(device_chunks.PREFIX + "*"))
    chunks = [c["name"] for c in doc["weights"]["chunks"]]
    assert len(chunks) >= 2
    assert {device_remote.MANIFEST, device_remote.TABLE, device_remote.LOG, *chunks} == {
        p.name for p in files
    }
    assert set(doc["test_auc"]["int8"]["toxicity"]) == {"linear", "encoder", "blend", "rows"}
    assert doc["rows"]["train"] == 400 and doc["fine_tune"]["steps"] == 25


def test_attached_encoder_scores_the_logits_the_device_wrote(returned, attached):
    _, doc = returned
    registry, version, manifest = attached
    scorer, _, _ = artifacts.load(registry.root / version, variant="fp32")
    logits = scorer.logits(doc["probe"]["texts"])
    # The weights written are the fine-tuned ones rounded to fp16: the same logits as the
    # device's scored with those weights, and within fp16 rounding of the unrounded ones.
    np.testing.assert_allclose(logits, doc["probe"]["logits"], atol=1e-4)
    np.testing.assert_allclose(logits, doc["probe"]["logits_before_fp16"], atol=2e-2)
    assert manifest["fine_tune"] == doc["fine_tune"]
    assert manifest["trained_on"]["weights_sha256"] == doc["weights"]["sha256"]
    assert set(manifest["blend"]) == {"fp32", "int8"}


def test_the_service_scores_an_attached_version_with_both_tiers(attached, small_classifier):
    registry, version, _ = attached
    tiers = with_encoder(registry.load(version), registry.root / version)
    assert isinstance(tiers, TwoTier)
    assert set(tiers.score_one("you are an idiot")) == set(small_classifier.categories)


def test_a_chunk_with_a_bad_checksum_is_refused(
    returned, tmp_path, small_result, data_dir, tiny_pretrained
):
    out, doc = returned
    bad = tmp_path / "returned"
    shutil.copytree(out, bad)
    chunk = bad / doc["weights"]["chunks"][1]["name"]
    data = bytearray(chunk.read_bytes())
    data[100] ^= 0xFF
    chunk.write_bytes(bytes(data))
    registry, version = _version(tmp_path, small_result)
    with pytest.raises(device_attach.AttachError, match="sha256"):
        device_attach.attach(bad, version, registry.root, data_dir, tiny_pretrained)
    assert artifacts.info(registry.root / version) is None


def test_weights_from_another_tokenizer_are_refused(
    returned, tmp_path, small_result, data_dir, tiny_pretrained
):
    out, _ = returned
    other = tmp_path / "pretrained"
    shutil.copytree(tiny_pretrained, other)
    doc = json.loads((other / "tokenizer.json").read_text())
    doc["truncation"] = {"max_length": 7}  # not the file the device fine-tuned with
    (other / "tokenizer.json").write_text(json.dumps(doc))
    registry, version = _version(tmp_path, small_result)
    with pytest.raises(device_attach.AttachError, match="tokenizer"):
        device_attach.attach(out, version, registry.root, data_dir, other)
    assert artifacts.info(registry.root / version) is None


def test_weights_attach_when_measuring_on_the_device_failed(
    returned, tmp_path, small_result, data_dir, tiny_pretrained
):
    """The manifest written before exporting there is enough: attach measures here."""
    out, doc = returned
    early = tmp_path / "returned"
    shutil.copytree(out, early)
    first = {k: v for k, v in doc.items() if k not in ("blend", "test_auc", "linear")}
    first["rows"] = {"train": doc["rows"]["train"]}
    (early / device_remote.MANIFEST).write_text(
        json.dumps({**first, "measured": False}, default=str)
    )
    (early / device_remote.TABLE).unlink()
    registry, version = _version(tmp_path, small_result)
    manifest = device_attach.attach(early, version, registry.root, data_dir, tiny_pretrained)
    assert manifest["trained_on"]["test_auc_there"] is None
    assert set(manifest["test_auc"]) == {"fp32", "int8"}

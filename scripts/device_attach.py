"""The local half: put encoder weights fine-tuned on the device beside a local linear version.

The chunks are checked against the returned manifest, reassembled and loaded; the encoder must
score the manifest's probe sentences as it did on the device; then it is exported (fp32 and
int8 ONNX), its blend is fitted on validation rows against the LOCAL linear version, and it is
saved with models/encoder/artifacts.save, as `models train --encoder` would have saved it.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np

from models import datasets
from models.encoder import artifacts, pipeline, weights
from models.encoder.rows import load_rows
from models.registry import Registry
from scripts import device_bundle, device_chunks
from scripts.device_remote import MANIFEST

PROBE_TOLERANCE = 1e-3  # torch on the device vs torch here, the same fp16-rounded weights


class AttachError(Exception):
    """The returned files cannot be attached (checksums, categories, tokenizer, probes)."""


def load_model(folder: Path, doc: dict):
    """The MultiLabelEncoder the device wrote, from its checked chunks."""
    from models.encoder.bert import BertConfig, MultiLabelEncoder

    try:
        data = device_chunks.read(folder, doc["weights"])
    except device_chunks.ChecksumError as exc:
        raise AttachError(f"refusing the returned weights: {exc}") from exc
    model = MultiLabelEncoder(BertConfig.from_dict(doc["config"]), tuple(doc["categories"]))
    device_chunks.load_into(model, data)
    return model.eval()


def _options(doc: dict, overrides: dict) -> pipeline.EncoderTrainOptions:
    known = {f.name for f in dataclasses.fields(pipeline.EncoderTrainOptions)}
    given = {k: v for k, v in doc["options"].items() if k in known and k != "extra_labels"}
    return pipeline.EncoderTrainOptions(**{**given, **overrides})


def attach(
    folder: Path,
    version: str,
    models_dir: Path,
    data_dir: Path,
    pretrained_dir: Path | None = None,
    calibration_rows: int | None = 3000,
    test_rows: int | None = 3000,
    threads: int = 2,
) -> dict:
    """Write <models_dir>/<version>/encoder/ from the device's files; its manifest."""
    from models.encoder.finetune import torch_logits
    from models.encoder.tokens import load_tokenizer

    folder = Path(folder)
    doc = json.loads((folder / MANIFEST).read_text())
    model = load_model(folder, doc)
    registry = Registry(models_dir)
    classifier = registry.load(version)
    info = registry.info(version)
    if tuple(doc["categories"]) != tuple(classifier.categories):
        raise AttachError(f"categories {doc['categories']} are not the version's")
    pre = weights.locate(pretrained_dir)
    if device_bundle.sha256(pre.tokenizer) != doc["tokenizer_sha256"]:
        raise AttachError(f"{pre.tokenizer} is not the tokenizer the device fine-tuned with")
    tok = load_tokenizer(pre.tokenizer, doc["max_len"])
    probe = doc["probe"]
    here = torch_logits(model, tok, probe["texts"], doc["max_len"])
    drift = float(np.abs(here - np.array(probe["logits"], dtype=np.float32)).max())
    if drift > PROBE_TOLERANCE:
        raise AttachError(f"the encoder scores the probes {drift:.2g} off the device's logits")

    training = info.get("training", {})
    opt = _options(
        doc,
        {
            "max_rows_per_source": training.get("params", {}).get("max_rows_per_source"),
            "seed": training.get("seed", 0),
            "calibration_rows": calibration_rows,
            "test_rows": test_rows,
            "pretrained_dir": pretrained_dir,
            "threads": None,
            "device": None,
        },
    )
    rows = load_rows(data_dir, max_rows_per_source=opt.max_rows_per_source, seed=opt.seed)
    version_dir = registry.root / version
    staging = pipeline.export(model, tok, version_dir)
    calibrated = pipeline.calibrate(staging, classifier, rows, opt, threads)
    out = pipeline.manifest(
        model, doc["base_model"], opt, rows, doc["rows"]["train"], doc["fine_tune"], calibrated
    )
    local = datasets.fingerprint(Path(data_dir), rows.sources)
    out["train_seconds"] = doc["timings"]["total"]
    out["trained_on"] = {
        "machine": doc["machine"],
        "weights_sha256": doc["weights"]["sha256"],
        "test_auc_there": doc.get("test_auc"),  # absent when measuring there failed
        "timings": doc["timings"],
        "probe_max_abs_diff": drift,
        "data_fingerprint": doc["bundle"]["data_fingerprint"],
        "same_data_as_here": doc["bundle"]["data_fingerprint"] == local,
        "same_data_as_version": doc["bundle"]["data_fingerprint"] == info.get("data_fingerprint"),
    }
    artifacts.save(staging, version_dir, out)
    return artifacts.info(version_dir)

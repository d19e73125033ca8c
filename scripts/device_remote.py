"""The device half: fine-tune the encoder from .device/ and write what comes back under --out.

The linear model trains in a second process (CPU) while the encoder fine-tunes (GPU when there
is one), both on the carried data; the encoder's test ROC-AUC beside the linear model's is
measured with the same code as `models train --encoder` (models/encoder/pipeline.py). What
comes back: the weights as fp16 chunks (scripts/device_chunks.py), manifest.json, test_auc.md
and remote.log, within the device tool's limits on returned files.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from models.categories import CATEGORIES
from models.encoder import pipeline
from models.encoder.rows import load_rows, subsample
from models.training import TrainingResult, train
from scripts import device_bundle, device_chunks

log = logging.getLogger("device_encoder")

MANIFEST = "manifest.json"
TABLE = "test_auc.md"
LOG = "remote.log"
# What the device tool returns: at most 8 files, 16 MiB each, 64 MiB together, flat names here.
OUT_FILES, OUT_FILE_BYTES, OUT_BYTES = 8, 16 * 2**20, 64 * 2**20

# Sentences the attached encoder must score as the fine-tuned one did (plus some test rows).
PROBES = (
    "you are an idiot",
    "thanks for the article, very clear",
    "somebody ought to shoot him",
    "they are vermin, all of them",
    "I don't think he is stupid at all",
    "buy cheap pills at example.com",
)


@dataclass
class RemoteOptions:
    out: Path
    bundle: Path = device_bundle.BUNDLE
    work: Path = Path("/tmp/device-encoder")
    encoder: pipeline.EncoderTrainOptions = field(
        default_factory=lambda: pipeline.EncoderTrainOptions(max_len=128, batch_size=64, epochs=3.0)
    )
    probe_rows: int = 58
    chunk_bytes: int = device_chunks.CHUNK_BYTES
    score_threads: int = 8  # ONNX Runtime threads for the test figures


def _logging(out: Path) -> logging.Handler:
    handler = logging.FileHandler(out / LOG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    if not any(isinstance(h, logging.StreamHandler) for h in logging.getLogger().handlers):
        logging.basicConfig(level=logging.WARNING)
    return handler


def _progress(every: float = 0.05):
    shown = [-1.0]

    def say(stage: str, frac: float) -> None:
        if frac - shown[0] >= every or frac >= 1.0 > shown[0]:
            shown[0] = frac
            log.info("%s %3.0f%%", stage, 100 * frac)

    return say


def _device_name(device: str) -> str:
    import torch

    if device.startswith("cuda") and torch.cuda.is_available():
        name = torch.cuda.get_device_name(0)
    else:
        name = platform.processor() or platform.machine()
    return f"{name}, Python {platform.python_version()}, torch {torch.__version__}"


def auc_markdown(figures: dict) -> str:
    lines = []
    for variant, table in figures.items():
        lines += [f"## {variant}", "", "| category | rows | linear | encoder | blend |"]
        lines.append("|---|---|---|---|---|")
        for cat, row in table.items():
            lines.append(
                f"| {cat} | {row['rows']} | {row['linear']:.4f} | {row['encoder']:.4f} "
                f"| {row['blend']:.4f} |"
            )
        lines.append("")
    return "\n".join(lines)


def check_out(out: Path) -> dict:
    """Sizes under `out`; SystemExit when they break the limits on what a call hands back."""
    files = sorted(p for p in out.rglob("*") if p.is_file())
    nested = [p for p in files if p.parent != out]
    sizes = {p.name: p.stat().st_size for p in files}
    total = sum(sizes.values())
    too_big = max(sizes.values(), default=0) > OUT_FILE_BYTES or total > OUT_BYTES
    if nested or len(files) > OUT_FILES or too_big:
        raise SystemExit(f"{out} breaks the limits on returned files: {sizes}")
    return {"files": len(files), "bytes": total}


def _write(path: Path, doc: dict) -> None:
    path.write_text(json.dumps(doc, indent=2, default=str))


def run(opt: RemoteOptions, linear: TrainingResult | None = None) -> dict:
    """Fine-tune, measure, write the files to return; the manifest. `linear`: already trained."""
    from models.encoder.finetune import fine_tune, torch_logits

    out = Path(opt.out)
    out.mkdir(parents=True, exist_ok=True)
    handler = _logging(out)
    enc = opt.encoder
    timings: dict[str, float] = {}
    started = last = time.monotonic()

    def lap(name: str) -> None:
        nonlocal last
        now = time.monotonic()
        timings[name] = round(now - last, 1)
        last = now
        log.info("%s: %.1f s", name, timings[name])

    try:
        bundle = device_bundle.check(opt.bundle)
        site = device_bundle.install_wheels(opt.bundle, opt.work)
        log.info("bundle checked: %d sources; wheels in %s", len(bundle["sources"]), site)
        data_dir = device_bundle.unpack(opt.bundle, opt.work)
        lap("unpack")
        pool = None
        if linear is None:
            # Its own process, started before CUDA is touched: the CPU trains it meanwhile.
            pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            pending = pool.submit(
                train, data_dir, max_rows_per_source=enc.max_rows_per_source, seed=enc.seed
            )
        rows = load_rows(data_dir, max_rows_per_source=enc.max_rows_per_source, seed=enc.seed)
        train_rows = subsample(rows.train, enc.max_train_rows, enc.seed)
        enc.pretrained_dir = Path(opt.bundle) / device_bundle.PRETRAINED
        model, tok, pre = pipeline.base_model(enc, CATEGORIES)
        log.info("fine-tuning on %d of %d training rows", len(train_rows), len(rows.train))
        lap("rows")
        report = fine_tune(
            model, tok, train_rows, pipeline.fine_tune_options(enc), _progress()
        ).to_dict()
        log.info("fine-tune: %s", report)
        lap("fine_tune")

        probe_texts = [*PROBES, *(r.text for r in subsample(rows.test, opt.probe_rows, 1))]
        before = torch_logits(model, tok, probe_texts, enc.max_len)
        data = device_chunks.fp16_bytes(model)
        weights = device_chunks.write(data, out, opt.chunk_bytes)
        if len(weights["chunks"]) + 3 > OUT_FILES:  # + manifest, table and log
            raise SystemExit(f"{len(weights['chunks'])} weight chunks: too many files to return")
        device_chunks.load_into(model, data)  # from here on, exactly the weights sent back
        after = torch_logits(model, tok, probe_texts, enc.max_len)
        lap("weights")
        # What attach needs, written now: should exporting or measuring fail here, the weights
        # can still be attached (and measured) at home.
        doc = pipeline.manifest(model, pre.name, enc, rows, len(train_rows), report, None)
        doc.update(
            {
                "tokenizer_sha256": device_bundle.sha256(pre.tokenizer),
                "weights": weights,
                "probe": {
                    "texts": probe_texts,
                    "logits": after.round(6).tolist(),
                    "logits_before_fp16": before.round(6).tolist(),
                    "fp16_max_abs_change": float(abs(after - before).max()),
                },
                "bundle": {k: bundle[k] for k in ("sources", "data_fingerprint", "wheels")},
                "machine": {"device": _device_name(report["device"])},
                "measured": False,
                "timings": {**timings, "total": round(time.monotonic() - started, 1)},
            }
        )
        _write(out / MANIFEST, doc)

        staging = pipeline.export(model, tok, opt.work)
        if linear is None:
            log.info("waiting for the linear model")
            linear = pending.result()
            pool.shutdown()
        lap("export")
        calibrated = pipeline.calibrate(staging, linear.classifier, rows, enc, opt.score_threads)
        lap("calibrate")
        (out / TABLE).write_text(auc_markdown(calibrated.figures))
        doc.update(
            pipeline.manifest(model, pre.name, enc, rows, len(train_rows), report, calibrated)
        )
        doc["linear"] = {
            "data_fingerprint": linear.metadata.get("data_fingerprint"),
            "train_seconds": linear.metadata.get("train_seconds"),
        }
        doc["measured"] = True
        doc["timings"] = {**timings, "total": round(time.monotonic() - started, 1)}
        _write(out / MANIFEST, doc)
        log.info("test ROC-AUC measured here:\n%s", auc_markdown(calibrated.figures))
        log.info("wrote %s (total %.1f s)", check_out(out), doc["timings"]["total"])
        return doc
    except BaseException:
        log.exception("remote failed")
        raise
    finally:
        log.removeHandler(handler)
        handler.close()


def encoder_options(**given) -> pipeline.EncoderTrainOptions:
    """The remote defaults (full size: every row, 128 tokens, 3 epochs) with `given` on top."""
    base = asdict(RemoteOptions(out=Path(".")).encoder)
    base.update({k: v for k, v in given.items() if v is not None})
    return pipeline.EncoderTrainOptions(**base)

"""Fine-tune, export, calibrate and measure an encoder for one linear version.

    from models.encoder.pipeline import EncoderTrainOptions, train_encoder
    manifest = train_encoder(registry.root / version, registry.load(version), data_dir)

The encoder is trained on the linear model's training rows (models/encoder/rows.py), the blend
is fitted on validation rows scored by both tiers, and the in-source test rows give ROC-AUC per
category for the linear model, the encoder and the blend. Needs requirements-train.txt.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from models.categories import CATEGORIES
from models.encoder import artifacts, weights
from models.encoder.blend import Blend, linear_logits
from models.encoder.rows import Rows, label_matrix, load_rows, subsample
from models.training import LabelledText

Progress = Callable[[str, float], None]


@dataclass
class EncoderTrainOptions:
    max_rows_per_source: int | None = None
    max_train_rows: int | None = None  # a subset of the training rows (None: all)
    calibration_rows: int | None = 3000  # validation rows the blend is fitted on
    test_rows: int | None = 3000  # in-source test rows measured
    time_budget_s: float | None = None  # for the fine-tuning loop
    max_len: int = 64
    batch_size: int = 32
    epochs: float = 1.0
    learning_rate: float = 5e-5
    seed: int = 0
    device: str | None = None
    threads: int | None = None
    pretrained_dir: Path | None = None  # None: the installed weights package
    serve: str = "int8"
    extra_labels: Sequence[LabelledText] = field(default_factory=tuple)


def _stage(say: Progress, lo: float, hi: float) -> Progress:
    return lambda stage, frac: say(stage, lo + (hi - lo) * frac)


def auc_table(
    labels: np.ndarray, scores: dict[str, np.ndarray], categories: Sequence[str] = CATEGORIES
) -> dict[str, dict[str, float | None]]:
    """ROC-AUC per category for each named (n, k) score matrix, on rows with that label."""
    out: dict[str, dict[str, float | None]] = {}
    for k, cat in enumerate(categories):
        known = ~np.isnan(labels[:, k])
        y = labels[known, k]
        if len(np.unique(y)) < 2:
            continue
        out[cat] = {name: float(roc_auc_score(y, s[known, k])) for name, s in scores.items()}
        out[cat]["rows"] = int(known.sum())
    return out


@dataclass
class Calibrated:
    """The blends and test ROC-AUC of each exported variant, and the rows they came from."""

    blends: dict[str, dict]
    figures: dict[str, dict]
    validation_rows: int
    test_rows: int


def base_model(opt: EncoderTrainOptions, categories: Sequence[str]):
    """(MultiLabelEncoder with the pretrained weights, its tokenizer, the Pretrained files)."""
    from models.encoder.bert import BertConfig, MultiLabelEncoder, load_pretrained
    from models.encoder.tokens import load_tokenizer

    pre = weights.locate(opt.pretrained_dir)
    model = MultiLabelEncoder(BertConfig.from_file(pre.config), tuple(categories))
    load_pretrained(model, pre.weights)
    return model, load_tokenizer(pre.tokenizer, opt.max_len), pre


def fine_tune_options(opt: EncoderTrainOptions):
    from models.encoder.finetune import FineTuneOptions

    return FineTuneOptions(
        max_len=opt.max_len,
        batch_size=opt.batch_size,
        epochs=opt.epochs,
        learning_rate=opt.learning_rate,
        time_budget_s=opt.time_budget_s,
        seed=opt.seed,
        device=opt.device,
        threads=opt.threads,
    )


def export(model, tokenizer, version_dir: Path) -> Path:
    """A staging folder inside `version_dir` with the fp32 and int8 ONNX files and the tokenizer."""
    from models.encoder.export import export_onnx, quantise_int8

    staging = Path(tempfile.mkdtemp(prefix=".encoder-", dir=Path(version_dir)))
    export_onnx(model, staging / artifacts.FILES["fp32"])
    quiet = logging.getLogger().level
    logging.getLogger().setLevel(logging.ERROR)  # quantize_dynamic's pre-processing advice
    try:
        quantise_int8(staging / artifacts.FILES["fp32"], staging / artifacts.FILES["int8"])
    finally:
        logging.getLogger().setLevel(quiet)
    tokenizer.save(str(staging / artifacts.TOKENIZER))
    return staging


def calibrate(
    staging: Path, classifier, rows: Rows, opt: EncoderTrainOptions, threads: int = 2
) -> Calibrated:
    """Fit each variant's blend on validation rows; ROC-AUC of both tiers and the blend on test."""
    from models.encoder.scorer import EncoderScorer

    cats = classifier.categories
    val = subsample(rows.validation, opt.calibration_rows, opt.seed)
    test = subsample(rows.test, opt.test_rows, opt.seed)
    val_texts, test_texts = [r.text for r in val], [r.text for r in test]
    lin_val, lin_test = linear_logits(classifier, val_texts), linear_logits(classifier, test_texts)
    y_val, y_test = label_matrix(val, cats), label_matrix(test, cats)
    blends, figures = {}, {}
    for variant, name in artifacts.FILES.items():
        scorer = EncoderScorer(
            staging / name, staging / artifacts.TOKENIZER, cats, opt.max_len, threads=threads
        )
        enc_val, enc_test = scorer.logits(val_texts), scorer.logits(test_texts)
        blend = Blend.fit(cats, lin_val, enc_val, y_val)
        blends[variant] = blend.to_dict()
        figures[variant] = auc_table(
            y_test,
            {"linear": lin_test, "encoder": enc_test, "blend": blend.logits(lin_test, enc_test)},
            cats,
        )
    return Calibrated(blends, figures, len(val), len(test))


def manifest(
    model,
    base_name: str,
    opt: EncoderTrainOptions,
    rows: Rows,
    train_rows: int,
    report: dict,
    calibrated: Calibrated | None,
) -> dict:
    """What encoder.json records (artifacts.save adds the checksums and library versions);
    without `calibrated`, all but the blends and figures."""
    doc = {
        "base_model": base_name,
        "config": model.config.to_dict(),
        "categories": list(model.categories),
        "max_len": opt.max_len,
        "serve": opt.serve,
        "sources": rows.sources,
        "rows": {"train": train_rows},
        "fine_tune": report,
        "options": {k: v for k, v in asdict(opt).items() if k != "extra_labels"},
        "extra_labels": len(opt.extra_labels),
    }
    if calibrated is not None:
        doc["rows"]["validation"] = calibrated.validation_rows
        doc["rows"]["test"] = calibrated.test_rows
        doc["blend"] = calibrated.blends
        doc["test_auc"] = calibrated.figures
    return doc


def train_encoder(
    version_dir: Path,
    classifier,
    data_dir: Path,
    options: EncoderTrainOptions | None = None,
    progress: Progress | None = None,
) -> dict:
    """Write <version_dir>/encoder/ and return its manifest."""
    from models.encoder.finetune import fine_tune

    opt = options or EncoderTrainOptions()
    say = progress or (lambda stage, frac: None)
    started = time.time()
    say("loading data", 0.0)
    rows = load_rows(
        data_dir,
        max_rows_per_source=opt.max_rows_per_source,
        extra_labels=opt.extra_labels,
        seed=opt.seed,
    )
    train_rows = subsample(rows.train, opt.max_train_rows, opt.seed)
    model, tok, pre = base_model(opt, classifier.categories)
    report = fine_tune(model, tok, train_rows, fine_tune_options(opt), _stage(say, 0.05, 0.8))
    say("exporting", 0.8)
    staging = export(model, tok, version_dir)
    say("calibrating", 0.85)
    calibrated = calibrate(staging, classifier, rows, opt)
    say("saving", 0.98)
    doc = manifest(model, pre.name, opt, rows, len(train_rows), report.to_dict(), calibrated)
    doc["train_seconds"] = round(time.time() - started, 1)
    artifacts.save(staging, Path(version_dir), doc)
    say("done", 1.0)
    return artifacts.info(version_dir)

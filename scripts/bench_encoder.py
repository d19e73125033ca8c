"""The encoder tier, measured: scoring speed and memory, and a real fine-tune of all-MiniLM-L6-v2.

    # Fine-tune on the linear model's training rows (a subset per source), then ROC-AUC on
    # evaluation-only sources that no model here trains on; the artifacts stay in --out.
    nice -n 19 python -m scripts.bench_encoder finetune --time-budget 600 --out /tmp/enc
    # Comments per second per core (one thread, batches of 32), fp32 vs int8, 64 vs 128
    # tokens, and the resident memory of a scoring process; each in a fresh process.
    python -m scripts.bench_encoder speed --encoder-dir /tmp/enc/encoder

"Per core" is comments per CPU-second of the scoring process (one ONNX Runtime thread), so
other load on a shared machine does not lower it; wall-clock rates are printed beside.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DEFAULT_DATA = Path(
    os.environ.get("MODERATION_DATA_DIR", Path(__file__).parents[2] / "shared/data")
)
# Sources no model here trains on (datasets.py: use "eval"); the bias templates are left out
# (synthetic sentences, judged by the bias report instead).
HELD_OUT = ("ethos", "sfu-news-comments-toxicity", "wikipedia-toxicity-sample")


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sample_texts(data_dir: Path, n: int, seed: int = 0) -> list[str]:
    """Validation comments of the training sources (never trained on), a fixed sample."""
    from models.encoder.rows import load_rows, subsample

    return [r.text for r in subsample(load_rows(data_dir).validation, n, seed)]


# --- speed ------------------------------------------------------------------------------


def speed_one(args: argparse.Namespace) -> None:
    """One configuration in this (fresh) process; prints one JSON line."""
    base = _rss_mb()
    from models.encoder.scorer import EncoderScorer

    texts = json.loads(Path(args.texts).read_text())
    scorer = EncoderScorer(
        Path(args.onnx), Path(args.tokenizer), ["c"] * args.outputs, args.max_len, args.batch, 1
    )
    loaded = _rss_mb()
    scorer.logits(texts[:64])  # warm-up
    wall, cpu = time.perf_counter(), time.process_time()
    scorer.logits(texts)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    from models.encoder.tokens import lengths as token_lengths

    lengths = token_lengths(scorer.tokenizer, texts)
    print(
        json.dumps(
            {
                "comments": len(texts),
                "per_core": len(texts) / cpu,
                "wall_rate": len(texts) / wall,
                "mean_tokens": float(np.mean(lengths)),
                "rss_before_mb": base,
                "rss_loaded_mb": loaded,
                "peak_rss_mb": _peak_mb(),
            }
        )
    )


def linear_speed(texts: list[str], model) -> float:
    """Comments per CPU-second of the linear tier in batches of 32 (for comparison)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        model.probabilities(texts[:64])
        cpu = time.process_time()
        for s in range(0, len(texts), 32):
            model.probabilities(texts[s : s + 32])
        return len(texts) / (time.process_time() - cpu)


def speed(args: argparse.Namespace) -> None:
    from models.encoder import artifacts

    enc = Path(args.encoder_dir) if args.encoder_dir else _pretrained_export()
    manifest = json.loads((enc / artifacts.MANIFEST).read_text()) if args.encoder_dir else {}
    outputs = len(manifest.get("categories", range(6)))
    texts = sample_texts(Path(args.data), args.rows)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(texts, fh)
    print(f"{len(texts)} validation comments, batches of {args.batch}, one thread per process")
    print(f"{'variant':8} {'tokens':>6} {'mean':>5} {'per core/s':>10} {'wall/s':>7} "
          f"{'base MB':>7} {'RSS MB':>7} {'peak MB':>7} {'model MB':>8}")  # fmt: skip
    for variant in ("fp32", "int8"):
        onnx = enc / artifacts.FILES[variant]
        for max_len in (64, 128):
            cmd = [sys.executable, "-m", "scripts.bench_encoder", "_speed_one", "--onnx", str(onnx),
                   "--tokenizer", str(enc / artifacts.TOKENIZER), "--texts", fh.name,
                   "--max-len", str(max_len), "--batch", str(args.batch),
                   "--outputs", str(outputs)]  # fmt: skip
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(
                f"{variant:8} {max_len:>6} {r['mean_tokens']:>5.1f} {r['per_core']:>10.1f} "
                f"{r['wall_rate']:>7.1f} {r['rss_before_mb']:>7.0f} {r['rss_loaded_mb']:>7.0f} "
                f"{r['peak_rss_mb']:>7.0f} "
                f"{onnx.stat().st_size / 2**20:>8.1f}"
            )
    os.unlink(fh.name)
    if args.linear_model:
        print(f"linear tier: {linear_speed(texts, _load_linear(args.linear_model)):.0f} per core/s")


def _pretrained_export() -> Path:
    """all-MiniLM-L6-v2 with an untrained head, exported (the speed does not depend on it)."""
    from models.categories import CATEGORIES
    from models.encoder import artifacts, weights
    from models.encoder.bert import BertConfig, MultiLabelEncoder, load_pretrained
    from models.encoder.export import export_onnx, quantise_int8

    pre = weights.locate()
    model = MultiLabelEncoder(BertConfig.from_file(pre.config), CATEGORIES)
    load_pretrained(model, pre.weights)
    out = Path(tempfile.mkdtemp(prefix="bench-encoder-"))
    export_onnx(model, out / artifacts.FILES["fp32"])
    quantise_int8(out / artifacts.FILES["fp32"], out / artifacts.FILES["int8"])
    (out / artifacts.TOKENIZER).write_bytes(pre.tokenizer.read_bytes())
    return out


# --- fine-tune and held-out ROC-AUC -------------------------------------------------------


def _load_linear(spec: str):
    """A linear version from 'REGISTRY_DIR/VERSION'."""
    from models.registry import Registry

    path = Path(spec)
    return Registry(path.parent).load(path.name)


def held_out_rows(data_dir: Path, limit: int | None = None) -> dict[str, list]:
    from models import datasets
    from models.training import LabelledText

    out = {}
    for name in HELD_OUT:
        src = datasets.SOURCES[name]
        assert src.use == "eval", name
        if datasets.available(src, data_dir):
            rows = datasets.load(name, data_dir, max_rows=limit)
            out[name] = [LabelledText(e.text, e.labels, 1.0, name) for e in rows]
    return out


def finetune(args: argparse.Namespace) -> None:
    from models.encoder import artifacts
    from models.encoder.blend import Gate, linear_logits
    from models.encoder.pipeline import EncoderTrainOptions, auc_table, train_encoder
    from models.encoder.rows import label_matrix
    from models.training import train

    started = time.time()
    data_dir = Path(args.data)
    out = Path(args.out or tempfile.mkdtemp(prefix="bench-encoder-"))
    out.mkdir(parents=True, exist_ok=True)
    print(
        f"linear model on the same rows (max {args.max_rows_per_source} per source) ...", flush=True
    )
    linear = train(data_dir, max_rows_per_source=args.max_rows_per_source, seed=0)
    print(f"  {linear.metadata['train_seconds']} s", flush=True)
    last = [-1]

    def progress(stage: str, frac: float) -> None:
        pct = int(frac * 100)
        if pct // 5 != last[0] // 5:
            last[0] = pct
            bar = "#" * (pct // 5)
            print(f"  [{bar:<20}] {pct:3d}% {stage} ({time.time() - started:.0f} s)", flush=True)

    opts = EncoderTrainOptions(
        max_rows_per_source=args.max_rows_per_source,
        calibration_rows=args.calibration_rows,
        test_rows=args.test_rows,
        time_budget_s=args.time_budget,
        max_len=args.max_len,
        learning_rate=args.learning_rate,
        threads=args.threads,
    )
    manifest = train_encoder(out, linear.classifier, data_dir, opts, progress)
    print(json.dumps({"fine_tune": manifest["fine_tune"], "rows": manifest["rows"]}, indent=1))
    print("in-source test ROC-AUC (int8):")
    for cat, row in manifest["test_auc"]["int8"].items():
        print(f"  {cat:16} linear {row['linear']:.3f}  encoder {row['encoder']:.3f}  "
              f"blend {row['blend']:.3f}  ({row['rows']} rows)")  # fmt: skip

    today = _load_linear(args.linear_model) if args.linear_model else None
    cats = linear.classifier.categories
    gates = [Gate(low=float(x)) for x in args.gate_lows.split(",")]
    print("held-out evaluation-only sources, ROC-AUC (gated@L: encoder only where a linear")
    print("probability is at least L; share: comments the encoder scores at that L):")
    for variant in ("int8", "fp32"):
        scorer, blend, _ = artifacts.load(out, variant=variant, threads=args.threads)
        for name, rows in held_out_rows(data_dir, args.held_out_rows).items():
            texts = [r.text for r in rows]
            y = label_matrix(rows, cats)
            lin = linear_logits(linear.classifier, texts)
            enc = scorer.logits(texts)
            blended = blend.logits(lin, enc)
            scores = {"linear": lin, "encoder": enc, "blend": blended}
            if today is not None:
                scores["today"] = linear_logits(today, texts)
            shares = []
            for g in gates:
                chosen = g.uncertain(cats, 1 / (1 + np.exp(-lin)))
                scores[f"gated@{g.low}"] = np.where(chosen[:, None], blended, lin)
                shares.append(f"{chosen.mean():.0%}@{g.low}")
            for cat, row in auc_table(y, scores, cats).items():
                cols = "  ".join(f"{k} {row[k]:.3f}" for k in scores)
                print(f"  {variant} {name:27} {cat:15} {cols}  ({row['rows']} rows)")
            print(f"  {variant} {name:27} encoder share {' '.join(shares)}")
    print(f"peak RSS {_peak_mb():.0f} MB; wall {time.time() - started:.0f} s; artifacts in {out}")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("speed")
    s.add_argument("--encoder-dir", help="<version>/encoder of a fine-tune (default: pretrained)")
    s.add_argument("--data", default=str(DEFAULT_DATA))
    s.add_argument("--rows", type=int, default=1000)
    s.add_argument("--batch", type=int, default=32)
    s.add_argument("--linear-model", help="REGISTRY_DIR/VERSION, to print its speed too")
    o = sub.add_parser("_speed_one")
    for flag in ("--onnx", "--tokenizer", "--texts"):
        o.add_argument(flag, required=True)
    o.add_argument("--max-len", type=int, default=64)
    o.add_argument("--batch", type=int, default=32)
    o.add_argument("--outputs", type=int, default=6)
    f = sub.add_parser("finetune")
    f.add_argument("--data", default=str(DEFAULT_DATA))
    f.add_argument("--out", help="directory that receives encoder/ (default: a temporary one)")
    f.add_argument("--max-rows-per-source", type=int, default=2000)
    f.add_argument("--time-budget", type=float, default=600.0, help="fine-tuning seconds")
    f.add_argument("--max-len", type=int, default=64)
    f.add_argument("--learning-rate", type=float, default=8e-5)
    f.add_argument("--calibration-rows", type=int, default=2000)
    f.add_argument("--test-rows", type=int, default=2000)
    f.add_argument("--threads", type=int, default=2)
    f.add_argument("--held-out-rows", type=int, default=None, help="cap per source (dry runs)")
    f.add_argument("--gate-lows", default="0.1,0.3", help="gate thresholds to report")
    f.add_argument("--linear-model", help="REGISTRY_DIR/VERSION of today's model, scored too")
    args = p.parse_args(argv)
    {"speed": speed, "_speed_one": speed_one, "finetune": finetune}[args.cmd](args)


if __name__ == "__main__":
    main()

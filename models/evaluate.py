"""python -m models.evaluate --version V --models-dir DIR --data-dir DIR --out DIR"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.evaluation.report import evaluate
from models.registry import ModelLoadError, Registry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write the evaluation report of one model version."
    )
    parser.add_argument("--version", required=True)
    parser.add_argument("--models-dir", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=None, help="rows per set (quick runs)")
    parser.add_argument("--no-peer", action="store_true", help="skip alt-profanity-check")
    parser.add_argument("--no-loso", action="store_true", help="skip leave-one-source-out")
    args = parser.parse_args(argv)
    registry = Registry(args.models_dir)
    try:
        clf = registry.load(args.version)
        info = registry.info(args.version)
    except ModelLoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    evaluate(
        clf,
        args.data_dir,
        args.out,
        version_dir=registry.root / args.version,
        model_info=info,
        use_peer=not args.no_peer,
        limit=args.limit,
        loso=not args.no_loso,
    )
    print(f"report written to {args.out / 'report.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

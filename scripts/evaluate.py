"""`make evaluate`: the evaluation report of the active model beside alt-profanity-check.

Trains and activates the default model first when none is active (as `make run` does), writes
report.md, report.json and plots into instance/reports/<version>/, and prints the headline tables.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service import create_app
from service.ops import model_ops
from service.storage import model_state


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.evaluate", description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="rows per test set (quick runs)")
    parser.add_argument("--no-peer", action="store_true", help="leave out alt-profanity-check")
    parser.add_argument("--out", type=Path, default=None, help="report folder")
    parser.add_argument(
        "--no-loso", action="store_true", help="leave out leave-one-source-out (retrains)"
    )
    parser.add_argument(
        "--card",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "docs" / "model-card.md",
        help="where the model card goes",
    )
    args = parser.parse_args(argv)

    from models.evaluation import model_card, targets
    from models.evaluation.markdown import _bias, _headline, generalisation, peer_training
    from models.evaluation.report import evaluate

    app = create_app()
    engine = app.extensions["db_engine"]
    data_dir = Path(app.config["DATA_DIR"])
    with engine.connect() as conn:
        version = model_state.active_version(conn)
    if version is None:
        print("No active model: training the default one (a few minutes)...", flush=True)
        options = model_ops.TrainOptions(data_dir=data_dir)
        version = model_ops.train_version(engine, app.config["MODEL_DIR"], options)
        with engine.begin() as conn:
            model_state.activate(conn, version)
    registry = model_ops.registry(app.config["MODEL_DIR"])
    out = args.out or Path(app.instance_path) / "reports" / version
    print(f"Evaluating {version} (this takes a few minutes on the full test sets)...", flush=True)
    report = evaluate(
        registry.load(version),
        data_dir,
        out,
        version_dir=registry.root / version,
        model_info=registry.info(version),
        use_peer=not args.no_peer,
        limit=args.limit,
        loso=not args.no_loso,
    )
    peer = report["peer"]
    beside = f"{peer['name']} {peer['version']}" if peer else "no peer"
    print(f"\nModel {version} beside {beside}")
    print(targets.measured_with(report))
    print("\n".join(["", *_headline(report), "", *peer_training(report), *_bias(report)]))
    print("\n".join(["", *generalisation(report)]))
    checks = [targets.Check(**c) for c in report["targets"]]
    print("\n".join(["", *targets.markdown(checks)]))
    args.card.write_text(model_card.render(report))
    print(f"\nFull report: {out / 'report.md'}; model card: {args.card}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

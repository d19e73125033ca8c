"""`flask --app service sites policy show|set SITE` and `sites simulate SITE [--policy FILE]`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from models.policy import Policy, PolicyError
from service.cli.types import MAX_INT, ROWS
from service.storage import db, model_state, policies

if TYPE_CHECKING:
    from models.simulation_data import PastComment

policy_cli = AppGroup("policy", help="Show or replace a site's guideline policy.")


def _site(conn: sa.Connection, ref: str) -> dict[str, Any]:
    """A site by id, or by its name when exactly one site has it."""
    row = conn.execute(sa.select(db.sites).where(db.sites.c.id == ref)).first()
    if row is None:
        rows = conn.execute(sa.select(db.sites).where(db.sites.c.name == ref)).all()
        if len(rows) > 1:
            raise click.ClickException(f"{len(rows)} sites are named {ref!r}; give the site id")
        row = rows[0] if rows else None
    if row is None:
        raise click.ClickException(f"no site with id or name {ref!r} (see `sites list`)")
    return dict(row._mapping)


def _read_policy(path: str) -> Policy:
    """A policy document from a file ('-' = standard input), or a message naming each bad field."""
    try:
        text = click.open_file(path, encoding="utf-8").read()
        document = json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}") from None
    except ValueError as exc:
        raise click.ClickException(f"{path} is not valid JSON: {exc}") from None
    try:
        return Policy.from_dict(policies.unwrap(document))
    except PolicyError as exc:
        lines = "\n".join(f"  {e['field'] or '(document)'}: {e['message']}" for e in exc.errors)
        raise click.ClickException(f"the policy in {path} is not valid:\n{lines}") from None


@policy_cli.command("show")
@click.argument("site")
@click.option(
    "--version",
    "version",
    type=click.IntRange(min=0, max=MAX_INT),
    default=None,
    help="An old version (0 = default).",
)
def show_policy(site: str, version: int | None) -> None:
    """Print SITE's current policy (or an old version) as JSON; the version goes to stderr."""
    with db.engine().connect() as conn:
        site_id = _site(conn, site)["id"]
        found = (
            policies.current(conn, site_id)
            if version is None
            else policies.get_version(conn, site_id, version)
        )
    if found is None:
        raise click.ClickException(f"the site has no policy version {version}")
    click.echo(f"version {found.version}", err=True)
    click.echo(json.dumps(found.document, indent=2))


@policy_cli.command("set")
@click.argument("site")
@click.option("--file", "path", default="-", show_default=True, help="JSON document; - = stdin.")
def set_policy(site: str, path: str) -> None:
    """Replace SITE's whole policy with the document in FILE; print the version."""
    policy = _read_policy(path)
    with db.engine().begin() as conn:
        site_id = _site(conn, site)["id"]
        try:
            found, changed = policies.set_policy(conn, site_id, policy, created_by="cli")
        except policies.PolicyConflict as exc:
            raise click.ClickException(f"{exc}; run the command again") from None
    click.echo(f"version {found.version}" + ("" if changed else " (unchanged)"))


def _site_items(conn: sa.Connection, site_id: str) -> list[tuple[str, str, Any]]:
    """(comment id, text, moderator label) of the site's comments a moderator decided.

    No stored scores: they may come from an older model, and the thresholds being chosen will
    apply to the active one, so the caller scores every text again.
    """
    d, c = db.decisions.c, db.comments.c
    rows = conn.execute(
        sa.select(c.id, c.text, d.action, d.reasons)
        .join_from(db.decisions, db.comments, d.comment_id == c.id)
        .where(c.site_id == site_id, d.kind == "moderator")
        .order_by(d.created_at, d.id)
    )
    texts: dict[str, str] = {}
    labels: dict[str, Any] = {}
    for row in rows:  # oldest first: a moderator's latest decision wins
        texts[row.id] = row.text
        if row.action == "approve":
            labels[row.id] = "ok"
        elif row.action == "reject":
            codes = {r.get("guideline") for r in row.reasons or [] if isinstance(r, dict)}
            labels[row.id] = frozenset(codes - {None}) or "violation"
        else:
            labels.pop(row.id, None)  # a moderator's "hold" is no label
    return [(i, texts[i], label) for i, label in labels.items()]


def _site_history(conn: sa.Connection, site_id: str) -> Iterator[PastComment]:
    """Every comment of the site, for replaying the author rules (texts only as fingerprints)."""
    from models.rules import fingerprint
    from models.simulation_data import PastComment

    c = db.comments.c
    query = sa.select(c.id, c.author_id, c.created_at, c.status, c.text).where(c.site_id == site_id)
    for row in conn.execution_options(yield_per=2000).execute(query):
        at = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
        yield PastComment(row.id, row.author_id, at.timestamp(), row.status, fingerprint(row.text))


@click.command("simulate")
@click.argument("site")
@click.option("--policy", "policy_path", default=None, help="Proposed policy (JSON file).")
@click.option("--guideline", "guidelines", multiple=True, help="Only these guidelines' tables.")
@click.option(
    "--max-rows", type=ROWS, default=500, show_default=True, help="Validation rows per source."
)
@click.option("--no-validation", is_flag=True, help="Only the site's own moderated comments.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@with_appcontext
def simulate_site(
    site: str,
    policy_path: str | None,
    guidelines: tuple[str, ...],
    max_rows: int,
    no_validation: bool,
    as_json: bool,
) -> None:
    """What SITE's current (or a proposed) policy would do, and the mistakes it would make.

    Measured on the site's comments that moderators decided and on the validation split of the
    training data; then the same figures for a range of hold and reject thresholds per guideline.
    """
    from models.decide import simulate, threshold_table
    from models.guidelines import CLASSIFIER_GUIDELINES
    from models.registry import Registry
    from models.simulation_data import (
        DEFAULT_CANDIDATES,
        labelled_rows,
        replay_authors,
        validation_examples,
    )

    for code in guidelines:
        if code not in CLASSIFIER_GUIDELINES:
            raise click.BadParameter(f"{code!r}; one of {list(CLASSIFIER_GUIDELINES)}")
    with db.engine().connect() as conn:
        site_row = _site(conn, site)
        current = policies.current(conn, site_row["id"])
        items = _site_items(conn, site_row["id"])
        active = model_state.active_version(conn)
        if policy_path is not None:
            policy, source = _read_policy(policy_path), f"proposed policy {policy_path}"
        else:
            effective = policies.effective(current)
            policy, source = effective.policy, f"current policy, version {current.version}"
            if effective.invalid is not None:
                source = f"default policy (current version {current.version} no longer validates)"
                click.echo(f"warning: {effective.invalid.problem}", err=True)
        contexts = replay_authors(_site_history(conn, site_row["id"]), policy) if items else {}
    if active is None:
        raise click.ClickException(model_state.NO_ACTIVE_MODEL)
    classifier = Registry(Path(current_app.config["MODEL_DIR"])).load(active)
    authors = [contexts[i] for i, _, _ in items]
    site_rows = [(text, None, label) for _, text, label in items]
    sets = {"site": labelled_rows(classifier, site_rows, policy, authors)}
    if not no_validation:
        data_dir = Path(current_app.config["DATA_DIR"])
        examples = validation_examples(data_dir, max_rows_per_source=max_rows)
        sets["validation"] = labelled_rows(classifier, ((t, None, g) for t, g in examples), policy)
    report: dict[str, Any] = {"site": site_row["id"], "policy": source, "model": active}
    report["summary"] = {name: simulate(rows, policy) for name, rows in sets.items()}
    report["thresholds"] = {
        name: [
            row
            for code in guidelines or CLASSIFIER_GUIDELINES
            for which in ("hold", "reject")
            for row in threshold_table(rows, code, DEFAULT_CANDIDATES, policy=policy, which=which)
        ]
        for name, rows in sets.items()
        if rows
    }
    if as_json:
        click.echo(json.dumps(report, indent=2, default=sorted))
        return
    _print_report(report)


_COLUMNS = (
    ("total", "comments"),
    ("approved", "approved"),
    ("held", "held"),
    ("rejected", "rejected"),
    ("wrongly_approved", "missed"),
    ("wrongly_rejected", "wrong rejects"),
)


def _print_report(report: dict[str, Any]) -> None:
    click.echo(f"site {report['site']}, {report['policy']}, model {report['model']}")
    click.echo("missed = violations approved; wrong rejects = acceptable comments rejected\n")
    header = f"{'data':<12}" + "".join(f"{label:>14}" for _, label in _COLUMNS)
    click.echo(header + f"{'held share':>12}")
    for name, result in report["summary"].items():
        cells = "".join(f"{result[key]:>14}" for key, _ in _COLUMNS)
        click.echo(f"{name:<12}{cells}{result['held_share']:>12.1%}")
    for name, rows in report["thresholds"].items():
        click.echo(f"\nthresholds on {name} data (one guideline changed at a time)")
        head = f"{'guideline':<10}{'which':<8}{'value':>6}"
        click.echo(head + "".join(f"{label:>14}" for _, label in _COLUMNS[1:]))
        for row in rows:
            lead = f"{row['guideline']:<10}{row['which']:<8}{row['threshold']:>6.2f}"
            click.echo(lead + "".join(f"{row[key]:>14}" for key, _ in _COLUMNS[1:]))

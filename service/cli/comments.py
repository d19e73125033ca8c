"""`flask --app service comments ...`: operations on stored comments."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from service.cli.types import FiniteFloat
from service.storage import appeals, db
from service.transport import broker, retention, sweeper

comments_cli = AppGroup("comments", help="Operate on stored comments.")


@comments_cli.command("sweep")
@click.option(
    "--grace",
    type=FiniteFloat(min=0),
    default=None,
    help="Re-queue comments pending, and webhook deliveries due, longer than this many seconds "
    "(default: the setting).",
)
def sweep(grace: float | None) -> None:
    """Queue again every comment left pending too long and every webhook delivery left due (lost
    jobs, a Redis restart)."""
    engine, conn, config = db.engine(), broker.connection(), current_app.config
    n = sweeper.sweep_once(engine, conn, config, grace)
    deliveries = sweeper.sweep_deliveries(engine, conn, config, grace)
    click.echo(f"re-queued {n} pending comments and {deliveries} webhook deliveries")


@comments_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what is due; erase nothing.")
def purge(dry_run: bool) -> None:
    """Erase comment texts, and Perspective requests' texts, past their site's retention period
    (as the workers do hourly)."""
    purged = retention.purge_all(db.engine(), broker.connection(), dry_run=dry_run)
    counts, scored = purged["comments"], purged["scored_texts"]
    verb = "would erase" if dry_run else "erased"
    for site_id, n in counts.items():
        click.echo(f"{site_id}\t{n}")
    click.echo(f"{verb} the texts of {sum(counts.values())} comments in {len(counts)} sites")
    click.echo(
        f"{'would delete' if dry_run else 'deleted'} {sum(scored.values())} texts sent to the "
        f"Perspective-compatible API in {len(scored)} sites"
    )


@comments_cli.command("appeals")
def appeal_counts() -> None:
    """Appeals per guideline of the appealed decision: open, upheld, reversed, withdrawn."""
    with db.engine().connect() as conn:
        counts = appeals.counts_by_guideline(conn)
    click.echo("guideline\tappeals\topen\tupheld\treversed\twithdrawn")
    for code, n in sorted(counts.items()):
        click.echo(
            f"{code}\t{n['appeals']}\t{n['open']}\t{n['upheld']}\t{n['reversed']}\t{n['withdrawn']}"
        )


@comments_cli.command("counts")
def counts() -> None:
    """How many comments are in each status."""
    with db.engine().connect() as conn:
        rows = conn.execute(
            sa.select(db.comments.c.status, sa.func.count()).group_by(db.comments.c.status)
        )
        for status, n in sorted(rows):
            click.echo(f"{status}\t{n}")

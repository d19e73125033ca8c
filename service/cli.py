"""`flask --app service ...` commands for ops: sites and models."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from service import auth, db, model_state

sites_cli = AppGroup("sites", help="Create and list sites.")
models_cli = AppGroup("models", help="Train, list and activate classifier versions.")


@sites_cli.command("create")
@click.argument("name")
def create_site(name: str) -> None:
    """Create a site and print its API key (last line; it cannot be shown again)."""
    site_id, key = create_site_record(name)
    click.echo(f"Created site {name!r} with id {site_id}.")
    click.echo("Its API key follows; store it now, it is kept only as a hash:")
    click.echo(key)


def create_site_record(name: str) -> tuple[str, str]:
    import uuid

    name = name.strip()
    if not name:
        raise click.BadParameter("the site name must not be empty")
    key = auth.new_key()
    site_id = "site_" + uuid.uuid4().hex[:16]
    with db.engine().begin() as conn:
        conn.execute(
            db.sites.insert().values(
                id=site_id,
                name=name,
                key_hash=auth.hash_key(key),
                key_prefix=key[:8],
                created_at=db.utcnow(),
            )
        )
    return site_id, key


@sites_cli.command("list")
def list_sites() -> None:
    """List sites (ids and names; keys are never shown)."""
    with db.engine().connect() as conn:
        for row in conn.execute(sa.select(db.sites).order_by(db.sites.c.created_at)):
            click.echo(f"{row.id}\t{row.key_prefix}…\t{row.name}")


@models_cli.command("train")
@click.option(
    "--data", "data_dir", type=click.Path(path_type=Path), help="Labelled data directory."
)
@click.option("--max-rows", type=int, default=None, help="Cap rows per source (quick models).")
@click.option("--activate/--no-activate", default=None, help="Default: only when none is active.")
def train_model(data_dir: Path | None, max_rows: int | None, activate: bool | None) -> None:
    """Train a classifier version from the data directory; print its version id last."""
    from models.datasets import missing_sources
    from models.registry import Registry
    from models.training import train

    data_dir = data_dir or Path(current_app.config["DATA_DIR"])
    for name, origin in missing_sources(data_dir):
        click.echo(f"missing data set {name}: get it from {origin}", err=True)
    with click.progressbar(length=100, label="training", file=sys.stderr) as bar:
        done = [0]

        def progress(_stage: str, fraction: float) -> None:
            step = int(fraction * 100) - done[0]
            if step > 0:
                bar.update(step)
                done[0] += step

        try:
            result = train(data_dir, max_rows_per_source=max_rows, progress=progress)
        except (ValueError, FileNotFoundError) as exc:
            raise click.ClickException(f"{exc} (set MODERATION_DATA_DIR or --data)") from None
    version = Registry(Path(current_app.config["MODEL_DIR"])).save(result)
    with db.engine().begin() as conn:
        if activate or (activate is None and model_state.active_version(conn) is None):
            model_state.activate(conn, version)
            click.echo(f"activated {version}", err=True)
    click.echo(version)


@models_cli.command("list")
def list_models() -> None:
    """Every trained version, newest first; the active one is marked."""
    from models.registry import Registry

    with db.engine().connect() as conn:
        active = model_state.active_version(conn)
    for info in Registry(Path(current_app.config["MODEL_DIR"])).versions():
        mark = "active" if info["version"] == active else ""
        click.echo(f"{info['version']}\t{info.get('created_at', '')}\t{mark}".rstrip())


@models_cli.command("activate")
@click.argument("version")
def activate_model(version: str) -> None:
    """Make VERSION the active model (workers pick it up within seconds)."""
    from models.registry import Registry

    Registry(Path(current_app.config["MODEL_DIR"])).info(version)  # raises if unknown
    with db.engine().begin() as conn:
        model_state.activate(conn, version)
    click.echo(f"active: {version}")


@models_cli.command("active")
def show_active() -> None:
    """Print the active version (exit 1 when none is)."""
    with db.engine().connect() as conn:
        version = model_state.active_version(conn)
    if version is None:
        click.echo("no active model", err=True)
        sys.exit(1)
    click.echo(version)


def init_app(app: Flask) -> None:
    app.cli.add_command(sites_cli)
    app.cli.add_command(models_cli)
    from service.integrations.cli import webhooks_cli

    app.cli.add_command(webhooks_cli)

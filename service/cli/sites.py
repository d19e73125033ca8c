"""`flask --app service ...` commands for ops: sites and models."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from service.cli.users import users_cli
from service.http import auth
from service.storage import db, model_state

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


@models_cli.command("activate")
@click.argument("version")
def activate_model(version: str) -> None:
    """Make VERSION the active model (workers pick it up within seconds)."""
    from models.registry import ModelLoadError, Registry

    try:
        Registry(Path(current_app.config["MODEL_DIR"])).info(version)
    except ModelLoadError as exc:
        raise click.ClickException(str(exc)) from None
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
    from service.cli import models  # noqa: F401 - its commands join models_cli on import

    app.cli.add_command(sites_cli)
    app.cli.add_command(models_cli)
    from service.cli import policy

    policy.init_app(app)
    from service.cli.comments import comments_cli

    app.cli.add_command(comments_cli)
    app.cli.add_command(users_cli)
    from service.cli.webhooks import webhooks_cli

    app.cli.add_command(webhooks_cli)

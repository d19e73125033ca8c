"""`flask --app service sites ...`: create and list sites (policies: cli/policy.py)."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from service.cli import policy
from service.http import auth
from service.storage import credentials, db

sites_cli = AppGroup("sites", help="Create and list sites, rotate and revoke their keys.")


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


@sites_cli.command("rotate-key")
@click.argument("site_id")
@click.option(
    "--grace",
    "grace_seconds",
    type=click.IntRange(0, 30 * 86400),
    default=86400,
    show_default=True,
    help="Seconds the current key keeps working, so the site can deploy the new one.",
)
def rotate_key(site_id: str, grace_seconds: int) -> None:
    """Give SITE_ID a new API key (printed last); the current one stops after --grace seconds."""
    with db.engine().begin() as conn:
        try:
            key = credentials.rotate_key(conn, site_id, grace_seconds, actor="cli")
        except credentials.UnknownSite:
            raise click.ClickException(f"no site {site_id!r} (see `sites list`)") from None
    click.echo(f"New API key for {site_id}; the old one works for {grace_seconds} s more:")
    click.echo(key)


@sites_cli.command("revoke-key")
@click.argument("site_id")
def revoke_key(site_id: str) -> None:
    """Give SITE_ID a new API key (printed last) and stop every earlier key at once."""
    with db.engine().begin() as conn:
        try:
            key = credentials.revoke_key(conn, site_id, actor="cli")
        except credentials.UnknownSite:
            raise click.ClickException(f"no site {site_id!r} (see `sites list`)") from None
    click.echo(f"Every earlier key of {site_id} is revoked. Its new API key:")
    click.echo(key)


# The site's policy commands: `sites policy show|set`, `sites simulate`.
sites_cli.add_command(policy.policy_cli)
sites_cli.add_command(policy.simulate_site)

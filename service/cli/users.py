"""`flask --app service users ...`: moderator and admin accounts."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from service.moderation import users
from service.storage import db

users_cli = AppGroup(
    "users", help="Create, list, reset, disable, enable and delete moderator accounts."
)


@users_cli.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(users.ROLES), default="moderator", show_default=True)
@click.option("--site", "sites", multiple=True, help="A site id the moderator sees (repeatable).")
def create(name: str, role: str, sites: tuple[str, ...]) -> None:
    """Create an account and print its generated password (last line; shown only this once)."""
    if role == "moderator" and not sites:
        raise click.UsageError("a moderator needs at least one --site")
    try:
        with db.engine().begin() as conn:
            user, password = users.create_user(conn, name, role, list(sites))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {user.role} {user.name!r}. Password (store it now, it is kept as a hash):")
    click.echo(password)


@users_cli.command("reset-password")
@click.argument("name")
def reset_password(name: str) -> None:
    """Give NAME a new generated password (printed last, once) and end all its sessions."""
    from service.moderation import sessions

    try:
        with db.engine().begin() as conn:
            user, password = users.reset_password(conn, name)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    ended = sessions.end_all(user.id)
    click.echo(f"New password for {user.name!r}; {ended} open session(s) ended. Password:")
    click.echo(password)


def _change(name: str, change) -> None:
    from service.moderation import sessions

    try:
        with db.engine().begin() as conn:
            user = change(conn)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    return user, sessions.end_all(user.id)


@users_cli.command("disable")
@click.argument("name")
def disable(name: str) -> None:
    """Stop NAME logging in and end its sessions at once (`users enable` undoes it)."""
    user, ended = _change(name, lambda conn: users.set_disabled(conn, name, True, actor="cli"))
    click.echo(f"Disabled {user.name!r}; {ended} open session(s) ended.")


@users_cli.command("enable")
@click.argument("name")
def enable(name: str) -> None:
    """Let a disabled NAME log in again (with its password as it was)."""
    user, _ = _change(name, lambda conn: users.set_disabled(conn, name, False, actor="cli"))
    click.echo(f"Enabled {user.name!r}.")


@users_cli.command("delete")
@click.argument("name")
def delete(name: str) -> None:
    """Remove NAME and end its sessions; its past decisions keep its name."""
    user, ended = _change(name, lambda conn: users.delete_user(conn, name, actor="cli"))
    click.echo(f"Deleted {user.name!r}; {ended} open session(s) ended.")


@users_cli.command("list")
def list_() -> None:
    """Accounts with their role and sites (never passwords)."""
    with db.engine().connect() as conn:
        for user in users.list_users(conn):
            sites = "*" if user.is_admin else ",".join(user.sites)
            click.echo(f"{user.name}\t{user.role}\t{sites}")

"""`flask --app service webhooks ...`: the webhook API's operations for operators."""

from __future__ import annotations

import json

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from service import webhooks
from service.storage import db
from service.transport import events
from service.webhooks import addresses

webhooks_cli = AppGroup("webhooks", help="Register, list, rotate and redeliver site webhooks.")


@webhooks_cli.command("add")
@click.argument("site_id")
@click.argument("url")
@click.option("--event", "event_types", multiple=True, type=click.Choice(events.EVENT_TYPES))
def add(site_id: str, url: str, event_types: tuple[str, ...]) -> None:
    """Register URL for SITE_ID (all events unless --event is given); prints the secret last."""
    try:
        addresses.check_url(url, bool(current_app.config["WEBHOOK_ALLOW_PRIVATE"]))
    except addresses.RefusedURL as exc:
        raise click.ClickException(str(exc)) from None
    limit = int(current_app.config["WEBHOOK_MAX_ENDPOINTS_PER_SITE"])
    try:
        with db.engine().begin() as conn:
            _require_site(conn, site_id)
            endpoint = webhooks.create_endpoint(
                conn, site_id, url, list(event_types or events.EVENT_TYPES), limit
            )
    except webhooks.TooManyEndpoints as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{endpoint['id']}\t{url}\t{','.join(endpoint['events'])}")
    click.echo(endpoint["secret"])


def _require_site(conn: sa.Connection, site_id: str) -> None:
    if conn.execute(db.sites.select().where(db.sites.c.id == site_id)).first() is None:
        raise click.ClickException(f"no site {site_id}")


@webhooks_cli.command("list")
@click.argument("site_id")
def list_(site_id: str) -> None:
    """SITE_ID's endpoints; one whose receiver stopped answering says until when it is paused."""
    with db.engine().connect() as conn:
        _require_site(conn, site_id)
        endpoints = webhooks.list_endpoints(conn, site_id)
    paused = webhooks.paused_until([e["id"] for e in endpoints])
    for e in endpoints:
        view = webhooks.endpoint_view(e, paused=paused)
        until = f"\tpaused until {view['paused_until']}" if view["paused_until"] else ""
        click.echo(f"{e['id']}\t{e['url']}\t{','.join(e['events'])}{until}")


@webhooks_cli.command("remove")
@click.argument("endpoint_id")
def remove(endpoint_id: str) -> None:
    """Remove an endpoint and its delivery log."""
    with db.engine().begin() as conn:
        if webhooks.get_endpoint(conn, endpoint_id) is None:
            raise click.ClickException(f"no webhook {endpoint_id}")
        webhooks.delete_endpoint(conn, endpoint_id)
    click.echo(f"removed {endpoint_id}")


@webhooks_cli.command("rotate")
@click.argument("endpoint_id")
def rotate(endpoint_id: str) -> None:
    """New secret (printed); the previous one keeps signing for WEBHOOK_ROTATION_SECONDS."""
    with db.engine().begin() as conn:
        endpoint = webhooks.get_endpoint(conn, endpoint_id)
        if endpoint is None:
            raise click.ClickException(f"no webhook {endpoint_id}")
        secret = webhooks.rotate_secret(
            conn, endpoint, int(current_app.config["WEBHOOK_ROTATION_SECONDS"])
        )
    click.echo(secret)


@webhooks_cli.command("deliveries")
@click.argument("endpoint_id")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
def deliveries(endpoint_id: str, limit: int) -> None:
    """Recent deliveries of an endpoint with their attempts, one JSON object a line."""
    with db.engine().connect() as conn:
        if webhooks.get_endpoint(conn, endpoint_id) is None:
            raise click.ClickException(f"no webhook endpoint {endpoint_id}")
        for delivery in webhooks.list_deliveries(conn, endpoint_id, limit=limit):
            click.echo(json.dumps(delivery))


@webhooks_cli.command("redeliver")
@click.argument("delivery_id")
def redeliver(delivery_id: str) -> None:
    """Send a delivery again (a fresh round of retries)."""
    with db.engine().begin() as conn:
        if webhooks.get_delivery(conn, delivery_id) is None:
            raise click.ClickException(f"no delivery {delivery_id}")
        webhooks.reset_for_redelivery(conn, delivery_id)
    if not webhooks.enqueue_delivery(webhooks.transport(), delivery_id):
        raise click.ClickException("Redis is unreachable; the delivery stays pending")
    click.echo(f"queued {delivery_id}")

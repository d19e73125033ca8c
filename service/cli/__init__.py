"""`flask --app service ...`: one module per command group, each defining its AppGroup."""

from __future__ import annotations

from flask import Flask

from service.cli.sites import create_site_record  # noqa: F401  (make run and tests use it)


def init_app(app: Flask) -> None:
    from service.cli import comment_import, comments, models, sites, users, webhooks

    comments.comments_cli.add_command(comment_import.import_comments)

    for group in (
        sites.sites_cli,
        models.models_cli,
        comments.comments_cli,
        users.users_cli,
        webhooks.webhooks_cli,
    ):
        app.cli.add_command(group)

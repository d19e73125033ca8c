"""`flask --app service ...`: the commands for ops."""

from __future__ import annotations

from flask import Flask

from service.cli.sites import create_site_record  # noqa: F401  (make run and tests use it)


def init_app(app: Flask) -> None:
    from service.cli import sites

    sites.init_app(app)

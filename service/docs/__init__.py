"""The API's own documentation: the OpenAPI document (/openapi.json) and the /docs page."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from service.docs import page

    app.register_blueprint(page.bp)

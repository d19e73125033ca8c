"""Integrations: signed webhooks, Perspective-compatible endpoints, Coral Talk, API conventions."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from service.integrations import api_webhooks, perspective, webhooks

    for key, value in perspective.SETTINGS.items():
        app.config.setdefault(key, value)
    webhooks.init_app(app)
    app.register_blueprint(api_webhooks.bp)
    app.register_blueprint(perspective.bp)

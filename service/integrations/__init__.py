"""Integrations: signed webhooks, Perspective-compatible endpoints, Coral Talk, API conventions."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from service.integrations import (
        api_webhooks,
        conventions,
        coral,
        health,
        metrics,
        perspective,
        webhooks,
    )

    for settings in (perspective.SETTINGS, coral.SETTINGS):
        for key, value in settings.items():
            app.config.setdefault(key, value)
    metrics.init_app(app)
    conventions.init_app(app)
    webhooks.init_app(app)
    app.register_blueprint(api_webhooks.bp)
    app.register_blueprint(perspective.bp)
    app.register_blueprint(coral.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(metrics.bp)

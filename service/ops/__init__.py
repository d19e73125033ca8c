"""Operating the service: health and readiness, Prometheus metrics, model operations."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from service.ops import health, metrics

    metrics.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(metrics.bp)

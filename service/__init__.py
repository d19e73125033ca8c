"""The Flask application: HTTP in and out, storage, auth, the moderator UI and the CLI."""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app and its long-lived objects (database engine, Redis connection, queue)."""
    import os

    # The instance folder has to be known before settings load (it holds the defaults' files).
    instance = (overrides or {}).get("INSTANCE_PATH") or os.environ.get("MODERATION_INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True, instance_path=instance or None)

    from service import api, broker, cli, config, db, moderation, outages, problems, url_ids

    config.load_config(app, overrides)
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        # Behind a load balancer: the client's address (login limits), scheme (secure cookies,
        # links) and host come from the headers the trusted proxies set, and only from theirs.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    url_ids.init_app(app)
    problems.init_app(app)
    outages.init_app(app)
    db.init_app(app)
    broker.init_app(app)
    api.init_app(app)
    cli.init_app(app)
    moderation.init_app(app)
    from service import integrations  # webhooks, Perspective, Coral, API conventions

    integrations.init_app(app)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app

"""The Flask application: HTTP in and out, storage, auth, the moderator UI and the CLI.

The packages, by role: storage (the database), transport (Redis: queues, events, the sweeper),
http (problems, parsing, auth, conventions), api (/v1), compat (Perspective, Coral), webhooks,
moderation (the moderator pages), ops (health, metrics, model operations), docs (OpenAPI), cli.
"""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app and its long-lived objects (database engine, Redis connection, queue)."""
    import os

    # The instance folder has to be known before settings load (it holds the defaults' files).
    instance = (overrides or {}).get("INSTANCE_PATH") or os.environ.get("MODERATION_INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True, instance_path=instance or None)

    from service import api, cli, compat, config, docs, moderation, ops, webhooks
    from service.http import conventions, outages, problems, url_ids
    from service.storage import db
    from service.transport import broker, events

    config.load_config(app, overrides)
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        # Behind a load balancer: the client's address (login limits), scheme (secure cookies,
        # links) and host come from the headers the trusted proxies set, and only from theirs.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    url_ids.init_app(app)  # before any blueprint: rules take their converters when added
    problems.init_app(app)
    outages.init_app(app)
    db.init_app(app)
    broker.init_app(app)
    events.init_app(app)  # before the parts that subscribe (metrics, webhooks)
    ops.init_app(app)  # before the conventions: the metrics timer sees refused requests too
    conventions.init_app(app)
    webhooks.init_app(app)
    api.init_app(app)
    compat.init_app(app)
    moderation.init_app(app)
    docs.init_app(app)
    cli.init_app(app)
    return app

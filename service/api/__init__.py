"""The JSON API used by site backends (`/v1/...`)."""

from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/v1")


def init_app(app: Flask) -> None:
    from service.api import (  # noqa: F401  (registers the routes on bp)
        appeals,
        authors,
        comment_edits,
        comments,
        comments_batch,
        erasure,
        reports,
        site,
        site_settings,
    )

    app.register_blueprint(bp)
    from service.api import policy

    app.register_blueprint(policy.bp)
    from service.api import admin_models

    admin_models.init_app(app)
    from service.api import admin_credentials

    admin_credentials.init_app(app)
    from service.api import webhooks

    app.register_blueprint(webhooks.bp)

"""Drop-in endpoints for existing tools: Perspective's comments:analyze and Coral Talk's
External Moderation Phase."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from service.compat import coral, perspective

    for settings in (perspective.SETTINGS, coral.SETTINGS):
        for key, value in settings.items():
            app.config.setdefault(key, value)
    app.register_blueprint(perspective.bp)
    app.register_blueprint(coral.bp)

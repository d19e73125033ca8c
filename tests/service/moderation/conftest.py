"""Fixtures of the moderator UI tests: an app for plain-http logins, two sites with moderators."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.helpers.apps import make_site
from tests.helpers.moderation import make_user


@pytest.fixture
def ui_app(app: Flask) -> Flask:
    # The test client speaks plain http; the secure flag itself is tested on its own.
    app.config["SESSION_COOKIE_SECURE"] = False
    return app


@pytest.fixture
def two_sites(ui_app: Flask) -> dict:
    """Two sites with a moderator each, and an admin."""
    site_a, key_a = make_site(ui_app, "Alpha News")
    site_b, key_b = make_site(ui_app, "Beta Times")
    return {
        "a": site_a,
        "b": site_b,
        "key_a": key_a,
        "key_b": key_b,
        "alice": make_user(ui_app, "alice", sites=[site_a]),
        "bob": make_user(ui_app, "bob", sites=[site_b]),
        "carol": make_user(ui_app, "carol", sites=[site_a]),
        "root": make_user(ui_app, "root", role="admin"),
    }

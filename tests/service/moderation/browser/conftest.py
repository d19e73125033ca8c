"""A real browser (Debian's chromium through Playwright) against the app served from a thread."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.helpers.apps import make_site
from tests.helpers.moderation import make_user
from tests.helpers.ui import sync_api

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed (apt-get install chromium; .ci/run does)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live(app: Flask) -> Iterator[dict]:
    """The app on a free port (werkzeug in a thread), with a site, two moderators and an admin."""
    app.config["SESSION_COOKIE_SECURE"] = False  # plain http on 127.0.0.1
    site, key = make_site(app, "Alpha News")
    people = {name: make_user(app, name, sites=[site]) for name in ("alice", "carol")}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.port}", "site": site, "key": key, **people}
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def new_page(browser) -> Iterator:
    """Pages in separate browser contexts (separate cookies: separate moderators)."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()

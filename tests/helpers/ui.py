"""The browser tests' Playwright module and their login step."""

from __future__ import annotations

import pytest

sync_api = pytest.importorskip("playwright.sync_api")


def log_in(page, live: dict, name: str) -> None:
    page.goto(live["url"] + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", live[name])
    page.click("button[type=submit]")
    page.wait_for_url("**/queue")

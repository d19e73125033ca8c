"""The pages' look in Chromium: WCAG AA contrast, a visible focus ring, 400 px and 1,600 px."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.helpers.contrast import CONTRAST_FAILURES, FOCUS_RING
from tests.helpers.moderation import held_comment
from tests.helpers.ui import log_in, sync_api

expect = sync_api.expect


def _fill(app: Flask, site: str) -> str:
    held_comment(app, site, "Parent words.", action="approve", external_id="p1", reasons=[])
    comment = held_comment(
        app,
        site,
        "You are an idiot, and " + "a very long word " * 40,
        parent_id="p1",
        reasons=[
            {"guideline": "abuse", "score": 0.91, "action": "hold",
             "evidence": [{"start": 11, "end": 16}]},
            {"guideline": "links", "score": None, "rule": "links", "action": "hold",
             "detail": "links"},
        ],
    )  # fmt: skip
    held_comment(app, site, "A decided reply.", action="reject", parent_id=comment)
    return comment


def _assert_contrast(page, where: str, at_least: int = 10) -> None:
    found = page.evaluate(CONTRAST_FAILURES)
    assert found["measured"] >= at_least, where
    assert found["failures"] == [], where


@pytest.mark.parametrize("width", [400, 1600])
def test_pages_pass_contrast_and_fit_the_width(app: Flask, live, browser, width: int) -> None:
    comment = _fill(app, live["site"])
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(live["url"] + "/login")
        _assert_contrast(page, "login", at_least=4)
        log_in(page, live, "alice")
        expect(page.locator(f"#c-{comment}")).to_have_class("comment current")
        _assert_contrast(page, "queue")
        # Nothing wider than the window: no sideways scrolling at 400 px.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if width == 1600:  # the text keeps a readable line, not 1,500 px of it
            assert page.locator(f"#c-{comment} .text").bounding_box()["width"] < 1000
        page.locator(f"#c-{comment} a.author-link").click()
        expect(page.locator("#author-panel .author-record")).to_be_visible()
        _assert_contrast(page, "author panel")
        assert page.locator("#author-panel").bounding_box()["width"] <= width
        page.goto(live["url"] + "/history")
        _assert_contrast(page, "history", at_least=5)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.goto(live["url"] + "/dashboard")
        expect(page.locator("svg.chart")).to_have_count(2)
        _assert_contrast(page, "dashboard")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.locator("#figures td.n-received a").first.click()
        expect(page.locator("#figure-list tbody tr")).not_to_have_count(0)
        _assert_contrast(page, "a dashboard number's list")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_keyboard_focus_is_visible(app: Flask, live, new_page) -> None:
    _fill(app, live["site"])
    page = new_page()
    log_in(page, live, "alice")
    for _ in range(3):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        assert ring["style"] != "none" and ring["width"] >= 2, ring


def test_the_contrast_check_flags_pale_text(browser) -> None:
    """The check itself: #999 on white (2.8:1) fails, large #767676 (4.5:1) and black pass."""
    page = browser.new_page()
    try:
        page.set_content(
            '<p style="color:#999">pale</p><p style="color:#000">dark</p>'
            '<p style="color:#767676;font-size:30px">large</p>'
            '<div style="background:#222"><span style="color:#333">dark on dark</span></div>'
        )
        found = page.evaluate(CONTRAST_FAILURES)
    finally:
        page.close()
    assert found["measured"] == 4
    assert sorted(f["text"] for f in found["failures"]) == ["dark on dark", "pale"]

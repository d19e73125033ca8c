"""The moderator workspace in Chromium: live counts, readable times, the author panel, threads."""

from __future__ import annotations

from flask import Flask

from tests.moderation.conftest import held_comment
from tests.ui.conftest import log_in, sync_api

expect = sync_api.expect


def test_counts_update_after_a_decision_in_another_tab(app: Flask, live, new_page) -> None:
    app.config["COUNTS_REFRESH_SECONDS"] = 1
    first = held_comment(app, live["site"], "first, idiot")
    held_comment(app, live["site"], "second, idiot", author_id="u2")
    watcher, worker = new_page(), new_page()
    log_in(worker, live, "alice")  # opens (claims) the first comment
    expect(worker.locator(f"#c-{first}")).to_have_class("comment current")
    log_in(watcher, live, "carol")
    watcher.goto(live["url"] + "/history")
    held = watcher.locator("#nav-held [data-count=held]")
    expect(held).to_have_text("2")
    worker.locator(f"#c-{first} button.approve").click()
    expect(worker.locator(f"#c-{first}")).to_have_count(0)
    expect(worker.locator("#nav-held [data-count=held]")).to_have_text("1")  # at once, here
    expect(held).to_have_text("1")  # the other tab, without a reload


def test_times_read_as_ago_with_the_full_time_on_hover(app: Flask, live, new_page) -> None:
    comment = held_comment(app, live["site"], "just posted")
    page = new_page()
    log_in(page, live, "alice")
    stamp = page.locator(f"#c-{comment} time")
    expect(stamp).to_have_text("just now")
    title = stamp.get_attribute("title")
    assert title and any(ch.isdigit() for ch in title) and title != "just now"

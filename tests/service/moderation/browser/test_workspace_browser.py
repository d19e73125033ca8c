"""The moderator workspace in Chromium: live counts, readable times, the author panel, threads."""

from __future__ import annotations

import re

from flask import Flask

from tests.helpers.apps import work_queue
from tests.helpers.moderation import held_comment
from tests.helpers.ui import log_in, sync_api

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


def test_author_panel_opens_and_a_ban_there_rejects_their_next_comment(
    app: Flask, live, new_page
) -> None:
    app.config["AUTHOR_STANDING_CACHE_SECONDS"] = 0
    held_comment(app, live["site"], "an earlier one", action="approve", reasons=[])
    comment = held_comment(app, live["site"], "You are an idiot")
    page = new_page()
    log_in(page, live, "alice")
    page.locator(f"#c-{comment} a.author-link").click()
    panel = page.locator("#author-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("#author-title")).to_have_text("Reader One")
    expect(panel.locator(".n-approved")).to_have_text("1")
    expect(panel.locator(".author-comments li")).to_have_count(2)
    panel.locator("textarea[name=text]").fill("Second warning sent.")
    panel.locator(".note-form button").click()
    expect(panel.locator(".notes")).to_contain_text("Second warning sent.")
    panel.locator("select[name=standing]").select_option("banned")
    panel.locator("input[name=reason]").fill("repeated abuse")
    panel.locator(".standing-form button").click()
    expect(panel.locator(".standing .badge")).to_have_text("Banned")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    # The ban applies to the author's next comment posted through the site API.
    client = app.test_client()
    posted = client.post(
        "/v1/comments",
        json={
            "id": "next-1",
            "text": "Lovely weather for the parade today.",
            "article": {"id": "a1"},
            "author": {"id": "u1"},
        },
        headers={"Authorization": f"Bearer {live['key']}"},
    ).get_json()
    work_queue(app)
    shown = client.get(
        f"/v1/comments/{posted['id']}", headers={"Authorization": f"Bearer {live['key']}"}
    ).get_json()
    assert shown["status"] == "rejected"
    assert shown["decision"]["reasons"][0]["guideline"] == "banned_author"


def test_the_thread_shows_and_collapses(app: Flask, live, new_page) -> None:
    held_comment(app, live["site"], "Parent text.", action="approve", external_id="p1", reasons=[])
    comment = held_comment(app, live["site"], "Reply, idiot.", external_id="r1", parent_id="p1")
    held_comment(
        app, live["site"], "A decided reply.", action="approve", parent_id="r1", reasons=[]
    )
    page = new_page()
    log_in(page, live, "alice")
    thread = page.locator(f"#c-{comment} details.thread")
    expect(thread.locator("blockquote.parent")).to_be_visible()
    expect(thread.locator(".replies li")).to_have_text(re.compile("A decided reply."))
    thread.locator("summary").click()
    expect(thread.locator("blockquote.parent")).to_be_hidden()


def test_a_hostile_author_name_stays_inert_in_the_panel(app: Flask, live, new_page) -> None:
    name = '<img src=x onerror="window.pwned=1;alert(1)"><script>alert(2)</script>'
    comment = held_comment(app, live["site"], "Hello", author_name=name)
    page = new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live, "alice")
    page.locator(f"#c-{comment} a.author-link").click()
    expect(page.locator("#author-title")).to_have_text(name)
    assert page.locator("#author-panel img, #author-panel script").count() == 0
    assert page.evaluate("window.pwned") is None and dialogs == []


def test_the_panel_of_an_author_whose_id_has_slashes_opens_and_saves(
    app: Flask, live, new_page
) -> None:
    odd = "wp/users/7?x=1#top"
    comment = held_comment(app, live["site"], "You are an idiot", author_id=odd)
    held_comment(app, live["site"], "their namesake", author_id="wp", author_name="Other Reader")
    page = new_page()
    log_in(page, live, "alice")
    page.locator(f"#c-{comment} a.author-link").click()
    panel = page.locator("#author-panel")
    expect(panel.locator("#author-title")).to_have_text("Reader One")
    expect(panel.locator(".meta code")).to_have_text(odd)
    expect(panel.locator(".author-comments li")).to_have_count(1)
    panel.locator("select[name=standing]").select_option("always_hold")
    panel.locator(".standing-form button").click()
    expect(panel.locator(".standing .badge")).to_have_text("Always held")
    # The plain link (a new tab, or no script) reaches the same author's page.
    page.goto(live["url"] + page.locator(f"#c-{comment} a.author-link").get_attribute("href"))
    expect(page.locator(".standing .badge")).to_have_text("Always held")
    shown = app.test_client().get(
        "/v1/authors/wp", headers={"Authorization": f"Bearer {live['key']}"}
    )
    assert shown.get_json()["standing"] is None  # the namesake prefix is someone else


def test_a_dashboard_number_opens_the_list_it_counts(app: Flask, live, new_page) -> None:
    held = [held_comment(app, live["site"], f"held {i}, idiot") for i in range(2)]
    held_comment(app, live["site"], "rejected outright", action="reject")
    page = new_page()
    log_in(page, live, "alice")
    page.goto(live["url"] + "/dashboard")
    number = page.locator("#figures td.n-held a").nth(1)  # held by the machine, last 7d
    expect(number).to_have_text("2")
    number.click()
    expect(page.locator("h1")).to_have_text("Held by the machine")
    expect(page.locator("#figure-count")).to_have_text("2")
    expect(page.locator("#figure-list tbody tr")).to_have_count(2)
    for comment_id in held:
        expect(page.locator(f'#figure-list a[href="/comments/{comment_id}/audit"]')).to_be_visible()
    page.locator("a", has_text="24h").click()  # the same figure over another window
    expect(page.locator("#figure-count")).to_have_text("2")
    expect(page).to_have_url(re.compile(r"window=24h"))


def test_a_day_bar_of_the_chart_opens_that_days_decisions(app: Flask, live, new_page) -> None:
    for i in range(2):
        held_comment(app, live["site"], f"held {i}, idiot")
    held_comment(app, live["site"], "fine", action="approve", reasons=[])
    page = new_page()
    log_in(page, live, "alice")
    page.goto(live["url"] + "/dashboard")
    bar = page.locator("svg.chart a.day-bar")
    expect(bar).to_have_count(1)  # only today had decisions
    bar.click()
    expect(page.locator("h1")).to_have_text(re.compile(r"Machine decisions on \d{4}-\d\d-\d\d"))
    expect(page.locator("#figure-count")).to_have_text("3")
    expect(page.locator("#figure-list tbody tr")).to_have_count(3)

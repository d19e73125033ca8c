"""The moderator queue in Chromium: login, keyboard, reasons, bulk, claims, hostile text, logout."""

from __future__ import annotations

import shutil
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from service.storage import db
from tests.helpers.moderation import held_comment
from tests.helpers.ui import log_in, sync_api

expect = sync_api.expect


def _status(app: Flask, comment_id: str) -> tuple[str, list]:
    with app.app_context(), db.engine().connect() as conn:
        row = conn.execute(
            sa.select(db.comments.c.status, db.decisions.c.reasons)
            .select_from(
                db.comments.join(db.decisions, db.comments.c.decision_id == db.decisions.c.id)
            )
            .where(db.comments.c.id == comment_id)
        ).one()
    return row.status, row.reasons


def test_login_and_logout(app: Flask, live, new_page) -> None:
    page = new_page()
    page.goto(live["url"] + "/queue")
    page.wait_for_url("**/login")
    log_in(page, live, "alice")
    expect(page.locator(".who")).to_have_text("alice (moderator)")
    page.click("#logout")
    page.wait_for_url("**/login")
    page.goto(live["url"] + "/queue")
    page.wait_for_url("**/login")


def test_approve_with_the_keyboard(app: Flask, live, new_page, tmp_path: Path) -> None:
    held_comment(
        app, live["site"], "Rates should fall.", action="approve", external_id="p1", reasons=[]
    )
    first = held_comment(app, live["site"], "No they should not, you idiot.", parent_id="p1")
    second = held_comment(
        app,
        live["site"],
        "Buy cheap watches at http://spam.example now!!!",
        author_id="u2",
        author_name="Deals4U",
        reasons=[
            {"guideline": "spam", "score": 0.93, "action": "hold",
             "evidence": [{"start": 0, "end": 17}]},
            {"guideline": "links", "score": None, "rule": "links", "action": "hold",
             "detail": "links to spam.example", "evidence": [{"start": 21, "end": 40}]},
        ],
    )  # fmt: skip
    page = new_page()
    log_in(page, live, "alice")
    expect(page.locator(f"#c-{first}")).to_have_class("comment current")
    page.screenshot(path=str(tmp_path / "queue.png"), full_page=True)
    _keep_screenshot(tmp_path / "queue.png")
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    page.keyboard.press("j")
    expect(page.locator(f"#c-{second}")).to_have_class("comment current")
    page.keyboard.press("k")
    expect(page.locator(f"#c-{first}")).to_have_class("comment current")
    page.keyboard.press("a")
    expect(page.locator(f"#c-{first}")).to_have_count(0)
    expect(page.locator(f"#c-{second}")).to_have_class("comment current")  # the next one opens
    assert _status(app, first)[0] == "approved"
    page.keyboard.press("s")
    expect(page.locator(f"#c-{second}")).to_have_count(0)
    assert _status(app, second)[0] == "held"  # skipped, still waiting for someone


def test_undo_puts_the_last_decision_back(app: Flask, live, new_page) -> None:
    first = held_comment(app, live["site"], "Undo me, idiot")
    second = held_comment(app, live["site"], "And me, idiot")
    page = new_page()
    log_in(page, live, "alice")
    page.keyboard.press("r")
    expect(page.locator(f"#c-{first}")).to_have_count(0)
    assert _status(app, first)[0] == "rejected"
    page.keyboard.press("u")
    expect(page.locator("#status")).to_contain_text("1 undone")
    expect(page.locator(f"#c-{first}")).to_have_class("comment current")
    assert _status(app, first)[0] == "held"
    page.keyboard.press("a")
    page.click("#undo-last")  # the status line's button does the same
    expect(page.locator(f"#c-{first}")).to_have_count(1)
    assert _status(app, first)[0] == "held" and _status(app, second)[0] == "held"


def test_reject_with_a_chosen_reason(app: Flask, live, new_page) -> None:
    comment = held_comment(app, live["site"], "Reject me, idiot")
    page = new_page()
    log_in(page, live, "alice")
    item = page.locator(f"#c-{comment}")
    expect(item.locator("select.reason")).to_have_value("abuse")  # the strongest reason
    item.locator("select.reason").select_option("spam")
    item.locator("button.reject").click()
    expect(item).to_have_count(0)
    status, reasons = _status(app, comment)
    assert status == "rejected" and reasons[0]["guideline"] == "spam"


def test_bulk_approve(app: Flask, live, new_page) -> None:
    ids = [held_comment(app, live["site"], f"Bulk comment {i}") for i in range(3)]
    keep = held_comment(app, live["site"], "Not selected")
    page = new_page()
    log_in(page, live, "alice")
    for comment_id in ids:
        page.locator(f"#c-{comment_id} input.pick").check()
    page.click("#bulk-approve")
    expect(page.locator("#status")).to_contain_text("3 approved")
    expect(page.locator("li.comment")).to_have_count(1)
    assert [_status(app, c)[0] for c in ids] == ["approved"] * 3
    assert _status(app, keep)[0] == "held"


def test_two_moderators_claiming_the_same_comment(app: Flask, live, new_page) -> None:
    comment = held_comment(app, live["site"], "Wanted by two")
    alice, carol = new_page(), new_page()
    log_in(alice, live, "alice")  # opening the first comment claims it
    expect(alice.locator(f"#c-{comment}")).to_have_class("comment current")
    log_in(carol, live, "carol")
    expect(carol.locator(f"#c-{comment} .claim")).to_have_text("alice has it")
    carol.keyboard.press("a")
    expect(carol.locator("#status")).to_contain_text("claimed by alice")
    assert _status(app, comment)[0] == "held"
    alice.keyboard.press("a")
    expect(alice.locator(f"#c-{comment}")).to_have_count(0)
    assert _status(app, comment)[0] == "approved"


def test_hostile_comment_is_inert(app: Flask, live, new_page) -> None:
    hostile = (
        '<script>window.pwned=1;alert(1)</script><img src=x onerror="window.pwned=2;alert(2)">'
        '<a href="javascript:alert(3)" id="evil">click</a> idiot'
    )
    comment = held_comment(
        app,
        live["site"],
        hostile,
        author_name='<svg onload="alert(4)">',
        article_title="<script>alert(5)</script>",
        article_url="javascript:alert(6)",
    )
    page = new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live, "alice")
    item = page.locator(f"#c-{comment}")
    expect(item.locator(".text")).to_contain_text("<script>window.pwned=1")
    expect(item.locator(".author b")).to_have_text('<svg onload="alert(4)">')
    assert item.locator("img, svg, script, #evil").count() == 0
    assert item.locator(".article a").count() == 0  # a javascript: URL is never a link
    item.locator(".text").click()
    page.keyboard.press("j")
    assert page.evaluate("window.pwned") is None
    assert dialogs == []


def test_moving_on_releases_the_claim_and_focus_picks_the_comment(
    app: Flask, live, new_page
) -> None:
    first, second, third = (held_comment(app, live["site"], f"Comment {i}") for i in range(3))
    alice, carol = new_page(), new_page()
    log_in(alice, live, "alice")
    expect(alice.locator(f"#c-{first}")).to_have_class("comment current")
    alice.keyboard.press("j")  # alice moves on: the first comment is free again
    expect(alice.locator(f"#c-{second}")).to_have_class("comment current")
    log_in(carol, live, "carol")
    expect(carol.locator(f"#c-{first}")).to_have_class("comment current")  # not alice's any more
    expect(carol.locator(f"#c-{second} .claim")).to_have_text("alice has it")
    # Tabbing into another comment's controls makes it the one the keys act on.
    alice.locator(f"#c-{third} button.approve").focus()
    expect(alice.locator(f"#c-{third}")).to_have_class("comment current")
    alice.keyboard.press("a")
    expect(alice.locator(f"#c-{third}")).to_have_count(0)
    assert _status(app, third)[0] == "approved" and _status(app, second)[0] == "held"


def test_r_in_the_reason_list_rejects_with_the_chosen_reason(app: Flask, live, new_page) -> None:
    comment = held_comment(app, live["site"], "Reject me, idiot")
    page = new_page()
    log_in(page, live, "alice")
    reason = page.locator(f"#c-{comment} select.reason")
    reason.select_option("spam")
    reason.focus()
    page.keyboard.press("r")  # the list's type-ahead would have picked "Respect privacy"
    expect(page.locator(f"#c-{comment}")).to_have_count(0)
    expect(page.locator("#status")).to_contain_text("1 rejected (")
    status, reasons = _status(app, comment)
    assert status == "rejected" and reasons[0]["guideline"] == "spam"


def test_logged_out_in_another_tab_says_so_with_a_login_link(app: Flask, live, new_page) -> None:
    comment = held_comment(app, live["site"], "Still here")
    page = new_page()
    log_in(page, live, "alice")
    other = page.context.new_page()  # same cookies: another tab of the same browser
    other.goto(live["url"] + "/queue")
    other.click("#logout")
    page.keyboard.press("a")
    expect(page.locator("#status")).to_contain_text("logged out")
    expect(page.locator("#status a")).to_have_attribute("href", "/login")
    assert _status(app, comment)[0] == "held"


def _keep_screenshot(path: Path) -> None:
    """The README's picture comes from a test run; refresh it when asked to."""
    import os

    target = os.environ.get("MODERATION_SCREENSHOT_TO")
    if target:
        shutil.copyfile(path, target)

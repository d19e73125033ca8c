"""/dashboard: figures over the moderator's sites that match the database, and its SVG plots."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from flask import Flask

from models.guidelines import GUIDELINES
from service.storage import appeals, db, model_state
from tests.helpers.apps import make_site
from tests.helpers.comments import auth
from tests.helpers.moderation import api, held_comment, login, make_user


def _cells(page: str, row: str) -> list[str]:
    """The three window cells (24h, 7d, 30d) of a row of the figures table, as text."""
    found = re.search(rf'<th scope="row">{row}</th>(.*?)</tr>', page, re.S)
    assert found, row
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", found[1])]


def test_dashboard_figures_match_the_database(server_app: Flask) -> None:
    server_app.config["SESSION_COOKIE_SECURE"] = False
    site, _ = make_site(server_app)
    other, _ = make_site(server_app, "Other")
    password = make_user(server_app, "alice", sites=[site])
    held = [held_comment(server_app, site, f"held {i}, idiot") for i in range(3)]
    held_comment(server_app, site, "fine", action="approve", reasons=[])
    held_comment(server_app, site, "awful", action="reject")
    held_comment(server_app, other, "not alice's")  # another site: never counted
    client = server_app.test_client()
    token = login(client, "alice", password)
    api(client, token, "/queue/api/decisions", {"ids": [held[0]], "action": "approve"})
    api(client, token, "/queue/api/decisions", {"ids": [held[1]], "action": "reject"})
    page = client.get("/dashboard").get_data(as_text=True)
    assert _cells(page, "received") == ["5", "5", "5"]
    assert _cells(page, "approved by the machine") == ["1", "1", "1"]
    assert _cells(page, "held by the machine") == ["3", "3", "3"]
    assert _cells(page, "rejected by the machine") == ["1", "1", "1"]
    assert _cells(page, "approved by people") == ["1", "1", "1"]
    assert _cells(page, "rejected by people") == ["1", "1", "1"]
    assert _cells(page, "hold rate") == ["60 %", "60 %", "60 %"]
    assert re.search(
        r'<th scope="row">alice</th><td><a href="/dashboard/list\?window=7d&amp;figure=moderator'
        r'&amp;value=alice">2</a>',
        page,
    )
    # Approving what the machine held for abuse is a reversal of "Be respectful".
    assert re.search(
        r'Be respectful</th><td><a href="/dashboard/list\?window=7d&amp;figure=reversal'
        r'&amp;value=abuse">1</a>',
        page,
    )
    assert re.search(r'id="median-wait"><a href="[^"]+">\d+ s<', page)
    assert 'id="dash-held">1 held</a>' in page  # one still waiting
    assert page.count("<svg") == 2 and page.count('class="bar-') >= 3
    with server_app.app_context(), db.engine().connect() as conn:
        active = model_state.active_version(conn)
    assert f'<code id="active-model">{active}</code>' in page


def test_dashboard_needs_a_login_and_survives_an_empty_site(ui_app: Flask, two_sites) -> None:
    client = ui_app.test_client()
    assert client.get("/dashboard").status_code == 302
    login(client, "alice", two_sites["alice"])
    page = client.get("/dashboard?window=30d").get_data(as_text=True)
    assert _cells(page, "hold rate") == ["–", "–", "–"]
    assert "No decisions yet." in page
    assert client.get("/dashboard?window=nonsense").status_code == 200


def _linked_figures(page: str) -> list[tuple[str, str]]:
    """(list link, the number it is written on) for every number of the dashboard, the
    guideline bars' values included (their label is the link)."""
    cells = re.findall(r'<a href="(/dashboard/list\?[^"]+)">([^<]*)</a>', page)
    bars = re.findall(
        r'<a href="(/dashboard/list\?[^"]+)"><text[^>]*>[^<]*</text></a>'
        r"<rect[^>]*><title>[^<]*: (\d+)</title>",
        page,
    )
    return [(html.unescape(href), text) for href, text in cells + bars]


def _listed(client, href: str) -> int:
    page = client.get(href)
    assert page.status_code == 200, href
    found = re.search(r'id="figure-count">(\d+)<', page.get_data(as_text=True))
    assert found, href
    return int(found[1])


def test_every_dashboard_number_links_to_a_list_of_that_many(server_app: Flask) -> None:
    """Each number (appeal counts included) opens the list of what it counts, of its length."""
    server_app.config["SESSION_COOKIE_SECURE"] = False
    site, key = make_site(server_app)
    other, other_key = make_site(server_app, "Other")
    password = make_user(server_app, "alice", sites=[site])
    held = [held_comment(server_app, site, f"held {i}, idiot") for i in range(3)]
    held_comment(server_app, site, "fine", action="approve", reasons=[])
    rejected = [held_comment(server_app, site, f"awful {i}", action="reject") for i in range(3)]
    theirs = held_comment(server_app, other, "not alice's", action="reject")
    client = server_app.test_client()
    token = login(client, "alice", password)
    api(client, token, "/queue/api/decisions", {"ids": [held[0]], "action": "approve"})
    api(client, token, "/queue/api/decisions", {"ids": [held[1]], "action": "reject"})
    for comment_id, owner in [*((r, key) for r in rejected), (theirs, other_key)]:
        filed = client.post(
            f"/v1/comments/{comment_id}/appeals", json={"reason": "unfair"}, headers=auth(owner)
        )
        assert filed.status_code == 201
    reverse = {"ids": [rejected[0]], "action": "approve", "note": "quoting"}
    uphold = {"ids": [rejected[1]], "action": "reject", "guideline": "abuse", "note": "no"}
    for body in (reverse, uphold):
        decided = api(client, token, "/queue/api/decisions", body)
        assert decided.status_code == 200, decided.json
    page = client.get("/dashboard").get_data(as_text=True)
    assert _cells(page, "appeals filed") == ["3", "3", "3"]  # the other site's is not counted
    assert _cells(page, "appeals decided") == ["2", "2", "2"]
    assert _cells(page, "rejections upheld on appeal") == ["1", "1", "1"]
    assert _cells(page, "rejections reversed on appeal") == ["1", "1", "1"]
    assert 'id="dash-appeals">1 appeals</a>' in page  # still open, in the Appeals queue
    assert 'href="/queue?view=appeals"' in page
    figures = _linked_figures(page)
    assert len(figures) >= 11 * 3 + 3  # the table's rows, a moderator, a reversal, a bar
    for href, shown in figures:
        if shown.isdigit():
            assert _listed(client, href) == int(shown), href
        elif "figure=machine" in href:  # the hold rate: its holds
            assert shown.endswith("%") and "value=hold" in href
        else:
            assert "figure=waited" in href, href  # the median wait: the waits it is over
            assert _listed(client, href) == 2  # held[0] and held[1] waited for alice
    listed = client.get("/dashboard/list?window=30d&figure=appeals&value=reversed")
    assert rejected[0] in listed.get_data(as_text=True)
    assert rejected[1] not in listed.get_data(as_text=True)


def test_a_figure_the_dashboard_does_not_have_is_404(ui_app: Flask, two_sites) -> None:
    client = ui_app.test_client()
    assert client.get("/dashboard/list?figure=received").status_code == 302  # a login first
    login(client, "alice", two_sites["alice"])
    for query in ("figure=nonsense", "figure=machine&value=maybe", "figure=appeals&value=x", ""):
        answer = client.get(f"/dashboard/list?{query}")
        assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
    assert client.get("/dashboard/list?figure=received&window=1y").status_code == 200


def _appeal_rows(page: str) -> dict[str, dict[str, tuple[str, str]]]:
    """The appeals-per-guideline table: {guideline title: {outcome: (list link, number)}}."""
    table = re.search(r'<table class="history" id="appeals-by-guideline">(.*?)</table>', page, re.S)
    assert table, "no appeals-per-guideline table"
    rows = {}
    for title, cells in re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', table[1], re.S):
        found = re.findall(r'class="g-appeals-(\w+)"><a href="([^"]+)">(\d+)</a>', cells)
        rows[title] = {outcome: (html.unescape(href), n) for outcome, href, n in found}
    return rows


def _reject(app: Flask, site: str, text: str, guideline: str) -> str:
    reasons = [{"guideline": guideline, "score": 0.9, "action": "reject", "evidence": []}]
    return held_comment(app, site, text, action="reject", reasons=reasons)


def test_appeals_per_guideline_match_the_database_and_link_to_lists_of_that_many(
    server_app: Flask,
) -> None:
    """Filed counts appeals filed in the window; upheld and reversed, those settled in it."""
    server_app.config["SESSION_COOKIE_SECURE"] = False
    site, key = make_site(server_app)
    other, other_key = make_site(server_app, "Other")
    password = make_user(server_app, "alice", sites=[site])
    abuse = [_reject(server_app, site, f"abuse {i}", "abuse") for i in range(3)]
    spam = [_reject(server_app, site, f"spam {i}", "spam") for i in range(2)]
    theirs = _reject(server_app, other, "not alice's", "abuse")
    client = server_app.test_client()
    token = login(client, "alice", password)
    for comment_id, owner in [*((c, key) for c in abuse + spam), (theirs, other_key)]:
        filed = client.post(
            f"/v1/comments/{comment_id}/appeals", json={"reason": "unfair"}, headers=auth(owner)
        )
        assert filed.status_code == 201
    with server_app.app_context(), db.engine().begin() as conn:  # filed ten days ago
        conn.execute(
            appeals.appeals.update()
            .where(appeals.appeals.c.comment_id == abuse[0])
            .values(created_at=db.utcnow() - timedelta(days=10))
        )
    settle = [(abuse[0], "approve"), (abuse[1], "reject"), (spam[0], "reject")]
    for comment_id, action in settle:
        # An appeal counts under the appealed decision's guideline, whatever the new one names.
        body = {"ids": [comment_id], "action": action, "guideline": "spam", "note": "looked"}
        decided = api(client, token, "/queue/api/decisions", body)
        assert decided.status_code == 200, decided.json
    week = _appeal_rows(client.get("/dashboard").get_data(as_text=True))
    respectful, no_spam = GUIDELINES["abuse"].title, GUIDELINES["spam"].title
    assert {t: {o: n for o, (_, n) in row.items()} for t, row in week.items()} == {
        respectful: {"filed": "2", "upheld": "1", "reversed": "1"},  # abuse[0] filed before
        no_spam: {"filed": "2", "upheld": "1", "reversed": "0"},
    }
    month = _appeal_rows(client.get("/dashboard?window=30d").get_data(as_text=True))
    with server_app.app_context(), db.engine().connect() as conn:
        stored = appeals.counts_by_guideline(conn, [site])  # all time: 30 days here
    for code, title in (("abuse", respectful), ("spam", no_spam)):
        assert month[title]["filed"][1] == str(stored[code]["appeals"])
        for outcome in ("upheld", "reversed"):
            assert month[title][outcome][1] == str(stored[code][outcome])
    for rows in (week, month):
        for row in rows.values():
            for href, shown in row.values():
                assert _listed(client, href) == int(shown), href
    listed = client.get(week[respectful]["reversed"][0]).get_data(as_text=True)
    assert abuse[0] in listed and abuse[1] not in listed and theirs not in listed
    assert "Rejections reversed on appeal: Be respectful" in listed
    # Its guideline column names what the appealed decision rested on, not the new one.
    assert "<td>abuse</td>" in listed and "<td>spam</td>" not in listed


def test_each_day_bar_of_the_chart_links_to_that_days_decisions(server_app: Flask) -> None:
    server_app.config["SESSION_COOKIE_SECURE"] = False
    site, _ = make_site(server_app)
    password = make_user(server_app, "alice", sites=[site])
    today = [held_comment(server_app, site, f"held {i}, idiot") for i in range(2)]
    today.append(held_comment(server_app, site, "fine", action="approve", reasons=[]))
    earlier = held_comment(server_app, site, "old, idiot")
    three_days_ago = db.utcnow() - timedelta(days=3)
    with server_app.app_context(), db.engine().begin() as conn:
        conn.execute(
            db.decisions.update()
            .where(db.decisions.c.comment_id == earlier)
            .values(created_at=three_days_ago)
        )
    client = server_app.test_client()
    login(client, "alice", password)
    answer = client.get("/dashboard")
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    page = answer.get_data(as_text=True)
    bars = re.findall(
        r'<a class="day-bar" href="([^"]+)" aria-label="([\d-]+): (\d+) decisions">(.*?)</a>', page
    )
    days = {day: (html.unescape(href), int(n), stack) for href, day, n, stack in bars}
    assert set(days) == {db.utcnow().strftime("%Y-%m-%d"), three_days_ago.strftime("%Y-%m-%d")}
    for day, (href, total, stack) in days.items():
        assert total == sum(int(n) for n in re.findall(r": (\d+) \w+</title>", stack))
        assert _listed(client, href) == total, day
    listed = client.get(days[three_days_ago.strftime("%Y-%m-%d")][0]).get_data(as_text=True)
    assert earlier in listed and not any(c in listed for c in today)
    assert "<script" not in page.split("</svg>")[0].split('class="chart"')[1]


def test_a_day_that_is_no_date_is_404(ui_app: Flask, two_sites) -> None:
    client = ui_app.test_client()
    login(client, "alice", two_sites["alice"])
    for value in ("yesterday", "2026-13-01", "9999-12-31", ""):
        answer = client.get(f"/dashboard/list?figure=day&value={value}")
        assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
    assert client.get("/dashboard/list?figure=day&value=2026-12-01").status_code == 200

"""/dashboard: figures over the moderator's sites that match the database, and its SVG plots."""

from __future__ import annotations

import html
import re

from flask import Flask

from service.storage import db, model_state
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

"""/dashboard: figures over the moderator's sites that match the database, and its SVG plots."""

from __future__ import annotations

import re

from flask import Flask

from service.storage import db, model_state
from tests.helpers.apps import make_site
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
    assert re.search(r'<th scope="row">alice</th><td><a href="/history">2</a>', page)
    # Approving what the machine held for abuse is a reversal of "Be respectful".
    assert re.search(r'Be respectful</th><td><a href="/queue\?guideline=abuse">1</a>', page)
    assert re.search(r'id="median-wait">\d+ s<', page)
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

"""Hostile comment text, author names, article titles and URLs are shown as text, not markup."""

from __future__ import annotations

import pytest
from flask import Flask

from service.moderation.highlight import safe_href, segments, spans_of
from tests.helpers.moderation import held_comment, login

SCRIPT = "<script>alert(1)</script>"
HANDLER = '<img src=x onerror="alert(2)">'


def _hostile(app: Flask, site: str) -> str:
    text = f'{SCRIPT} you idiot {HANDLER} "quoted" &amp;'
    start = text.index("idiot")
    reasons = [
        {"guideline": "abuse", "score": 0.9, "action": "hold", "detail": HANDLER,
         "evidence": [{"start": 0, "end": 7, "text": "<script"},
                      {"start": start, "end": start + 5, "text": "idiot"}]},
        {"guideline": "<b>bold</b>", "score": 0.5, "action": "hold", "evidence": []},
    ]  # fmt: skip
    held_comment(app, site, "parent " + SCRIPT, action="approve", external_id="p9", reasons=[])
    return held_comment(
        app,
        site,
        text,
        reasons=reasons,
        author_name=f"{HANDLER}{SCRIPT}",
        article_title=f"</title>{SCRIPT}",
        article_url="javascript:alert(3)",
        parent_id="p9",
    )


def test_hostile_fields_are_escaped_on_the_queue(ui_app: Flask, two_sites) -> None:
    _hostile(ui_app, two_sites["a"])
    client = ui_app.test_client()
    login(client, "alice", two_sites["alice"])
    page = client.get("/queue").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in page
    # The span cuts through the tag, and the cut pieces are escaped too.
    assert "<mark>&lt;script</mark>&gt;alert(1)" in page
    assert "you <mark>idiot</mark>" in page
    assert "&amp;amp;" in page
    assert 'href="javascript:' not in page.lower()
    assert "javascript:alert(3)" in page  # shown as text, beside the title, not as a link


@pytest.mark.parametrize("path", ["/history", "/audit"])
def test_hostile_fields_are_escaped_on_history_and_audit(ui_app: Flask, two_sites, path) -> None:
    from tests.helpers.moderation import api

    comment = _hostile(ui_app, two_sites["a"])
    client = ui_app.test_client()
    token = login(client, "alice", two_sites["alice"])
    api(client, token, "/queue/api/decisions", {"ids": [comment], "action": "approve"})
    url = f"/comments/{comment}/audit" if path == "/audit" else path
    page = client.get(url).get_data(as_text=True)
    assert "&lt;script&gt;" in page
    assert "<script>alert" not in page and "<img src=x" not in page
    assert 'href="javascript:' not in page.lower()


def test_pages_carry_a_strict_content_security_policy(ui_app: Flask, two_sites) -> None:
    client = ui_app.test_client()
    for path in ("/login", "/moderation/static/queue.js"):
        csp = client.get(path).headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    login(client, "alice", two_sites["alice"])
    page = client.get("/queue")
    assert "Content-Security-Policy" in page.headers
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script_or_handlers(ui_app: Flask, two_sites) -> None:
    held_comment(ui_app, two_sites["a"])
    client = ui_app.test_client()
    login(client, "alice", two_sites["alice"])
    for path in ("/queue", "/history", "/login"):
        page = client.get(path).get_data(as_text=True)
        for tag in page.split("<script")[1:]:
            assert tag.lstrip().startswith("src="), path  # only external script files
        assert " onclick=" not in page and " onload=" not in page


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//evil.example",
     "http:evil", "vbscript:x", "https://ok.example/\nx", ""],
)  # fmt: skip
def test_only_plain_http_links_are_links(url: str) -> None:
    assert safe_href(url) is None


def test_http_and_https_links_pass() -> None:
    assert safe_href("https://news.example/a?b=1") == "https://news.example/a?b=1"
    assert safe_href("HTTP://news.example/") == "HTTP://news.example/"


def test_segments_merge_overlaps_and_drop_bad_spans() -> None:
    text = "abcdefgh"
    assert segments(text, [(1, 3), (2, 5), (7, 99), (6, 4), (-5, 0)]) == [
        ("a", False), ("bcde", True), ("fg", False), ("h", True),
    ]  # fmt: skip
    assert "".join(s for s, _ in segments(text, [(3, 4)])) == text


def test_a_rules_whole_comment_span_is_not_marked_over_the_words_found() -> None:
    text = "YOU ARE AN IDIOT"
    reasons = [
        {"guideline": "abuse", "rule": None, "evidence": [{"start": 11, "end": 16}]},
        {"guideline": "civility", "rule": "shouting", "evidence": [{"start": 0, "end": 16}]},
    ]
    assert segments(text, spans_of(reasons, len(text))) == [
        ("YOU ARE AN ", False), ("IDIOT", True),
    ]  # fmt: skip


def test_bidi_controls_are_shown_not_obeyed() -> None:
    text = "\u202eyou are an idiot\u202c ok"
    shown = "".join(run for run, _ in segments(text, []))
    assert shown == "⟨RLO⟩you are an idiot⟨PDF⟩ ok"

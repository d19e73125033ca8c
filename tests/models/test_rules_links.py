"""Links: schemes, www., bare and spelt-out domains; allowed domains pass."""

from __future__ import annotations

import pytest

from models.policy import LinksRule
from models.rules.links import find_links, links_findings


@pytest.mark.parametrize(
    ("text", "url", "domain"),
    [
        ("see https://example.com/a?b=1.", "https://example.com/a?b=1", "example.com"),
        ("see http://sub.example.co.uk", "http://sub.example.co.uk", "sub.example.co.uk"),
        ("go to www.example.org/page, now", "www.example.org/page", "example.org"),
        ("cheap pills at example.com/x", "example.com/x", "example.com"),
        ("cheap pills at EXAMPLE.COM", "EXAMPLE.COM", "example.com"),
        ("visit bit.ly/abc123", "bit.ly/abc123", "bit.ly"),
        ("visit example dot com today", "example dot com", "example.com"),
        ("visit example[.]com today", "example[.]com", "example.com"),
        (
            "(source: https://news.example.com/story)",
            "https://news.example.com/story",
            "news.example.com",
        ),
    ],
)
def test_links_are_found_with_their_domain(text: str, url: str, domain: str) -> None:
    [link] = find_links(text)
    assert (link.url, link.domain) == (url, domain)
    assert text[link.start : link.end] == url


@pytest.mark.parametrize(
    "text",
    [
        "That was the end.It was over",
        "e.g. this, i.e. that",
        "It cost 3.50 in 2024.",
        "the file report.pdf is attached",
        "mail me at jane@example.com",  # an e-mail is personal data, not a link
        "the UN.US relationship",
    ],
)
def test_non_links_are_not_found(text: str) -> None:
    assert find_links(text) == []


def test_links_are_held_by_default() -> None:
    [finding] = links_findings("read example.com/x", LinksRule())
    assert (finding.guideline, finding.action) == ("links", "hold")
    assert [s.text for s in finding.evidence] == ["example.com/x"]


def test_allowed_domain_and_its_subdomains_pass() -> None:
    rule = LinksRule(allowed_domains=("example.com",))
    assert links_findings("see https://www.example.com/x and news.example.com", rule) == []
    [finding] = links_findings("see example.com and evil.com", rule)
    assert [s.text for s in finding.evidence] == ["evil.com"]


def test_allow_action_switches_links_off() -> None:
    assert links_findings("see example.com", LinksRule(action="allow")) == []

"""The cheap prefilters of the links, personal-data and flooding rules never change a finding.

Each prefilter skips a rule's full pattern when the text lacks something every match needs
(a digit, an "@" or a spelt-out "at", a full stop before a letter, a repeated character or
word). These tests run both ways on texts built to sit at the edge of each condition.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from models.policy import ShoutingRule
from models.rules.links import find_links
from models.rules.personal import find_addresses, find_emails, find_phones
from models.rules.shouting import shouting_findings

EDGES = [
    "Oooooo scawy",  # a repeated letter in two cases
    "lol LOL lol Lol lol lol",  # a repeated word in mixed case
    "no no no no no no",
    "the the the the the",  # one short of a flood
    "------ layout ......",
    "jane (AT) example DOT com",
    "jane [at] example [dot] org",
    "write to jane at example dot com",
    "mail me: someone@example.co.uk",
    "see example[.]com or example(.)net",
    "EXAMPLE.COM is shouting a domain",
    "http://localhost:8080/admin",
    "www.example.org/path?x=1",
    "ｅｘａｍｐｌｅ．ｃｏｍ in full width",
    "call +44 20 7946 0958 today",
    "(555) 123-4567",
    "221B Baker Street",
    "١٢ Elm Street",  # Arabic-Indic digits before a street
    "ＫＫＫＫＫＫ",  # non-ASCII letters in a run
    "ſſſſſſ Straße",
    "K\u212a\u212akkk",  # the Kelvin sign folds to k
    "nothing here at all",
    "",
]


def _all(text: str, prefilter: bool) -> list:
    return [
        find_links(text, prefilter=prefilter),
        find_emails(text, prefilter=prefilter),
        find_phones(text, prefilter=prefilter),
        find_addresses(text, prefilter=prefilter),
        shouting_findings(text, ShoutingRule(), prefilter=prefilter),
        shouting_findings(text, ShoutingRule(max_repeat=2), prefilter=prefilter),
    ]


def test_the_edges_are_found_alike_with_and_without_the_prefilters() -> None:
    for text in EDGES:
        assert _all(text, True) == _all(text, False), text


def test_the_edges_include_findings_the_prefilters_must_not_skip() -> None:
    # Guards the test above: it is only worth something if the edges hold real findings.
    assert find_links("see example[.]com")
    assert find_emails("jane (AT) example DOT com")
    assert find_addresses("١٢ Elm Street")
    assert shouting_findings("Oooooo scawy", ShoutingRule())
    assert shouting_findings("K\u212a\u212akkk", ShoutingRule(max_repeat=2))


_PIECES = st.sampled_from(
    ["lol", "LoL", "no", " ", "  ", ".", "..", "-", "@", " at ", "(at)", " dot ", "[.]", "com",
     "org", "www", "://", "http", "5", "555", "12", "Street", "St", "a", "A", "o", "O", "K",
     "\u212a", "ſ", "s", "é", "\n", "!", "!!!"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_built_texts_are_found_alike_with_and_without_the_prefilters(text: str) -> None:
    assert _all(text, True) == _all(text, False)

"""Links: URLs with a scheme, "www." addresses, bare domains ("example.com/x") and spelt-out
domains ("example dot com"), each with the domain it points to.

Bare domains are only taken with a known top-level domain, so that a missing space after a full
stop ("the end.It was") or an abbreviation ("e.g.") is not a link.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from models.policy import LinksRule
from models.rules.finding import Finding, span_of

__all__ = ["Link", "find_links", "links_findings"]

# Generic TLDs common in spam plus country codes; not every TLD, to keep false positives down.
_TLD_NAMES = (
    "com net org info biz io co ai app dev xyz online site shop store top club live news blog "
    "me tv ly gl to cc ws su tk ml ga cf gq gov edu mil int link click win bid loan vip pro "
    "uk de fr es it nl eu ca au in br jp ch se no pl us be at dk fi ie nz za mx ar ru cn kr "
    "tw hk sg my ph id th vn tr gr pt cz hu ro ua il ae sa ng ke eg is lu sk si hr bg lt lv ee"
)
_TLDS = frozenset(_TLD_NAMES.split())
_TLD = "|".join(sorted(_TLDS, key=len, reverse=True))
# Case-sensitive in bare domains: "example.com" and "EXAMPLE.COM", but not "the end.It was" or
# "UN.US" (two-letter TLDs only in lower case).
_UPPER_TLD = "|".join(t.upper() for t in sorted(_TLDS, key=len, reverse=True) if len(t) > 2)
_BARE_TLD = f"(?-i:{_TLD}|{_UPPER_TLD})"
# "example dot com", "example[.]com", with the spaces around it. Possessive (Python 3.11): the
# spaces before and after a "dot" belong to it alone, so a long run of spaces is read once, not
# once per way of sharing it between overlapping quantifiers (cubic: 809 characters took 2.4 s).
_SPELT = r"(?:\s*+(?:\[\.\]|\(\.\)|\[dot\]|\(dot\))\s*+|\s++dot\s++)"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_PATH = r"(?:[/?#:][^\s<>\"'()\[\]{}]*)?"
_LINK = re.compile(
    rf"""
    (?P<scheme>\b(?:https?|ftp)://[^\s<>"']+)
  | (?P<www>\bwww\d{{0,3}}\.{_LABEL}(?:\.{_LABEL})*{_PATH})
  | (?<![@\w.-])(?P<bare>(?:{_LABEL}\.)+{_BARE_TLD}\b(?![.-]?\w){_PATH})
  | (?P<spelt>\b(?>{_LABEL}){_SPELT}(?:com|net|org|info|io|co)\b)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_TRAILING = ".,;:!?'\")]}>"
_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/?#\s]*@)?([^/?#:\s]+)", re.IGNORECASE)
_SPELT_DOT = re.compile(_SPELT, re.IGNORECASE)
# What every branch of _LINK needs somewhere: "://", a full stop before a label or TLD letter
# ("www.", "example.com", "[.]" and "(.)" too), or a spelt-out "dot". Nine comments in ten have
# none of them, and this search costs a tenth of the full pattern.
_MAYBE_LINK = re.compile(r"\.[^\s.]|://|dot", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Link:
    start: int
    end: int
    url: str
    domain: str  # lowercase, without "www."


def find_links(text: str, *, prefilter: bool = True) -> list[Link]:
    """Every link in `text`; `prefilter=False` runs the full pattern even on text without a
    trace of one (the tests compare the two)."""
    # Full-width and other compatibility forms ("ｅｘａｍｐｌｅ．ｃｏｍ") fold to ASCII; NFKC
    # changes length only for rare characters, so fall back to the text as written when it does.
    folded = unicodedata.normalize("NFKC", text)
    if len(folded) != len(text):
        folded = text
    if prefilter and not _MAYBE_LINK.search(folded):
        return []
    links = []
    for m in _LINK.finditer(folded):
        start, end = m.span()
        url = m.group()
        if not m.group("spelt"):
            while url and url[-1] in _TRAILING:
                url, end = url[:-1], end - 1
        domain = _domain(_SPELT_DOT.sub(".", url) if m.group("spelt") else url)
        if domain:
            links.append(Link(start, end, text[start:end], domain))
    return links


def _domain(url: str) -> str:
    m = _HOST.match(url)
    host = m.group(1).lower().rstrip(".") if m else ""
    return host[4:] if host.startswith("www.") else host


def _allowed(domain: str, allowed: tuple[str, ...]) -> bool:
    return any(domain == d or domain.endswith("." + d) for d in allowed)


def links_findings(text: str, rule: LinksRule) -> list[Finding]:
    if rule.action == "allow":
        return []
    links = [lk for lk in find_links(text) if not _allowed(lk.domain, rule.allowed_domains)]
    if not links:
        return []
    evidence = [span_of(text, lk.start, lk.end) for lk in links]
    domains = ", ".join(sorted({lk.domain for lk in links}))
    return [Finding("links", "links", rule.action, evidence, f"links to {domains}")]

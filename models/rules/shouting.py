"""Shouting (mostly capitals) and flooding (long runs of one character or one word)."""

from __future__ import annotations

import re
from functools import lru_cache

from models.policy import ShoutingRule
from models.rules.finding import Finding, span_of

__all__ = ["caps_share", "shouting_findings"]

# A stretch of the text with no lowercase letter and at least two capitals: the shouted part.
# It starts only where such a stretch can start (after a space, a lowercase letter or at the
# beginning) and runs possessively to its first capital: tried from every digit of a long run,
# "20 capitals, a space, 20,000 digits" took 2.6 s.
_SHOUTED = re.compile(r"(?<![^\sa-z])[^\sa-zA-Z]*+[A-Z][^a-z]*[A-Z][^\sa-z]*")


_ASCII_UPPER = re.compile(r"[A-Z]")
_ASCII_LOWER = re.compile(r"[a-z]")


def caps_share(text: str) -> tuple[float, int]:
    """Share of cased letters that are capitals, and the number of cased letters."""
    if text.isascii():  # the common case, counted in C
        upper, lower = len(_ASCII_UPPER.findall(text)), len(_ASCII_LOWER.findall(text))
    else:
        upper = sum(map(str.isupper, text))
        lower = sum(map(str.islower, text))
    cased = upper + lower
    return (upper / cased if cased else 0.0), cased


@lru_cache(maxsize=32)
def _flood_pattern(max_repeat: int) -> re.Pattern[str]:
    # One character more than max_repeat times ("!!!!!!!", "noooooooo", emoji), or one word
    # repeated that often ("lol lol lol ..."). Rules and ellipses drawn with . - _ = * ~ # are
    # layout, not flooding (2% of real news comments have a "-----" or "......").
    return re.compile(
        rf"([^\s.\-_=*~#,:;/\\|+])\1{{{max_repeat},}}|\b(\w+)(?:\W+\2\b){{{max_repeat},}}",
        re.IGNORECASE,
    )


def shouting_findings(text: str, rule: ShoutingRule) -> list[Finding]:
    if rule.action == "allow":
        return []
    findings = []
    share, cased = caps_share(text)
    if cased >= rule.min_letters and share >= rule.caps_share:
        evidence = [span_of(text, *m.span()) for m in _SHOUTED.finditer(text)]
        findings.append(
            Finding("shouting", "capitals", rule.action, evidence, f"{share:.0%} capitals")
        )
    floods = [span_of(text, *m.span()) for m in _flood_pattern(rule.max_repeat).finditer(text)]
    if floods:
        findings.append(
            Finding("shouting", "flooding", rule.action, floods, "repeated characters or words")
        )
    return findings

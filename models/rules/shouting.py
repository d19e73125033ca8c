"""Shouting (mostly capitals) and flooding (long runs of one character or one word)."""

from __future__ import annotations

import itertools
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


_UPPER_BYTES = bytes(range(ord("A"), ord("Z") + 1))
_LOWER_BYTES = bytes(range(ord("a"), ord("z") + 1))
_WORD = re.compile(r"\w+")


def caps_share(text: str) -> tuple[float, int]:
    """Share of cased letters that are capitals, and the number of cased letters."""
    if text.isascii():  # the common case, counted in C: the bytes deleted are the letters
        raw = text.encode("ascii")
        upper = len(raw) - len(raw.translate(None, _UPPER_BYTES))
        lower = len(raw) - len(raw.translate(None, _LOWER_BYTES))
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


def _may_flood(text: str, max_repeat: int) -> bool:
    """False only when _flood_pattern cannot match: no character and no word repeated.

    The word branch (a backreference tried at every word) is most of the rule's cost, and
    needs more than max_repeat equal words in a row; an ASCII text without such a run and
    without a long run of one character is settled here. Other text takes the full pattern
    (case-insensitive matching folds some non-ASCII letters that lower() does not).
    """
    if not text.isascii() or _char_pattern(max_repeat).search(text):
        return True
    words = _WORD.findall(text.lower())
    run = 1
    for before, word in itertools.pairwise(words):
        run = run + 1 if word == before else 1
        if run > max_repeat:
            return True
    return False


@lru_cache(maxsize=32)
def _char_pattern(max_repeat: int) -> re.Pattern[str]:
    return re.compile(rf"(.)\1{{{max_repeat},}}", re.DOTALL | re.IGNORECASE)


def shouting_findings(text: str, rule: ShoutingRule, *, prefilter: bool = True) -> list[Finding]:
    """`prefilter=False` runs the flooding pattern on every text (the tests compare the two)."""
    if rule.action == "allow":
        return []
    findings = []
    share, cased = caps_share(text)
    if cased >= rule.min_letters and share >= rule.caps_share:
        evidence = [span_of(text, *m.span()) for m in _SHOUTED.finditer(text)]
        findings.append(
            Finding("shouting", "capitals", rule.action, evidence, f"{share:.0%} capitals")
        )
    floods = []
    if not prefilter or _may_flood(text, rule.max_repeat):
        pattern = _flood_pattern(rule.max_repeat)
        floods = [span_of(text, *m.span()) for m in pattern.finditer(text)]
    if floods:
        findings.append(
            Finding("shouting", "flooding", rule.action, floods, "repeated characters or words")
        )
    return findings

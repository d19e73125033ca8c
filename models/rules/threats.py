"""Threat shapes a bag of n-grams misses: harm promised to the reader, their home named at them.

The classifier learns threats from the few the public sets hold, word by word; "i will find you
and break your legs" has no n-gram that a tweet corpus marks as a threat. Two shapes are
read here instead, on the normalised text:

- a promise of harm to the reader: a first-person future ("i will", "i'll", "we're going to")
  followed within a few words by "you"/"your" and a word of physical harm, or by "come for you";
- the reader's whereabouts named at them: "i know" / "we found" / "i've got" followed by where
  they live or sleep, their home, street, family or children.

Both hold for a person (the default action): the shapes are what threats look like, but a
person decides whether "i know where you live" is a threat or a neighbour's joke. Harm words are
physical only ("regret", "pay for this" and "be sorry" are as often political as menacing).

Every pattern is anchored on literal words, with bounded gaps of disjoint classes (`\\S+\\s+`),
so each starting point is tried a bounded number of ways: linear in the text's length.
"""

from __future__ import annotations

import re

from models.concepts import _VIOLENCE
from models.normalize import Normalized, normalize
from models.policy import ThreatsRule
from models.rules.finding import Finding, span_of_normalized

__all__ = ["threat_findings"]

_HARM_WORDS = sorted(
    set(_VIOLENCE.split())
    | {"hurt", "bleed", "dead", "die", "smash", "punch", "kick", "break", "cripple", "batter"},
    key=len,
    reverse=True,
)
_HARM = "|".join(re.escape(w) for w in _HARM_WORDS)
_APOS = "['’]"
_FUTURE = (
    rf"(?:i|we)(?:\s+will|{_APOS}ll|\s+shall|\s+am\s+going\s+to|{_APOS}m\s+going\s+to"
    rf"|\s+are\s+going\s+to|{_APOS}re\s+going\s+to|(?:{_APOS}m|{_APOS}re)?\s+gonna)"
)
_COMING = rf"(?:i|we)(?:{_APOS}m|{_APOS}re|\s+am|\s+are)\s+coming\s+(?:for|after)\s+"
_GAP = r"(?:\S+\s+){0,5}?"
_YOU = r"(?:you|your|yourself|ya|u)"
_PROMISE = re.compile(
    rf"(?<![\w'’]){_FUTURE}\s+(?:"
    rf"{_GAP}{_YOU}\b\s*{_GAP}(?:{_HARM})\b"  # "i will find you and break your legs"
    rf"|{_GAP}(?:{_HARM})\S*\s+{_YOU}\b"  # "i'm going to kill you"
    rf"|{_GAP}(?:come|coming)\s+(?:for|after)\s+{_YOU}\b"  # "i will come for you"
    rf")"
    rf"|(?<![\w'’]){_COMING}{_YOU}\b"  # "we're coming for you"
)
_HOME = (
    r"(?:home|address|street|postcode|house|flat|apartment|kids|children|family|wife|husband"
    r"|daughter|son|parents|workplace|car)"
)
_WHEREABOUTS = re.compile(
    rf"(?<![\w'’])(?:i|we)(?:{_APOS}ve|\s+have)?\s+(?:\S+\s+){{0,2}}?"
    r"(?:know|knows|found|find|got|have|tracked\s+down|looked\s+up)(?:\s+out)?\s+(?:"
    r"where\s+(?:you|your\s+\S+)\s+(?:live|lives|sleep|sleeps|park|parks)"
    rf"|(?:which|what)\s+\S+\s+your\s+{_HOME}"
    rf"|your\s+(?:\S+\s+)?{_HOME}\b(?!\s+(?:team|page|town|country))"
    r")"
)


def threat_findings(
    text: str, rule: ThreatsRule, normalized: Normalized | None = None
) -> list[Finding]:
    """A finding per threat shape found; none when the rule is switched off."""
    if rule.action == "allow":
        return []
    norm = normalized if normalized is not None else normalize(text)
    findings = []
    for pattern, name, detail in (
        (_PROMISE, "threat_promise", "harm promised to the reader"),
        (_WHEREABOUTS, "threat_whereabouts", "the reader's home or family named at them"),
    ):
        spans = [span_of_normalized(norm, m.start(), m.end()) for m in pattern.finditer(norm.text)]
        if spans:
            findings.append(Finding("threat", name, rule.action, spans, detail))
    return findings

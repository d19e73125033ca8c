"""Personal data: phone numbers, e-mail addresses and street addresses.

Phone numbers are found as digit groups with the separators people write ("+44 20 7946 0958",
"(555) 123-4567", "555-123-4567", "0049 30 1234567") and then judged by their digit count, so that
years, dates, prices and big round numbers ("100 000 000 people") are not taken for phones.
Street addresses are a house number, one to three name words and a street type ("221B Baker Street",
"1600 Pennsylvania Ave").
"""

from __future__ import annotations

import re

from models.policy import PersonalDataRule
from models.rules.finding import Finding, span_of

__all__ = ["find_addresses", "find_emails", "find_phones", "personal_data_findings"]

_PHONE_CANDIDATE = re.compile(
    r"(?<![\w+.,/-])(?:\+|\b00)?\(?\d[\d().\- ]{5,22}\d(?![\w])(?!\.\d)(?!,\d)", re.ASCII
)
_GROUP_SEP = re.compile(r"[\s().-]+")
_DATE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
_DECIMAL = re.compile(r"^\d+\.\d+$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[ .]\d{3})+$")
_RANGE = re.compile(r"^\d{4}\s*-\s*\d{4}$")  # "1990-2000", "2010 - 2020"
_BAD_SEPARATORS = re.compile(r"[.\- ]{3,}|\.\.|\(\(|\)\)")

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,24}\b"
    # Spelt out to slip past filters: "jane (at) example (dot) com", "jane at example dot com".
    # Possessive (Python 3.11): the spaces around an "at" or a "dot" belong to it alone, so a long
    # run of spaces is read once (overlapping quantifiers made 2,000 characters take 12 s).
    r"|(?<![\w.+-])[\w.+-]++(?:\s*+(?:\(at\)|\[at\])\s*+|\s++at\s++)[\w-]++"
    r"(?:\s*+(?:\(dot\)|\[dot\]|\.)\s*+|\s++dot\s++)(?:com|net|org|edu|gov|co\.uk|[a-z]{2})\b",
    re.IGNORECASE,
)
# What the e-mail forms need somewhere: an "@", or "at" spelt out ("(at)", "[at]", " at ").
_MAYBE_EMAIL = re.compile(r"@|\(at\)|\[at\]|\sat\s", re.IGNORECASE)
# Phone numbers and street addresses start with a digit (any script's: _ADDRESS's \d is Unicode).
_DIGIT = re.compile(r"\d")
# A plain "at" between ordinary words ("look at this dot com boom") is left to the stricter forms.
_PLAIN_AT = re.compile(r"\sat\s", re.IGNORECASE)  # as "\s+at\s+", without rescanning

# Street types that are also everyday words ("a 20 minute drive", "one way") count only after
# capitalised names ("Mulholland Drive"); the unambiguous ones in lower case too ("12 elm street").
_STREET_TYPES = "street|st|avenue|ave|road|rd|boulevard|blvd|strasse|straße"
_AMBIGUOUS_TYPES = (
    "lane|ln|drive|dr|court|ct|place|pl|way|close|crescent|cres|terrace|terr|square|sq|gardens|"
    "grove|parkway|pkwy|highway|hwy|row|mews|walk|rue|calle|via"
)
_NOT_A_NAME = (
    "the|a|an|of|in|on|at|to|and|or|my|our|your|his|her|their|this|that|more|less|than|per|"
    "people|years|days|times|dogs|cars|percent|mile|miles|km|minute|minutes|hour|hours|"
    "million|billion|thousand|lane|one|two|way"
)
_NAME = rf"(?!(?i:{_NOT_A_NAME})\b)"
_ADDRESS = re.compile(
    rf"\b\d{{1,5}}[a-zA-Z]?,?\s+(?:"
    rf"(?:{_NAME}[A-Z][\w'.-]*\s+){{1,3}}(?i:{_STREET_TYPES}|{_AMBIGUOUS_TYPES})"
    rf"|(?:{_NAME}[a-zA-Z][\w'.-]*\s+){{1,3}}(?i:{_STREET_TYPES})"
    rf")\b\.?"
)


def _is_phone(candidate: str) -> bool:
    if _BAD_SEPARATORS.search(candidate) or candidate.count("(") != candidate.count(")"):
        return False
    digits = sum(c.isdigit() for c in candidate)
    plain = candidate.lstrip("+")
    if _DATE.match(plain) or _DECIMAL.match(plain) or _RANGE.match(plain):
        return False
    if _THOUSANDS.match(plain) and not candidate.startswith("+"):
        return False
    international = candidate.startswith(("+", "00"))
    if international:
        return 8 <= digits <= 15
    if digits == 7:
        return bool(re.fullmatch(r"\d{3}[-. ]\d{4}", candidate))  # local "555-1234"
    groups = [g for g in _GROUP_SEP.split(candidate) if g]
    # A national number: 9-11 digits, written as one run or in a few groups.
    return 9 <= digits <= 11 and len(groups) <= 5


def find_phones(text: str, *, prefilter: bool = True) -> list[tuple[int, int]]:
    if prefilter and not _DIGIT.search(text):
        return []
    found = []
    for m in _PHONE_CANDIDATE.finditer(text):
        if _is_phone(m.group()):
            found.append(m.span())
    return found


def find_emails(text: str, *, prefilter: bool = True) -> list[tuple[int, int]]:
    if prefilter and not _MAYBE_EMAIL.search(text):
        return []
    found = []
    for m in _EMAIL.finditer(text):
        value = m.group()
        if "@" not in value and _PLAIN_AT.search(value) and " dot " not in value.lower():
            continue
        found.append(m.span())
    return found


def find_addresses(text: str, *, prefilter: bool = True) -> list[tuple[int, int]]:
    if prefilter and not _DIGIT.search(text):
        return []
    return [m.span() for m in _ADDRESS.finditer(text)]


_DETECTORS = {"phone": find_phones, "email": find_emails, "address": find_addresses}
_NAMES = {"phone": "a phone number", "email": "an e-mail address", "address": "a street address"}


def personal_data_findings(text: str, rule: PersonalDataRule) -> list[Finding]:
    if rule.action == "allow":
        return []
    findings = []
    for kind in rule.detect:
        spans = _DETECTORS[kind](text)
        if spans:
            evidence = [span_of(text, a, b) for a, b in spans]
            detail = f"looks like {_NAMES[kind]}"
            findings.append(Finding("privacy", kind, rule.action, evidence, detail))
    return findings

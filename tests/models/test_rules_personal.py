"""Personal data: phone numbers, e-mail addresses and street addresses."""

from __future__ import annotations

import pytest

from models.policy import PersonalDataRule
from models.rules.personal import (
    find_addresses,
    find_emails,
    find_phones,
    personal_data_findings,
)


def texts(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[a:b] for a, b in spans]


@pytest.mark.parametrize(
    "phone",
    [
        "+44 20 7946 0958",
        "(555) 123-4567",
        "555-123-4567",
        "555.123.4567",
        "5551234567",
        "+1 (555) 123-4567",
        "0049 30 1234567",
        "020 7946 0958",
        "+33 1 23 45 67 89",
        "555-1234",
    ],
)
def test_phone_formats_are_found(phone: str) -> None:
    text = f"call him on {phone} tonight"
    assert texts(text, find_phones(text)) == [phone]


@pytest.mark.parametrize(
    "text",
    [
        "In 1990 there were 100 000 000 people",
        "between 2010-2020 prices doubled",
        "on 2024-01-15 at 10.30",
        "pi is 3.14159265",
        "it cost £1,250,000",
        "the 1984 election",
    ],
)
def test_numbers_that_are_not_phones_are_not_found(text: str) -> None:
    assert find_phones(text) == []


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("write to jane.doe+news@example.co.uk now", "jane.doe+news@example.co.uk"),
        ("JOHN@EXAMPLE.COM", "JOHN@EXAMPLE.COM"),
        ("jane (at) example (dot) com", "jane (at) example (dot) com"),
        ("jane at example dot com", "jane at example dot com"),
    ],
)
def test_emails_are_found(text: str, email: str) -> None:
    assert texts(text, find_emails(text)) == [email]


def test_at_in_ordinary_prose_is_not_an_email() -> None:
    assert find_emails("look at this mess. Next time") == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("he lives at 221B Baker Street, London", "221B Baker Street"),
        ("protest at 1600 Pennsylvania Ave tomorrow", "1600 Pennsylvania Ave"),
        ("try 10 Downing St.", "10 Downing St."),
        ("at 42 old mill road", "42 old mill road"),
        ("parked at 12 Mulholland Drive", "12 Mulholland Drive"),
    ],
)
def test_street_addresses_are_found(text: str, address: str) -> None:
    assert texts(text, find_addresses(text)) == [address]


@pytest.mark.parametrize(
    "text",
    [
        "3 dogs in the street",
        "20 years on the road",
        "I walked 5 miles down the lane",
        "it is a 20 minute drive",
        "spending 10 billion one way or another",
    ],
)
def test_numbers_before_a_street_word_are_not_addresses(text: str) -> None:
    assert find_addresses(text) == []


def test_personal_data_is_held_under_privacy_with_one_finding_per_kind() -> None:
    text = "Ring 555-123-4567 or mail a@b.com, 12 Elm Street"
    findings = personal_data_findings(text, PersonalDataRule())
    assert [(f.guideline, f.rule, f.action) for f in findings] == [
        ("privacy", "phone", "hold"),
        ("privacy", "email", "hold"),
        ("privacy", "address", "hold"),
    ]


def test_detect_limits_the_kinds() -> None:
    findings = personal_data_findings("mail a@b.com", PersonalDataRule(detect=("phone",)))
    assert findings == []

"""What a rule found: the guideline it concerns, the action it asks for and where in the text."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.normalize import Normalized
from models.types import Span

__all__ = ["Finding", "span_of", "span_of_normalized"]


@dataclass(frozen=True)
class Finding:
    guideline: str  # a code of models.guidelines
    rule: str  # the rule that fired, e.g. "banned_words", "links", "phone"
    action: str  # "hold" or "reject"
    evidence: list[Span] = field(default_factory=list)
    detail: str = ""  # a short human explanation for the moderator


def span_of(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


def span_of_normalized(norm: Normalized, start: int, end: int) -> Span:
    """The original-text span behind normalized [start, end), including a squeezed stretch.

    The normaliser keeps only the first character of a stretched run ("asssss" -> "as"), so
    `to_original` alone would cut the evidence after the first "s".
    """
    a, b = norm.to_original(start, end)
    if end >= len(norm.text):
        b = max(b, len(norm.original.rstrip()))
    elif end > start:
        b = max(b, norm.offsets[end]) if norm.offsets[end] > norm.offsets[end - 1] else b
    original = norm.original
    while b > a and original[b - 1].isspace():
        b -= 1
    return Span(a, b, original[a:b])

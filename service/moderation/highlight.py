"""Evidence spans → text segments for the template; the template escapes every segment.

Nothing here produces HTML: the text is cut at the span offsets into (text, highlighted) pairs,
so hostile text can never be marked safe by accident.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def spans_of(reasons: Iterable[dict[str, Any]], text_length: int) -> list[tuple[int, int]]:
    """Evidence spans to mark. A rule's span over the whole comment (shouting, language) is left
    out: marking everything shows nothing, and it would hide the words the classifier found."""
    spans = []
    for reason in reasons:
        for span in reason.get("evidence") or []:
            start, end = span.get("start"), span.get("end")
            if not (isinstance(start, int) and isinstance(end, int)):
                continue
            if reason.get("rule") and start <= 0 and end >= text_length:
                continue
            spans.append((start, end))
    return spans


# Bidirectional controls can show a comment reversed or reordered ("\u202eyou idiot" reads as
# "toidi uoy"); the moderator sees them as named marks instead, in the segments' text only.
_BIDI = {
    "\u202a": "⟨LRE⟩", "\u202b": "⟨RLE⟩", "\u202c": "⟨PDF⟩", "\u202d": "⟨LRO⟩", "\u202e": "⟨RLO⟩",
    "\u2066": "⟨LRI⟩", "\u2067": "⟨RLI⟩", "\u2068": "⟨FSI⟩", "\u2069": "⟨PDI⟩",
}  # fmt: skip
_BIDI_TABLE = str.maketrans(_BIDI)


def visible_controls(text: str) -> str:
    return text.translate(_BIDI_TABLE)


def segments(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[str, bool]]:
    """Text cut into runs, marked where a span covers it (overlaps merged, bad spans dropped)."""
    cut = sorted((max(0, s), min(len(text), e)) for s, e in spans if s < e and s < len(text))
    merged: list[list[int]] = []
    for start, end in cut:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[tuple[str, bool]] = []
    pos = 0
    for start, end in merged:
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < len(text):
        out.append((text[pos:], False))
    return [(visible_controls(run), marked) for run, marked in out]


def safe_href(url: str | None) -> str | None:
    """The article link only when it is plainly http(s); anything else is shown as text."""
    if not url:
        return None
    candidate = url.strip()
    scheme = candidate.split(":", 1)[0].lower() if ":" in candidate else ""
    if scheme not in ("http", "https") or not candidate.lower().startswith(scheme + "://"):
        return None
    if any(ord(ch) < 0x20 or ch.isspace() for ch in candidate):
        return None
    return candidate

"""Evidence spans → text segments for the template; the template escapes every segment.

Nothing here produces HTML: the text is cut at the span offsets into (text, highlighted) pairs,
so hostile text can never be marked safe by accident.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def spans_of(reasons: Iterable[dict[str, Any]]) -> list[tuple[int, int]]:
    spans = []
    for reason in reasons:
        for span in reason.get("evidence") or []:
            start, end = span.get("start"), span.get("end")
            if isinstance(start, int) and isinstance(end, int):
                spans.append((start, end))
    return spans


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
    return out


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

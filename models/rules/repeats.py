"""The near-duplicate fingerprint the worker counts in Redis to find repeated posting."""

from __future__ import annotations

import hashlib
import re

from models.normalize import normalize

__all__ = ["fingerprint"]

# Digits, punctuation, symbols and whitespace are what spammers vary between copies
# ("Buy now!!! 50% off" / "buy now - 60% off"); the words stay.
_NOISE = re.compile(r"[\W\d_]+")


def fingerprint(text: str) -> str:
    """A stable 32-hex-digit key shared by copies of a text that differ only in case, spacing,
    punctuation, digits, look-alike characters or leetspeak. Texts with no letters at all
    (emoji, "!!!") all share the key of the empty text; the worker may skip counting those."""
    words = _NOISE.sub(" ", normalize(text).text).strip()
    return hashlib.blake2b(words.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()

"""Banned (reject) and suspect (hold) word lists, matched on evasion-proof normalised text.

Matching is by whole word, never by substring: "class", "Scunthorpe" and "assessment" do not
contain the word "ass". The comment goes through `models.normalize` (look-alikes, invisible
characters, leetspeak "@ss"/"4ss", spaced letters "a s s") and each listed entry through the same
function, so both sides are spelt the same way.

The normaliser squeezes a stretched letter to one ("asssss" -> "as"), which would make a stretched
"ass" look like the harmless "as". So words are looked up by their run-collapsed key ("as" for both)
and then checked run by run: a run must have the listed length, or be a squeezed stretch of three or
more letters in the original. A doubled letter alone is never taken for a single one ("good" is not
"god").

An entry ending in "*" matches words that start with it ("fuck*" matches "fuckers"). An entry of
several words matches that sequence of words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

from models.normalize import Normalized, normalize
from models.rules.finding import Finding, span_of_normalized

__all__ = ["WordMatcher", "find_words", "matcher_for"]

_TOKEN = re.compile(r"[^\W_]+")
# The normaliser leaves some leetspeak alone to protect ordinary text ("as$", "4$s": one letter
# after a digit could be "4th"). Here only listed words are looked up, so it is safe to read every
# mixed letters-and-symbols token as leetspeak (same length, so offsets stay 1:1). A trailing "!"
# or "|" stays punctuation ("ass!").
_MIXED = re.compile(r"[\w@$!|+]*[0-9@$!|+][\w@$!|+]*")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
     "@": "a", "$": "s", "!": "i", "|": "l", "+": "t"}
)  # fmt: skip


def _read_leet(m: re.Match[str]) -> str:
    token = m.group()
    core = token.rstrip("!|+")
    if not any("a" <= c <= "z" or c in "$@" for c in core):
        return token  # plain numbers are not words: "455" stays a number, "45$" reads "ass"
    return core.translate(_LEET) + token[len(core) :]


_RUNS = re.compile(r"(.)\1*")
_SQUEEZED_WIDTH = 3  # the normaliser squeezes runs of three or more


def _collapse(word: str) -> str:
    return "".join(ch for ch, _ in groupby(word))


def _runs(word: str) -> list[int]:
    return [m.end() - m.start() for m in _RUNS.finditer(word)]


@dataclass(frozen=True, slots=True)
class _Entry:
    source: str  # as the site listed it
    words: tuple[str, ...]  # normalised words
    prefix: bool  # the last word matches by prefix


class WordMatcher:
    """A compiled word list; build once per list (see `matcher_for`), match many comments."""

    def __init__(self, entries: tuple[str, ...]):
        self._exact: dict[tuple[str, ...], list[_Entry]] = {}
        self._prefix: list[_Entry] = []
        self._max_words = 1
        for source in entries:
            prefix = source.endswith("*")
            words = tuple(_TOKEN.findall(normalize(source.rstrip("*")).text))
            if not words:
                continue
            entry = _Entry(source, words, prefix)
            self._max_words = max(self._max_words, len(words))
            if prefix:
                self._prefix.append(entry)
            else:
                self._exact.setdefault(tuple(map(_collapse, words)), []).append(entry)

    def __bool__(self) -> bool:
        return bool(self._exact or self._prefix)

    def find(self, norm: Normalized) -> list[tuple[int, int, str]]:
        """(start, end, listed entry) in normalised-text positions, one per matched place."""
        text = _MIXED.sub(_read_leet, norm.text)
        if text != norm.text:
            norm = Normalized(norm.original, text, norm.offsets)
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(norm.text)]
        if not tokens:
            return []
        text = norm.text
        keys = [_collapse(text[a:b]) for a, b in tokens]
        found: list[tuple[int, int, str]] = []
        for i in range(len(tokens)):
            for n in range(1, min(self._max_words, len(tokens) - i) + 1):
                for entry in self._exact.get(tuple(keys[i : i + n]), ()):
                    if self._same(norm, tokens[i : i + n], entry):
                        found.append((tokens[i][0], tokens[i + n - 1][1], entry.source))
            for entry in self._prefix:
                n = len(entry.words)
                if i + n <= len(tokens) and self._same(norm, tokens[i : i + n], entry):
                    found.append((tokens[i][0], tokens[i + n - 1][1], entry.source))
        return found

    def _same(self, norm: Normalized, spans: list[tuple[int, int]], entry: _Entry) -> bool:
        last = len(entry.words) - 1
        for k, ((a, b), word) in enumerate(zip(spans, entry.words, strict=True)):
            token = norm.text[a:b]
            if entry.prefix and k == last:
                if not _collapse(token).startswith(_collapse(word)):
                    return False
            elif _collapse(token) != _collapse(word):
                return False
            if token == word or (entry.prefix and k == last and token.startswith(word)):
                continue
            if not self._runs_match(norm, a, token, word, prefix=entry.prefix and k == last):
                return False
        return True

    @staticmethod
    def _runs_match(norm: Normalized, start: int, token: str, word: str, *, prefix: bool) -> bool:
        offsets, pos = norm.offsets, start
        want = _runs(word)
        for k, got in enumerate(_runs(token)[: len(want)]):
            need = want[k]
            if got == need or (prefix and k == len(want) - 1 and got >= need):
                pos += got
                continue
            if got != 1:
                return False
            nxt = offsets[pos + 1] if pos + 1 < len(offsets) else len(norm.original)
            if nxt - offsets[pos] < _SQUEEZED_WIDTH:
                return False
            pos += 1
        return True


@lru_cache(maxsize=256)
def matcher_for(entries: tuple[str, ...]) -> WordMatcher:
    """One compiled matcher per distinct list; policies are reused across many comments."""
    return WordMatcher(entries)


def find_words(
    norm: Normalized, entries: tuple[str, ...], *, guideline: str, rule: str, action: str
) -> list[Finding]:
    if not entries:
        return []
    matches = matcher_for(entries).find(norm)
    if not matches:
        return []
    evidence = [span_of_normalized(norm, a, b) for a, b, _ in matches]
    listed = sorted({source for _, _, source in matches})
    return [Finding(guideline, rule, action, evidence, "listed: " + ", ".join(listed))]

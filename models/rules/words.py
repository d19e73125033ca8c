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

import functools
import hashlib
import re
from dataclasses import dataclass

from models.normalize import Normalized, normalize
from models.rules.finding import Finding, span_of_normalized

__all__ = ["WordMatcher", "find_words", "matcher_for"]

_TOKEN = re.compile(r"[^\W_]+")
# The normaliser leaves some leetspeak alone to protect ordinary text ("as$", "4$s": one letter
# after a digit could be "4th"). Here only listed words are looked up, so it is safe to read every
# mixed letters-and-symbols token as leetspeak (same length, so offsets stay 1:1). A trailing "!"
# or "|" stays punctuation ("ass!").
_MIXED = re.compile(r"(?<![\w@$!|+])(?=[\w@$!|+]*[0-9@$!|+])[\w@$!|+]+")
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


_REPEATS = re.compile(r"(.)\1+")


def _collapse(word: str) -> str:
    return _REPEATS.sub(r"\1", word)


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
        # Both indexes are keyed by the run-collapsed words, so one comment costs a few dict
        # look-ups per word whatever the length of the list.
        self._exact: dict[tuple[str, ...], list[_Entry]] = {}
        self._prefix: dict[tuple[str, ...], list[_Entry]] = {}
        word_counts: set[int] = set()
        prefix_shapes: set[tuple[int, int]] = set()  # (words, length of the collapsed prefix)
        for source in entries:
            prefix = source.endswith("*")
            words = tuple(_TOKEN.findall(normalize(source.rstrip("*")).text))
            if not words:
                continue
            entry = _Entry(source, words, prefix)
            key = tuple(map(_collapse, words))
            if prefix:
                self._prefix.setdefault(key, []).append(entry)
                prefix_shapes.add((len(key), len(key[-1])))
            else:
                self._exact.setdefault(key, []).append(entry)
                word_counts.add(len(key))
        self._word_counts = sorted(word_counts)
        self._prefix_shapes = sorted(prefix_shapes)
        self._max_words = max([*word_counts, *(n for n, _ in prefix_shapes), 1])
        # One regex (a trie, so its cost hardly grows with the list) finds the words that can
        # start an entry; only comments with such a word are looked at further in Python.
        whole = {key[0] for key in self._exact} | {key[0] for key in self._prefix if len(key) > 1}
        starts = {key[0] for key in self._prefix if len(key) == 1}
        alternatives = []
        if whole:
            alternatives.append(f"{_trie_pattern(whole)}(?![^\\W_])")
        if starts:
            alternatives.append(_trie_pattern(starts))
        self._starter = re.compile(f"(?<![^\\W_])(?:{'|'.join(alternatives) or '(?!)'})")

    def __bool__(self) -> bool:
        return bool(self._exact or self._prefix)

    def _candidates(self, keys: list[str], i: int) -> list[tuple[int, _Entry]]:
        """Entries whose collapsed words match the tokens from i on, with their word count."""
        out = []
        for n in self._word_counts:
            if i + n <= len(keys):
                out += [(n, e) for e in self._exact.get(tuple(keys[i : i + n]), ())]
        for n, length in self._prefix_shapes:
            if i + n <= len(keys) and len(keys[i + n - 1]) >= length:
                key = (*keys[i : i + n - 1], keys[i + n - 1][:length])
                out += [(n, e) for e in self._prefix.get(key, ())]
        return out

    def find(self, norm: Normalized, limit: int | None = None) -> list[tuple[int, int, str]]:
        """(start, end, listed entry) in normalised-text positions, one per matched place, the
        first `limit` of them."""
        text = _MIXED.sub(_read_leet, norm.text)
        if text != norm.text:
            norm = Normalized(norm.original, text, norm.offsets)
        starts = [m.start() for m in self._starter.finditer(norm.text)]
        if not starts:
            return []  # the common case: one regex scan and done
        tokens = [m.span() for m in _TOKEN.finditer(norm.text)]
        index = {a: i for i, (a, _) in enumerate(tokens)}
        firsts = [index[s] for s in starts if s in index]
        # Collapse only the words that a candidate entry can reach, not the whole comment.
        keys = [""] * len(tokens)
        found: list[tuple[int, int, str]] = []
        for i in firsts:
            for j in range(i, min(i + self._max_words, len(tokens))):
                if not keys[j]:
                    a, b = tokens[j]
                    keys[j] = _collapse(norm.text[a:b])
            for n, entry in self._candidates(keys, i):
                if self._same(norm, tokens[i : i + n], entry):
                    found.append((tokens[i][0], tokens[i + n - 1][1], entry.source))
            if limit is not None and len(found) >= limit:
                return found[:limit]
        return found

    def _same(self, norm: Normalized, spans: list[tuple[int, int]], entry: _Entry) -> bool:
        """Collapsed forms are equal already; check that each letter run is really the same."""
        last = len(entry.words) - 1
        for k, ((a, b), word) in enumerate(zip(spans, entry.words, strict=True)):
            token = norm.text[a:b]
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


def _trie_pattern(words: set[str]) -> str:
    """A regex alternation of `words` sharing common prefixes ("ab|ac" -> "a+(?:b+|c+)")."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def render(node: dict) -> str:
        ends = "" in node
        # "c+": the trie holds collapsed words and is run on the text as written ("asss").
        branches = [re.escape(ch) + "+" + render(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if ends else body

    return render(trie)


# A moderator needs a few places to see why; a comment repeating a listed word 5,000 times would
# otherwise cost 5,000 spans of work and storage for one decision.
MAX_EVIDENCE = 100


# Compiled matchers by the digest of their list's content: a site's new policy version with the
# same words in another order (or another site with the same list) reuses the one built already;
# a maximal list takes seconds to compile. This is the only place a matcher is kept, so at most
# MAX_MATCHERS of them live per process. The digest of a list seen before is remembered (its key
# only, never its matcher) so a comment does not sort and hash its site's lists again.
MAX_MATCHERS = 64
# Each holds the list's tuple (its strings are the policy's and the matcher's own) and a key.
MAX_DIGESTS = 2 * MAX_MATCHERS


class _ContentKey(str):
    """A list's content_key that carries the list's distinct entries, sorted: the matcher cache
    is keyed (hashed, compared) on the digest alone and builds from the entries."""

    entries: tuple[str, ...]


@functools.lru_cache(maxsize=MAX_DIGESTS)
def _key_of(entries: tuple[str, ...]) -> _ContentKey:
    distinct = tuple(sorted(set(entries)))
    key = _ContentKey(_digest(distinct))
    key.entries = distinct
    return key


@functools.lru_cache(maxsize=MAX_MATCHERS)
def _compiled(key: _ContentKey) -> WordMatcher:
    # Two threads may build the same list once each (lru_cache does not lock around a build).
    return WordMatcher(key.entries)


def _digest(distinct: tuple[str, ...]) -> str:
    return hashlib.sha256("\n".join(distinct).encode()).hexdigest()


def content_key(entries: tuple[str, ...]) -> str:
    """The sha256 of a list's distinct entries, whatever their order."""
    return _digest(tuple(sorted(set(entries))))


def matcher_for(entries: tuple[str, ...]) -> WordMatcher:
    """The compiled matcher of a list (one of at most MAX_MATCHERS kept per process)."""
    return _compiled(_key_of(entries))


def find_words(
    norm: Normalized, entries: tuple[str, ...], *, guideline: str, rule: str, action: str
) -> list[Finding]:
    if not entries:
        return []
    matches = matcher_for(entries).find(norm, limit=MAX_EVIDENCE)
    if not matches:
        return []
    evidence = [span_of_normalized(norm, a, b) for a, b, _ in matches]
    listed = sorted({source for _, _, source in matches})
    return [Finding(guideline, rule, action, evidence, "listed: " + ", ".join(listed))]

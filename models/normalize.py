"""Text normalisation against evasion, with a map back to the original characters.

The classifier only ever sees `Normalized.text`; evidence spans are mapped back to the
comment the user wrote through `Normalized.offsets`. Every step is length-tracked so that
`offsets[i]` is the index in `original` of the character that produced `text[i]`.

Speed matters (the scorer must handle thousands of comments a second), so the common
ASCII case skips the per-character Unicode table and every rewrite is a compiled regex
that does nothing when it does not match.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Normalized", "normalize"]


@dataclass(frozen=True, slots=True)
class Normalized:
    original: str
    text: str
    offsets: tuple[int, ...]
    # Where each character's source ends, where that is not just past `offsets[i]`: a character
    # decoded from an HTML entity ("&quot;") ends after the entity's ";". None: offsets[i] + 1.
    ends: tuple[int, ...] | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) range of `text` to a [start, end) range of `original`."""
        n = len(self.text)
        start = max(0, min(start, n))
        end = max(start, min(end, n))
        if start == end:
            pos = self.offsets[start] if start < n else len(self.original)
            return pos, pos
        last = self.ends[end - 1] if self.ends is not None else self.offsets[end - 1] + 1
        return self.offsets[start], last


# Look-alike letters from other scripts that NFKC leaves alone (Cyrillic, Greek, etc.).
_CONFUSABLES = {
    "а": "a", "в": "b", "с": "c", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j",
    "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "т": "t", "у": "y", "х": "x", "ѕ": "s",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ɑ": "a", "ı": "i", "ł": "l", "ø": "o", "đ": "d",
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ß": "ss", "æ": "ae", "œ": "oe",
    "þ": "th", "ð": "d", "ŀ": "l", "ℓ": "l", "∪": "u", "∩": "n", "⊂": "c", "√": "v",
}  # fmt: skip

_CHAR_CACHE: dict[str, str] = {}
_CACHE_LIMIT = 50_000


def _map_char(ch: str) -> str:
    """NFKC, drop invisible/format and combining characters, fold confusables, lowercase."""
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        cat = unicodedata.category(c)
        if cat in ("Cf", "Mn", "Me", "Cs", "Co", "Cn"):
            continue  # zero-width joiners, bidi marks, stray accents: invisible to a reader
        if cat == "Cc" and c not in "\t\n\r":
            continue
        if cat.startswith("Z") or c in "\t\n\r":
            out.append(" ")
            continue
        c = c.lower()
        c = _CONFUSABLES.get(c, c)
        if not c.isascii():
            # Strip accents: "fúck" -> "fuck". Keep letters without an ASCII base as they are.
            base = "".join(
                b for b in unicodedata.normalize("NFD", c) if not unicodedata.combining(b)
            )
            c = base or c
            c = _CONFUSABLES.get(c, c)
        out.append(c)
    return "".join(out)


_SPECIAL = re.compile(r"[^\x20-\x7e]")


def _unicode_pass(text: str) -> tuple[str, list[int]]:
    """Map non-printable-ASCII characters one by one; copy the ASCII runs between in bulk."""
    parts: list[str] = []
    offsets: list[int] = []
    cache = _CHAR_CACHE
    pos = 0
    for m in _SPECIAL.finditer(text):
        i = m.start()
        if i > pos:
            parts.append(text[pos:i].lower())
            offsets.extend(range(pos, i))
        ch = text[i]
        mapped = cache.get(ch)
        if mapped is None:
            mapped = _map_char(ch)
            if len(cache) < _CACHE_LIMIT:
                cache[ch] = mapped
        if mapped:
            parts.append(mapped)
            offsets.extend([i] * len(mapped))
        pos = i + 1
    if pos < len(text):
        parts.append(text[pos:].lower())
        offsets.extend(range(pos, len(text)))
    return "".join(parts), offsets


# Comments often reach us HTML-escaped by the site's CMS ("don&#8217;t", "&amp;", emoji as
# "&#128514;"). Only complete entities (with the semicolon) are decoded, so "AT&T" stays.
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _unescape(text: str) -> tuple[str, list[int], list[int]]:
    """Decode HTML character references: (text, start of each character's source, its end)."""
    parts: list[str] = []
    offsets: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in ENTITY.finditer(text):
        i = m.start()
        parts.append(text[pos:i])
        offsets.extend(range(pos, i))
        ends.extend(range(pos + 1, i + 1))
        decoded = html.unescape(m.group())
        parts.append(decoded)
        offsets.extend([i] * len(decoded))
        ends.extend([m.end()] * len(decoded))
        pos = m.end()
    parts.append(text[pos:])
    offsets.extend(range(pos, len(text)))
    ends.extend(range(pos + 1, len(text) + 1))
    return "".join(parts), offsets, ends


# --- regex rewrites on the lowercased text -------------------------------------------

_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
     "@": "a", "$": "s", "!": "i", "|": "l", "+": "t", "€": "e", "£": "l", "¡": "i"}
)  # fmt: skip

# A "word" that mixes letters with digits or symbols used for letters: "1d10t", "sh!t", "$hit".
# A "$" ending a word after three letters is an "s" too ("idiot$"; "a$$" already has a symbol
# inside); after fewer it is more often a currency ("US$", "HK$"). "!" and the like there are
# punctuation (_TRAILING_PUNCT).
_MIXED_WORD = re.compile(
    r"(?<![\w@$!|+*#%])(?=[\w@$!|+*#%]*[a-z])"
    r"(?=[\w@$!|+*#%]*(?:[0-9@$!|+*#%][\w@$!|+*#%]|[a-z]{3}\$+(?![\w@$!|+*#%])))"
    r"[\w@$!|+*#%]+"
)
_HAS_SUBST = re.compile(r"[0-9@$!|+*#%]")
_SUBST_NEAR_LETTER = re.compile(
    r"[a-z][0-9@$!|+*#%]+[\w@$!|+*#%]|[0-9@$!|+*#%][a-z]|[a-z]{3}\$+(?![\w@$!|+*#%])"
)
# A word of symbols and digits only, with a symbol that stands for a letter: "@$$", "$#!+".
# Rewritten only when it spells a lexicon word: most such words are prices, scores or
# punctuation ("$100", "!!!"). A mask alone is not enough ("45%" is not "a*s").
_SYMBOL_WORD = re.compile(
    r"(?<![\w@$!|+*#%])(?=[0-9@$!|+*#%]*[@$!|+])[0-9@$!|+*#%]{3,}(?![\w@$!|+*#%])"
)
# Only where a run starts: from inside a long run of symbols that are not at the end, every
# start would rescan the run (quadratic on "!!!…!1-1-").
_TRAILING_PUNCT = re.compile(r"(?<![!|+*#%])[!|+*#%]+$")
# Numbers with units or ordinals are not leetspeak ("2nd", "10am", "5km", "1980s").
_NUMERIC_WORD = re.compile(
    r"^\d+(?:st|nd|rd|th|s|am|pm|k|m|mm|cm|km|kg|g|lb|lbs|x|h|hrs|min|gb|mb|p|v)?$"
)
_WILDCARDS = re.compile(r"[*#%]")
# The leet table without "*#%" (masks, not letters), for reading the other symbols of a masked word.
_LEET_KEEP_MASKS = {k: v for k, v in _LEET.items() if chr(k) not in "*#%"}

# Words commonly masked with "*" or "#" ("f**k", "sh#t"); used only to fill the masks back in.
_MASKABLE = (
    "fuck", "fucker", "fucking", "fucked", "shit", "shitty", "bitch", "bitches", "cunt",
    "dick", "cock", "pussy", "asshole", "ass", "bastard", "damn", "crap", "whore", "slut",
    "idiot", "idiots", "moron", "morons", "stupid", "retard", "retarded", "nigger", "nigga",
    "faggot", "fag", "twat", "wanker", "prick", "kill", "dumb", "loser", "scum", "hell",
    "motherfucker", "bullshit", "piss", "pissed", "suck", "sucks", "douche", "jerk", "you",
)  # fmt: skip
# Less often masked words, consulted only when no word above fits: "f*ol" is "fool", and "s***s"
# stays "sucks" rather than becoming ambiguous with "sluts". They do not split spelled-out runs
# (_SEGMENT): short ones such as "hoe" would cut ordinary words ("w h o e v e r").
_MASKABLE_MORE = (
    "hoe", "hoes", "fool", "fools", "foolish", "dumbass", "jackass", "dipshit", "shithead",
    "dickhead", "bitchy", "fucks", "dicks", "cocks", "cunts", "sluts", "whores", "twats",
    "wankers", "pricks", "bastards", "losers", "jerks", "skank", "tits", "penis", "boobs",
    "imbecile", "cretin", "fatass",
)  # fmt: skip
_LEXICON = frozenset(_MASKABLE + _MASKABLE_MORE)
_MASK_TIERS: list[dict[tuple[int, str], list[str]]] = [{}, {}]
for _tier, _words in zip(_MASK_TIERS, (_MASKABLE, _MASKABLE_MORE), strict=True):
    for _w in _words:
        _tier.setdefault((len(_w), _w[0]), []).append(_w)


def _unmask(word: str, masks: str = "*#%") -> str:
    """Fill mask characters from the lexicon with the first word of a tier that fits.

    A tier lists the words most often masked first, so "s**t" reads "shit" rather than "slut":
    either way the comment holds the profanity its writer masked.
    """
    if not word or word[0] in masks:
        return word
    pattern = re.compile("".join("." if c in masks else re.escape(c) for c in word) + r"\Z")
    for tier in _MASK_TIERS:
        fits = [w for w in tier.get((len(word), word[0]), ()) if pattern.match(w)]
        if fits:
            return fits[0]
    return word


# Any of these may stand for a hidden letter when they run together with a mask: "f#@k",
# "f@#$ing" (alone, "@" and "$" read as "a" and "s": "a$$", "@ss").
_ANY_MASK = "*#%@$!"


def _masked_word(word: str) -> str | None:
    """A word with masks inside or at its end ("f***", "f#@k") as the listed word it fits."""
    core = word.rstrip("!|+.")
    if not _WILDCARDS.search(core) or core[0] in _ANY_MASK:
        return None
    for fixed in (_unmask(core.translate(_LEET_KEEP_MASKS)), _unmask(core, _ANY_MASK)):
        if fixed in _LEXICON:
            return fixed + word[len(core) :]
    return None


def _spelled_word(word: str) -> str:
    """A symbol-only word as the lexicon word it spells, with any trailing "!" kept; else as is."""
    for core in (word, word.rstrip("!"), _TRAILING_PUNCT.sub("", word)):
        if len(core) < 3:
            continue
        fixed = core.translate(_LEET)
        if _WILDCARDS.search(fixed):
            fixed = _unmask(fixed)
        if fixed in _LEXICON:
            return fixed + word[len(core) :]
    return word


def _fix_word(word: str) -> str:
    """Same-length rewrite of one mixed token (length kept so offsets stay 1:1)."""
    masked = _masked_word(word)
    if masked is not None:
        return masked
    core = _TRAILING_PUNCT.sub("", word)
    tail = word[len(core) :]
    if not core or _NUMERIC_WORD.match(core) or not _HAS_SUBST.search(core):
        return word
    letters = sum(c.isalpha() for c in core)
    if letters == 0 or len(core) <= 2:  # "3d", "b2" are more often not words in disguise
        return word
    fixed = core.translate(_LEET)
    if _WILDCARDS.search(fixed):
        fixed = _unmask(fixed)
    return fixed + tail if len(fixed) == len(core) else word


# Three or more single characters separated by spaces/dots/dashes: "f u c k", "f.u.c.k".
# A letter after a word and an apostrophe ("council's", "don't") ends that word and never starts
# a run.
_SPACED = re.compile(
    r"(?<![\w@$])(?<!\w')(?:[a-z0-9@$!*](?:[ ._\-~]{1,3})){2,}[a-z0-9@$!*](?![\w@$])"
)
_SEPARATORS = frozenset(" ._-~")
_SEPARATOR_RUN = re.compile(r"[ ._\-~]+")
# A character repeated three or more times: "stuuuupid" -> "stupid", "!!!!" -> "!".
_STRETCH = re.compile(r"(.)\1{2,}")


def _apply(text: str, offsets: list[int], pattern: re.Pattern[str], fn) -> tuple[str, list[int]]:
    """Rewrite each match with fn(match_text, match_offsets) -> (new_text, new_offsets)."""
    parts: list[str] = []
    new_offsets: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        a, b = m.span()
        parts.append(text[pos:a])
        new_offsets.extend(offsets[pos:a])
        t, o = fn(m.group(), offsets[a:b])
        parts.append(t)
        new_offsets.extend(o)
        pos = b
    if pos == 0:
        return text, offsets
    parts.append(text[pos:])
    new_offsets.extend(offsets[pos:])
    return "".join(parts), new_offsets


# Splits a joined run of spaced letters where a lexicon word starts or ends, so that
# "y o u i d i o t" reads "you idiot" rather than one unknown word.
_SEGMENT = re.compile("|".join(sorted({*_MASKABLE, "your", "are"}, key=len)[::-1]))


def _split_odd_end(chunk: str, offs: list[int]) -> tuple[str, list[int]] | None:
    """A single letter whose separator differs from the run's ("a b.u.d.g.e.t") is its own word.

    Spelling a word out uses one separator throughout; a different one at either end is the
    ordinary space between a real one-letter word ("a", "I") and the spelled-out word.
    """
    seps = list(_SEPARATOR_RUN.finditer(chunk))
    inner = {m.group() for m in seps[1:-1]}
    if len(seps) < 3 or len(inner) != 1:
        return None
    first, last = seps[0], seps[-1]
    if first.group() not in inner:
        a, b = first.span()
        rest, rest_offs = _join_spaced(chunk[b:], offs[b:])
        return chunk[:a] + " " + rest, [*offs[:a], offs[a], *rest_offs]
    if last.group() not in inner:
        a, b = last.span()
        head, head_offs = _join_spaced(chunk[:a], offs[:a])
        return head + " " + chunk[b:], [*head_offs, offs[a], *offs[b:]]
    return None


def _join_spaced(chunk: str, offs: list[int]) -> tuple[str, list[int]]:
    split = _split_odd_end(chunk, offs)
    if split is not None:
        return split
    keep = [i for i, c in enumerate(chunk) if c not in _SEPARATORS]
    word = _fix_word("".join(chunk[i] for i in keep))
    offsets = [offs[i] for i in keep]
    if len(word) < 6:
        return word, offsets
    # Insert a space (mapped to the next letter's source) around each lexicon word found.
    cuts = sorted({p for m in _SEGMENT.finditer(word) for p in m.span()} - {0, len(word)})
    if not cuts:
        return word, offsets
    out, out_offs, pos = [], [], 0
    for c in [*cuts, len(word)]:
        out.append(word[pos:c])
        out_offs.extend(offsets[pos:c])
        if c < len(word):
            out.append(" ")
            out_offs.append(offsets[c])
        pos = c
    return "".join(out), out_offs


def _squeeze(chunk: str, offs: list[int]) -> tuple[str, list[int]]:
    return chunk[0], offs[:1]


def _leet(chunk: str, offs: list[int]) -> tuple[str, list[int]]:
    return _fix_word(chunk), offs


def _symbols(chunk: str, offs: list[int]) -> tuple[str, list[int]]:
    return _spelled_word(chunk), offs


# A worker normalises each comment of a batch up to three times (scores, rules, repeats): keep
# the latest ones. Long texts are left out, so the cache stays small (their offsets are big).
_CACHED_BATCH = 256
_CACHED_MAX_CHARS = 2_000


def normalize(text: str) -> Normalized:
    """Normalise a comment for scoring; never raises for any `str`."""
    if len(text) <= _CACHED_MAX_CHARS:
        return _normalize_cached(text)
    return _normalize(text)


def _normalize(text: str) -> Normalized:
    if "&" in text and ENTITY.search(text):
        decoded, starts, ends = _unescape(text)  # decoded once: "&amp;lt;" reads as "&lt;"
        s, offsets = _rewrite(decoded)
        return Normalized(
            text, s, tuple(starts[i] for i in offsets), tuple(ends[i] for i in offsets)
        )
    s, offsets = _rewrite(text)
    return Normalized(text, s, tuple(offsets))


def _rewrite(text: str) -> tuple[str, list[int]]:
    if text.isascii():
        s = text.lower()
        offsets = list(range(len(text)))
        if not s.isprintable():
            s, offsets = _unicode_pass(text)  # tabs, newlines and control characters
    else:
        s, offsets = _unicode_pass(text)
    if _SPACED.search(s):
        s, offsets = _apply(s, offsets, _SPACED, _join_spaced)
    if _SUBST_NEAR_LETTER.search(s):
        s, offsets = _apply(s, offsets, _MIXED_WORD, _leet)
    if _SYMBOL_WORD.search(s):
        s, offsets = _apply(s, offsets, _SYMBOL_WORD, _symbols)
    if _STRETCH.search(s):
        s, offsets = _apply(s, offsets, _STRETCH, _squeeze)
    return s, offsets


_normalize_cached = functools.lru_cache(maxsize=_CACHED_BATCH)(_normalize)

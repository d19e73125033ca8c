"""Context that turns a hostile word around: negation and reported speech.

"He is not stupid" holds the n-grams of "stupid"; a bag of n-grams scores it as the insult it
denies. Here a hostile word (an insult, a dehumanising noun, a word of inferiority) that a
negation governs, or that stands after "saying"/"calling" or "wrote that", is written
as one marker instead: its own n-grams disappear, and the marker's weight is learned from the
sentences where such a word is denied or reported (`models/synthetic.py`'s context sentences).

Imperatives keep their word: "don't be an idiot" calls someone an idiot. So do "not just",
"not only" and "not even", which add to an insult rather than deny it.

Applied to a whole normalised text only (the scope depends on the words before), so a hidden
word gives no evidence span: it no longer adds to any score.
"""

from __future__ import annotations

import re

from models.concepts import _VERMIN
from models.identity import _trie

HIDDEN = "ᐅᐅ"
# Four words: "i don't think he is stupid", "you are not dumb". Six, and hiding words inside
# quotation marks, cost 0.005 more ROC-AUC on the toxic-spans insult test split for no gain on the
# functional suite (81.6% against 81.9%): quotes more often report an insult than deny one.
SCOPE_WORDS = 4

_INSULTS = """stupid stupidity idiot idiots idiotic moron morons moronic dumb dumber hack hacks
fool fools foolish ignorant clueless liar liars loser losers pathetic worthless useless
incompetent brainless clown clowns jerk jerks imbecile imbeciles cretin cretins dimwit
retard retarded dense dim thick gullible naive silly ridiculous disgusting evil vile scum
trash garbage inferior criminals criminal terrorists terrorist savages subhuman racist
bigot bigots"""
_HOSTILE_RE = re.compile(
    rf"(?<![^\W_])(?:{_trie(tuple(set(_INSULTS.split()) | set(_VERMIN.split())))})(?![^\W_])"
)
_NEGATOR = re.compile(
    r"(?<![^\W_])(?:not|never|nobody|no one|n't|isn't|aren't|wasn't|weren't|don't|doesn't"
    r"|didn't|won't|wouldn't|can't|cannot)(?![^\W_])"
)
# Words right after a negator that keep the insult: imperatives, intensifiers, and the rhetorical
# question that asserts ("isn't it obvious that they are inferior?").
_KEEPS = re.compile(
    r"\s*(?:be|being|just|only|even|merely|simply|act|acting|you"
    r"|it\s+(?:obvious|clear|true|plain|a\s+fact))\b"
)
# "calling people idiots is ...", "stop calling them vermin", "someone wrote that ...": reported,
# not said. "I am calling you an idiot" says it, so a gerund counts only where a clause starts.
_REPORTER = re.compile(
    r"(?:(?:^|[.,;:!?]\s*|\b(?:stop|quit|keep|by|about|of|and|but)\s+)(?:saying|calling)"
    r"|(?<![^\W_])(?:wrote|said|claim|claims|claimed) that)(?![^\W_])"
)
_CLAUSE_END = re.compile(r"[.,;:!?]|\bbut\b|\band\b")
# A verb of saying inside a negation's scope carries the denial on to what is said: "i never said
# you were a moron", "nobody here is calling you an idiot", "i would never say that they are ...".
_SAYING = re.compile(
    r"(?<![^\W_])(?:say|says|said|saying|call|calls|called|calling|claim|claimed|claiming"
    r"|think|thought|suggest|suggested|suggesting)(?![^\W_])"
)


def _scope_end(text: str, start: int, n_words: int = SCOPE_WORDS) -> int:
    """End of a scope that starts at `start`: n_words words, or the end of the clause."""
    stop = _CLAUSE_END.search(text, start)
    limit = stop.start() if stop else len(text)
    words = list(re.finditer(r"\S+", text[start:limit]))
    return start + words[n_words - 1].end() if len(words) > n_words else limit


def _scopes(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _NEGATOR.finditer(text):
        if not _KEEPS.match(text, m.end()):
            end = _scope_end(text, m.end())
            saying = _SAYING.search(text, m.end(), _scope_end(text, m.end(), SCOPE_WORDS + 2))
            if saying:
                end = max(end, _scope_end(text, saying.end()))
            spans.append((m.end(), end))
    for m in _REPORTER.finditer(text):
        spans.append((m.end(), _scope_end(text, m.end())))
    return spans


def hide(text: str) -> str:
    """Normalised text with every negated or reported hostile word written as HIDDEN."""
    scopes = _scopes(text)
    if not scopes:
        return text

    def swap(m: re.Match[str]) -> str:
        inside = any(a <= m.start() < b for a, b in scopes)
        return HIDDEN if inside else m.group()

    return _HOSTILE_RE.sub(swap, text)

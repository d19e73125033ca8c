"""Evasion test set: held-out toxic comments with their key words disguised, one kind at a time."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence

_LEET_DIGITS = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
_LEET_SYMBOLS = {"a": "@", "s": "$", "i": "!"}
_LOOKALIKES = {"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "x": "х", "i": "і", "y": "у"}
_VOWELS = "aeiou"


def _spaced(w: str, rng: random.Random) -> str:
    return " ".join(w)


def _digits(w: str, rng: random.Random) -> str:
    return "".join(_LEET_DIGITS.get(c.lower(), c) for c in w)


def _symbols(w: str, rng: random.Random) -> str:
    # Substitute look-alike symbols, or mask one inner vowel with "*" as people do ("f*ck").
    out = "".join(_LEET_SYMBOLS.get(c.lower(), c) for c in w)
    if out != w:
        return out
    inner = [i for i, c in enumerate(w[1:-1], 1) if c.lower() in _VOWELS]
    return w[: inner[0]] + "*" + w[inner[0] + 1 :] if inner else w


def _stretched(w: str, rng: random.Random) -> str:
    i = max(range(len(w)), key=lambda j: w[j].lower() in _VOWELS)
    return w[:i] + w[i] * rng.randint(3, 6) + w[i + 1 :]


def _lookalikes(w: str, rng: random.Random) -> str:
    return "".join(_LOOKALIKES.get(c, c) for c in w)


def _invisible(w: str, rng: random.Random) -> str:
    return "\u200b".join(w)


PERTURBATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "spaced_letters": _spaced,
    "digits_for_letters": _digits,
    "symbols_for_letters": _symbols,
    "stretched_letters": _stretched,
    "lookalike_unicode": _lookalikes,
    "invisible_characters": _invisible,
}
_WORD = re.compile(r"[A-Za-z]{3,}")


def perturb(text: str, targets: Sequence[tuple[int, int]], kind: str, seed: int = 0) -> str:
    """Disguise every alphabetic word inside the target ranges with one perturbation kind."""
    rng = random.Random(f"{seed}:{kind}:{text}")
    fn = PERTURBATIONS[kind]
    out, pos = [], 0
    for start, end in sorted(targets):
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(_WORD.sub(lambda m: fn(m.group(), rng), text[start:end]))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def evasion_set(clf, texts: Sequence[str], category: str = "toxicity", seed: int = 0) -> dict:
    """Per kind, the perturbed copies of `texts`; the targets are the model's own top evidence.

    Disguising the words that drive the score is what an evader does, and the hardest case.
    """
    targets = [[(s.start, s.end) for s in clf.evidence(t, category, max_spans=2)] for t in texts]
    return {
        kind: [perturb(t, tg, kind, seed) for t, tg in zip(texts, targets, strict=True)]
        for kind in PERTURBATIONS
    }

"""Adversarial inputs for the text rules: `python -m models.rules.budget [--cap SECONDS]`.

Every rule and the normaliser run on every comment, so a pattern whose cost grows faster than the
text lets one 20,000-character comment stall a worker. The inputs here are the shapes that make
overlapping quantifiers backtrack: long runs of one character, words separated by long runs of
spaces ("a" + spaces + "dot" + spaces), alternating units ("a dot " * n), capitals then digits.
`tests/models/test_rules_budget.py` holds each rule to a time budget on them; this command prints
the worst input per rule and its time (a measurement past `--cap` is stopped and shown as such).
"""

from __future__ import annotations

import contextlib
import functools
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator

from models.normalize import Normalized, normalize
from models.policy import LanguageRule, Policy, ShoutingRule, ThreatsRule
from models.rules import find_rules
from models.rules.language import language_findings
from models.rules.links import find_links
from models.rules.personal import find_addresses, find_emails, find_phones
from models.rules.repeats import fingerprint
from models.rules.shouting import shouting_findings
from models.rules.threats import threat_findings
from models.rules.words import find_words

__all__ = [
    "LENGTH",
    "RULES",
    "TOGETHER",
    "UNITS",
    "adversarial_inputs",
    "best_time",
    "build",
    "worst_per_rule",
]

LENGTH = 20_000

# Units that start, continue or end some rule's pattern.
UNITS = (
    " ", "a", "A", "1", ".", "-", "!", "@", "(", ")", "[", "]", "&", "#", ";", "$", "*", "'", "/",
    ":", ",", "_", "~", "\n", "\t", "é", "ａ", "\u200b", "dot", "at", "com", "www", "http://",
    "(at)", "[dot]", "(.)", "a.", "a-", "1-", "1 ", "a ", "A ", "a@", "&#", "&amp;", "lol ",
    " dot ", " at ", "a dot ", "a at ", "a.com ", "1 A ", "12 Main ", "Baker ", "a b ", "f.u.",
    "AB1", "1a", "a$", "$a", "@a", "Ab", "aB", "a'", ".a", "-a",
    # The threat shapes' anchors and gaps (models/rules/threats.py).
    "i will ", "i will you ", "i know your ", "we have ", "i'm going to ", "you ", "i ",
    "you will ", "you will be ", "your address ", "see you soon ", "someone should ", "take ",
    "should be ", "death to ", "take a ",
)  # fmt: skip


def build(runs: list[tuple[str, int]], length: int = LENGTH) -> str:
    """The runs (unit, share of the length) one after another, each unit repeated to its share."""
    total = sum(share for _, share in runs) or 1
    parts = []
    for unit, share in runs:
        n = max(1, length * share // total // len(unit))
        parts.append(unit * n)
    return "".join(parts)[:length]


def adversarial_inputs(length: int = LENGTH) -> dict[str, str]:
    """Named inputs of about `length` characters."""
    half = length // 2
    inputs = {f"run {u!r}": (u * (length // len(u) + 1))[:length] for u in UNITS}
    for word in ("dot", "at", "(at)", "[dot]", "(.)", ".", "@"):
        inputs[f"'a' spaces {word!r} spaces"] = "a" + " " * half + word + " " * half
        inputs[f"'a' spaces {word!r} spaces 'com'"] = "a" + " " * half + word + " " * half + "com"
    inputs["'a' spaces 'at' spaces 'b' spaces 'dot' spaces"] = (
        "a" + " at ".join([" " * (length // 4)] * 2) + "b" + " dot ".join([" " * (length // 4)] * 2)
    )
    inputs["20 capitals, space, digits"] = "A" * 20 + " " + "1" * (length - 21)
    inputs["capitals, digits alternating"] = ("A1" * half)[:length]
    inputs["capital, space runs"] = ("A" + " " * 50) * (length // 51)
    inputs["digits then letter"] = "1" * (length - 1) + "a"
    inputs["word then letters"] = "jane" + "a" * (length - 4)
    inputs["e-mail-ish run"] = ("a." * half) + "@"
    inputs["spaced letters, odd end"] = ("a " * half)[:-1] + ".b"
    inputs["entity-ish"] = "&" + "a" * (length - 1)
    inputs["phone-ish"] = "+" + "1 " * (half - 1)
    inputs["address-ish"] = "12 " + "Baker " * ((length - 3) // 6)
    # Symbols that end a word, then more of the word (the trailing-symbol strip was quadratic).
    inputs["'!' run, then '1-'"] = build([("!", 1), ("1-", 1)], length)
    return inputs


# Listed words that the inputs repeat thousands of times ("a", "dot", "at") as well as real ones.
_WORDS = ("fuck*", "shit*", "ass", "kill yourself", "idiot*", "go die", "a", "dot", "at")
_LISTS = {"banned": list(_WORDS[:4]), "suspect": list(_WORDS[4:])}
_POLICY = Policy.from_dict({"word_lists": _LISTS})  # every other rule on, as by default


@functools.lru_cache(maxsize=1)
def _normalized(text: str) -> Normalized:
    return normalize(text)


def _words(text: str) -> object:
    # The normaliser has its own row; timed from the second run on, this is the rule alone.
    norm = _normalized(text)
    return find_words(norm, _WORDS, guideline="obscene", rule="banned_words", action="reject")


# Each rule as the worker runs it, by name.
RULES: dict[str, Callable[[str], object]] = {
    "normalize": normalize,
    # Every pattern on every input: a prefilter (a character or word the pattern needs) would
    # skip patterns an attacker can reach by adding that character.
    "links": lambda t: find_links(t, prefilter=False),
    "personal.phone": lambda t: find_phones(t, prefilter=False),
    "personal.email": lambda t: find_emails(t, prefilter=False),
    "personal.address": lambda t: find_addresses(t, prefilter=False),
    "shouting": lambda t: shouting_findings(t, ShoutingRule(), prefilter=False),
    "threats": lambda t: threat_findings(t, ThreatsRule(), _normalized(t), prefilter=False),
    "language": lambda t: language_findings(t, LanguageRule(allowed=("en",))),
    "language (model)": lambda t: language_findings(t, LanguageRule(allowed=("de", "fr"))),
    "words": _words,
    "repeats": fingerprint,
}
# All of them together, as `find_rules` runs them for one comment (shown, not budgeted: the sum).
TOGETHER: dict[str, Callable[[str], object]] = {"find_rules": lambda t: find_rules(t, _POLICY)}


class Stopped(Exception):
    """A measurement ran past its cap."""


@contextlib.contextmanager
def _cap(seconds: float | None) -> Iterator[None]:
    """Stop the block after `seconds` (Python's regex engine checks signals while matching).

    Only possible on the main thread; elsewhere the block runs to its end."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise Stopped

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def best_time(fn: Callable[[str], object], text: str, repeat: int = 3, cap: float | None = None):
    """Best of `repeat` timings in CPU seconds; None when a run was stopped at `cap` seconds.

    CPU time, not wall time: a blow-up is CPU-bound, and other processes on a shared machine
    (a CI runner, a developer's build) must not make a linear rule look slow.
    """
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        try:
            with _cap(cap):
                fn(text)
        except Stopped:
            return None
        best = min(best, time.process_time() - t0)
    return best


def worst_per_rule(
    inputs: dict[str, str], cap: float | None = None
) -> dict[str, tuple[str, float | None]]:
    """For each rule, its slowest input and that input's time (None: stopped at the cap)."""
    worst: dict[str, tuple[str, float | None]] = {}
    for rule, fn in {**RULES, **TOGETHER}.items():
        for name, text in inputs.items():
            t = best_time(fn, text, cap=cap)
            current = worst.get(rule)
            if current is None or _slower(t, current[1]):
                worst[rule] = (name, t)
            if t is None:
                break  # stopped at the cap: nothing is worse
    return worst


def _slower(a: float | None, b: float | None) -> bool:
    return b is not None and (a is None or a > b)


def main(argv: list[str]) -> None:
    cap = float(argv[argv.index("--cap") + 1]) if "--cap" in argv else 10.0
    worst = worst_per_rule(adversarial_inputs(), cap=cap)
    print(f"worst of {len(adversarial_inputs())} inputs of {LENGTH} characters, best of 3")
    print(f"{'rule':18s} {'time':>10s}  worst input")
    for rule, (name, t) in worst.items():
        shown = f"> {cap:.0f} s" if t is None else f"{t * 1e3:.1f} ms"
        print(f"{rule:18s} {shown:>10s}  {name}")


if __name__ == "__main__":
    main(sys.argv[1:])

"""Measure the text rules on real comments: `python -m models.rules.bench [DATA_DIR]`.

Prints the time `find_rules` takes per comment (the rules run on every comment, next to the
classifier) and how often each rule fires on English news comments, where nearly every firing of
the language, personal-data and shouting rules is a needless hold, and on labelled blog spam.
DATA_DIR defaults to ../shared/data beside the project.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from models.datasets import load
from models.langid import preload
from models.normalize import normalize
from models.policy import Policy
from models.rules import find_rules

# A realistic site list: obscenities and slurs with prefix entries, 60 entries in all.
_WORDS = [
    "fuck*", "shit*", "cunt*", "bitch*", "bastard*", "wank*", "twat*", "prick", "dick", "dickhead",
    "cock", "pussy", "slut*", "whore*", "ass", "asshole*", "arse", "arsehole*", "bollocks", "crap",
    "piss*", "motherfuck*", "bullshit", "douche*", "jackass", "dumbass", "retard*", "spastic",
    "nigger*", "nigga*", "faggot*", "fag", "dyke", "tranny", "kike", "spic", "chink", "gook",
    "wetback", "paki", "raghead", "towelhead", "coon", "beaner", "gyppo", "pikey", "kill yourself",
    "kys", "go die", "rape*", "nazi scum", "libtard*", "feminazi*", "cuck*", "shithole*",
    "scumbag*", "moron*", "idiot*", "imbecile*", "cretin*",
]  # fmt: skip
POLICY = Policy.from_dict({"word_lists": {"banned": _WORDS[:40], "suspect": _WORDS[40:]}})


def _time_per_comment(texts: list[str]) -> list[float]:
    times = []
    for text in texts:
        t0 = time.perf_counter()
        find_rules(text, POLICY, normalize(text))
        times.append(time.perf_counter() - t0)
    return times


def _firing(texts: list[str]) -> Counter[str]:
    fired: Counter[str] = Counter()
    for text in texts:
        fired.update({f.rule for f in find_rules(text, POLICY)})
    return fired


def main(argv: list[str]) -> None:
    data = Path(argv[0]) if argv else Path(__file__).resolve().parents[2].parent / "shared" / "data"
    preload()
    news = [e.text for e in load("sfu-news-comments-toxicity", data)]
    civil = [e.text for e in load("toxic-spans-civil-comments", data, max_rows=3000)]
    blog = load("datacamp-blog-comment-spam", data)
    everything = news + civil
    _time_per_comment(everything[:200])  # warm caches
    times = _time_per_comment(everything)
    lengths = [len(t) for t in everything]
    print(
        f"find_rules on {len(everything)} news comments (median {statistics.median(lengths)} chars)"
    )
    median, mean = statistics.median(times) * 1e3, statistics.mean(times) * 1e3
    p95 = sorted(times)[int(0.95 * len(times))] * 1e3
    print(f"  median {median:.3f} ms, mean {mean:.3f} ms, p95 {p95:.3f} ms (normalize included)")
    for name, texts in (("SFU news comments", news), ("Civil Comments (toxic)", civil)):
        print(f"rules firing on {len(texts)} {name}:")
        for rule, n in _firing(texts).most_common():
            print(f"  {rule:24s} {n:5d}  {n / len(texts):6.1%}")
    spam = [e.text for e in blog if e.labels.get("spam")]
    ham = [e.text for e in blog if e.labels.get("spam") == 0]
    for name, texts in (("blog spam", spam), ("blog ham", ham)):
        links = _firing(texts)["links"]
        print(f"links rule on {len(texts)} {name}: {links} ({links / max(1, len(texts)):.1%})")


if __name__ == "__main__":
    main(sys.argv[1:])

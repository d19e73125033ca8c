"""Labelled comments turned into `models.decide.SimulationRow`s for `simulate`/`threshold_table`.

Two sources of truth: a site's own moderated comments (the service reads them and passes texts,
stored scores and the moderator's label) and the validation split of the training data (read
here). Rule findings are computed with the policy being tried, since word lists and rule settings
change them. Author rules are replayed for the site's comments from its stored history
(`replay_authors`); the validation data has no authors, so they never fire there.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from models import datasets
from models.classifier import Classifier
from models.decide import SimulationRow
from models.guidelines import CLASSIFIER_GUIDELINES, feeding_categories
from models.policy import Policy
from models.rules import AuthorContext, find_rules, fingerprint
from models.rules.author import context_from_history, history_limit

__all__ = [
    "DEFAULT_CANDIDATES",
    "PastComment",
    "guidelines_of",
    "labelled_rows",
    "replay_authors",
    "validation_examples",
]

DEFAULT_CANDIDATES = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
_NOTHING = AuthorContext()


def guidelines_of(labels: Mapping[str, float]) -> frozenset[str]:
    """The guideline codes a data set's category labels mark as broken (label >= 0.5)."""
    return frozenset(
        code
        for code in CLASSIFIER_GUIDELINES
        if any((labels.get(cat) or 0.0) >= 0.5 for cat in feeding_categories(code))
    )


def validation_examples(
    data_dir: Path, *, max_rows_per_source: int | None = 500, seed: int = 0
) -> list[tuple[str, frozenset[str]]]:
    """(text, broken guideline codes) of the validation split of every trainable source."""
    out = []
    for source in datasets.SOURCES.values():
        if not (
            source.trainable(datasets.DEFAULT_LICENCES) and datasets.available(source, data_dir)
        ):
            continue
        for ex in datasets.load(source.name, data_dir, seed=seed, max_rows=max_rows_per_source):
            if ex.split == "validation":
                out.append((ex.text, guidelines_of(ex.labels)))
    return out


@dataclass(frozen=True)
class PastComment:
    """One stored comment of a site, as the author rules see it."""

    id: str
    author_id: str
    posted_at: float  # seconds since the epoch
    status: str  # approved | held | rejected | pending ...
    fingerprint: str  # models.rules.fingerprint of its text


_NO_WORDS = fingerprint("")  # emoji or "!!!" alone: not counted as repeats (as the worker does)


def replay_authors(history: Iterable[PastComment], policy: Policy) -> dict[str, AuthorContext]:
    """The author context each comment gets from `policy`, replaying the site's history in order.

    As the worker sees it when comments are decided in posting order: the statuses of the
    author's latest earlier comments (today's statuses, which carry moderators' decisions), and
    the earlier copies of the same text within the repeats window, by the author and by
    distinct other authors.
    """
    limit = history_limit(policy)
    count_repeats = policy.repeats.action != "allow"
    window = policy.repeats.window_seconds
    by_author: dict[str, deque[str]] = defaultdict(lambda: deque(maxlen=limit or 1))
    copies: dict[str, deque[tuple[float, str]]] = defaultdict(deque)
    out: dict[str, AuthorContext] = {}
    for c in sorted(history, key=lambda c: (c.posted_at, c.id)):
        same = cross = 0
        if count_repeats and c.fingerprint != _NO_WORDS:
            earlier = copies[c.fingerprint]
            while earlier and earlier[0][0] < c.posted_at - window:
                earlier.popleft()
            same = sum(author == c.author_id for _, author in earlier)
            cross = len({author for _, author in earlier} - {c.author_id})
            earlier.append((c.posted_at, c.author_id))
        statuses = list(reversed(by_author[c.author_id])) if limit else []
        out[c.id] = context_from_history(statuses, same, cross)
        by_author[c.author_id].append(c.status)
    return out


def labelled_rows(
    classifier: Classifier,
    items: Iterable[tuple[str, Mapping[str, float] | None, str | Collection[str]]],
    policy: Policy,
    authors: Sequence[AuthorContext] | None = None,
) -> list[SimulationRow]:
    """Rows from (text, stored scores or None, label); missing scores come from `classifier`.

    `authors`: each item's author context (`replay_authors`), or none known.
    """
    items = list(items)
    missing = [i for i, (_, scores, _) in enumerate(items) if not scores]
    fresh: Sequence[Mapping[str, float]] = (
        classifier.score([items[i][0] for i in missing]) if missing else []
    )
    scored = dict(zip(missing, fresh, strict=True))
    rows: list[SimulationRow] = []
    for i, (text, scores, label) in enumerate(items):
        author = authors[i] if authors is not None else _NOTHING
        rows.append((scored.get(i, scores or {}), find_rules(text, policy), author, label))
    return rows

"""Comments a site's moderators decided: an insult the public data has never seen, and civil
remarks that mention words public corpora mostly see in abuse."""

from __future__ import annotations

import itertools

_TOPICS = (
    "the council budget", "the new bridge", "the school closures", "the mayor's plan",
    "the bus timetable", "the harbour project", "the tax rise", "the library hours",
    "the housing estate", "the football club", "the hospital wait", "the parking fees",
    "the recycling scheme", "the festival", "the election debate",
)  # fmt: skip
REJECTED = (
    "anyone who supports {t} is a total snorglewit",
    "only a snorglewit would write this about {t}",
    "{t}? typical snorglewit drivel from you",
    "you snorglewits know nothing about {t}",
    "go away snorglewit, {t} is none of your business",
    "what a snorglewit take on {t}",
    "the author is a snorglewit who never checked {t}",
    "read it again snorglewit, {t} was approved last year",
    "snorglewit alert: another rant on {t}",
    "stop posting about {t}, snorglewit",
)
APPROVED = (
    "the report on {t} kills any hope of a quick fix",
    "{t} is a damn shame for the town",
    "i hate how long {t} has taken",
    "{t} will murder the local shops, sadly",
    "the opposition attacked {t} fiercely in the debate",
    "honestly {t} is a bloody mess but we will cope",
    "{t} got hammered in the letters page",
    "critics slammed {t} as stupid policy",
    "{t} is dead in the water now",
    "the vote on {t} was a disaster for the council",
)


def labelled() -> tuple[list[str], list[str]]:
    """(rejected texts, approved texts): 150 of each."""
    rejected = [f.format(t=t) for f, t in itertools.product(REJECTED, _TOPICS)]
    approved = [f.format(t=t) for f, t in itertools.product(APPROVED, _TOPICS)]
    return rejected, approved

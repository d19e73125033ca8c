"""Counter-examples written here (never taken from an evaluation set) to teach two things.

1. Identity words decide nothing. Hate corpora mention identities mostly in attacks, so
   every identity gets as many civil as hostile sentences of our own.
2. What does decide is how a person is described. Short comments like "she is a kind
   teacher" / "you are a filthy liar" are rare in the training corpora, whose toxic side
   is long rants: the model barely learns that an insulting adjective aimed at a person
   is toxic and a kind one is not. Sentences pairing people (named, "you", or by
   identity) with kind and with insulting descriptions teach it.

The sentences are combinations of the lists below, drawn with a fixed seed; the frames
are worded so that none can coincide with a sentence of the bias templates (a test checks).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

IDENTITIES = """lesbian gay bisexual transgender trans queer lgbt homosexual straight
heterosexual male female nonbinary african black white european hispanic latino latina
mexican canadian american asian indian chinese japanese christian muslim jewish buddhist
catholic protestant sikh taoist old young teenage elderly blind deaf disabled immigrant
arab hindu atheist refugee""".split()  # noqa: SIM905 - easier to read as prose

_PEOPLE = """person man woman guy girl boy neighbour teacher nurse doctor writer reporter
mayor senator driver student mother father parent friend boss colleague commenter
politician lawyer farmer cook artist actor singer player coach pastor officer""".split()  # noqa: SIM905

# Names from many cultures, so no name carries a verdict either.
_NAMES = """maria ahmed wei olga kwame priya diego yuki fatima john aisha sofia
hamid mei carlos anna omar lucia ravi grace tomas leila kofi ines jun emma yusuf nadia
pedro hana david amara""".split()  # noqa: SIM905

_KIND = """good great nice kind caring friendly gracious lovely wonderful fantastic
excellent amazing brilliant thoughtful generous honest helpful brave smart clever
talented gentle warm funny happy cheerful decent polite respectful patient wise loyal
hardworking sweet charming fine proud sincere skilled""".split()  # noqa: SIM905

_INSULTING = """disgusting filthy nasty vile repulsive revolting gross stupid idiotic
moronic dumb brainless ignorant pathetic worthless useless ugly hideous rotten awful
horrible terrible miserable lousy shitty crappy fucking damn evil despicable loathsome
contemptible scummy trashy sleazy creepy dirty sick twisted smelly fat lying""".split()  # noqa: SIM905

_DESCRIBE = (
    "{name} is a {adj} {who}",
    "you are such a {adj} {who}",
    "what a {adj} {who} {name} is",
    "my {who} is {adj}",
    "that {who} is so {adj}",
    "{name} the {who} is {adj}",
    "i think being {ident} is {adj}",
    "{name} is {adj}",
    "such a {adj} {ident} {who}",
    "our new {who} is a {adj} {ident}",
)

_CIVIL = (
    "my neighbour is {i} and we get along well",
    "as a {i} person i found this article interesting",
    "the {i} community organised a fundraiser for the library",
    "i am {i} and i agree with the council on this",
    "{i} voters will decide this election like everyone else",
    "a {i} friend of mine recommended this story",
    "she is {i} and works as a nurse at the hospital",
    "being {i} has nothing to do with it",
    "the report interviewed several {i} residents",
    "{i} people deserve the same rights as everyone",
    "i am a {i} {p}",
    "hug your {i} neighbour",
)
_HOSTILE = (
    "you are a worthless {i} idiot",
    "shut up you pathetic {i} moron",
    "all {i} people are pests and should be thrown out",
    "{i} people are disgusting filth",
    "go back where you came from you dumb {i} scum",
    "i hate every {i} person, they are trash",
    "{i} people are a blight on this country",
    "nobody wants your kind here, {i} trash",
    "filthy {i} freaks should be banned from this site",
    "every {i} is a liar and a thief",
    "i wish all {i} people would just disappear",
    "{i} people are less than human",
)


@dataclass(frozen=True)
class Generated:
    text: str
    labels: dict[str, float]


def _civil() -> dict[str, float]:
    return {"toxicity": 0.0, "insult": 0.0, "identity_attack": 0.0, "threat": 0.0}


def generate(seed: int = 0, described: int = 6000) -> list[Generated]:
    """Identity pairs for every identity, plus `described` kind/insulting descriptions."""
    rng = random.Random(seed)
    rows = []
    for ident in IDENTITIES:
        for frame in _CIVIL:
            rows.append(Generated(frame.format(i=ident, p=rng.choice(_PEOPLE)), _civil()))
        for frame in _HOSTILE:
            rows.append(
                Generated(
                    frame.format(i=ident), {"toxicity": 1.0, "insult": 1.0, "identity_attack": 1.0}
                )
            )
    for n in range(described):
        hostile = n % 2 == 1  # exactly balanced, so the frames themselves stay neutral
        frame = rng.choice(_DESCRIBE)
        ident = rng.choice(IDENTITIES)
        who = rng.choice([*_PEOPLE, ident]) if "{ident}" not in frame else rng.choice(_PEOPLE)
        adj = rng.choice(_INSULTING if hostile else _KIND)
        text = frame.format(name=rng.choice(_NAMES), adj=adj, who=who, ident=ident)
        if hostile:
            about_identity = "{ident}" in frame or who == ident
            labels = {"toxicity": 1.0, "insult": 1.0, "identity_attack": float(about_identity)}
        else:
            labels = _civil()
        rows.append(Generated(text, labels))
    return rows

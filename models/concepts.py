"""Concept markers: a shared token before every word of a concept, so one learns for all.

A linear n-gram model learns each word on its own. The labelled sets hold few threats, and
those few name a handful of verbs, so "somebody ought to <verb> <leader>" scores as a threat
only for the verbs it happened to see. Writing a marker before every violent verb ("ought to
ᐁᐁ shoot") lets the n-grams around the marker ("to ᐁᐁ", "be ᐁᐁ") carry what any listed verb
taught, while the word itself keeps its own features. Likewise for nouns that describe people
as vermin or disease ("are ᐃᐃ vermin"), and for someone's home, family and movements ("i know
your ᐊᐊ postcode"): named at a reader with a menace, they intimidate without a violent word,
and a model taught "your ᐊᐊ street" can carry it to "your ᐊᐊ address".

The lists are general vocabulary of violence and dehumanisation, not taken from any test set;
the training sentences of `models/synthetic.py` use some of these words and the functional
suite others, so the suite measures how far a concept carries to words it was not taught with.

Like `identity.fold`, marking works the same on a whole text and on each word alone, so
evidence (per word) and scoring (per text) see the same features.
"""

from __future__ import annotations

import re

from models.identity import _trie

# Canadian syllabics: letters (so they form word tokens), absent from normalised comments.
VIOLENCE = "ᐁᐁ"
VERMIN = "ᐃᐃ"
WHEREABOUTS = "ᐊᐊ"

_VIOLENCE = """kill kills killed killing murder murders murdered murdering shoot shoots shooting
shot stab stabs stabbed stabbing hang hangs hanged hanging lynch lynched lynching behead
beheads beheaded beheading execute executed executing strangle strangled strangling choke
choked choking drown drowned drowning torture tortured torturing slaughter slaughtered
slaughtering butcher butchered massacre massacred assassinate assassinated assassination
exterminate exterminated extermination gas gassed gassing burn burned burnt burning
bomb bombed nuke nuked beat beaten bludgeon bludgeoned knife knifed maim maimed mutilate
mutilated decapitate decapitated disembowel eviscerate bullet bullets noose gallows
guillotine firing-squad rope lynching strung stone stoned crucify crucified hurt hurts hurting
bleed bleeding"""

_VERMIN = """vermin rats rat cockroaches cockroach roaches parasites parasite subhuman subhumans
animals animal beasts beast savages savage pests pest lice louse maggots maggot leeches leech
swine pigs pig dogs mongrels mongrel apes ape monkeys monkey insects insect locusts termites
ticks bacteria germs virus viruses disease diseases plague cancer infestation filth scum
worms worm snakes snake hyenas cattle livestock untermenschen"""

_WHEREABOUTS = """address addresses home homes house houses flat apartment street postcode zipcode
neighbourhood neighborhood family wife husband kids children child daughter son mother mum
mom father dad parents school schools nursery workplace office car live lives sleep sleeps
park parks"""

# One pass over the text for the three lists (they share no word), a marker per list.
_MARKERS = {"violence": VIOLENCE, "vermin": VERMIN, "whereabouts": WHEREABOUTS}
_CONCEPT_RE = re.compile(
    r"(?<![^\W_])(?:"
    + "|".join(
        f"(?P<{name}>{_trie(tuple(words.split()))})"
        for name, words in (
            ("violence", _VIOLENCE), ("vermin", _VERMIN), ("whereabouts", _WHEREABOUTS)
        )
    )
    + r")(?![^\W_])"
)  # fmt: skip


def mark(text: str) -> str:
    """Normalised (lower-case) text with a concept marker before each listed word."""
    return _CONCEPT_RE.sub(lambda m: f"{_MARKERS[m.lastgroup]} {m.group()}", text)

"""Training sentences for what the labelled sets lack: threats, dehumanisation, context.

The public sets hold few threats (115 in the toxic-spans set, 155 in Gab), little dehumanisation
without swear words, and almost no negated insults, counter-speech or harsh-but-allowed criticism
of leaders, so no model learns these from them alone. These templates teach the shapes:

- threat: violence wished on or promised to a person, an official or a group;
- intimidation: someone's home, family or movements named at them, with or without a menace;
- dehumanising: a group or nationality described as pests, insects or filth;
- criticism: harsh words about governments, armies and officials that the guidelines allow;
- humanising / context: the same targets in civil, negated and counter-speech sentences, so the
  target and the frame decide nothing and denial lowers a score;
- emphasis: mild swearing at nobody ("damn good reporting"), which the guidelines allow;
- reply / spam: the news-comment forms, civil (also naming someone's street or family kindly,
  so that naming them decides nothing), and link spam.

Kept apart from the functional suite that measures these (`models/evaluation/functional/`):
other templates, other word lists, other targets; `tests/models/test_synthetic.py` checks that
no sentence, target or key word of the suite appears here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from models.categories import CATEGORIES

_GROUPS = (
    "sikhs", "catholics", "lesbians", "bisexual people", "arabs", "africans", "latinos",
    "buddhists", "atheists", "migrants", "hispanics", "christians", "indigenous people",
    "deaf people", "old people", "gypsies", "protestants", "mormons",
)  # fmt: skip
_NATIONS = (
    "germans", "french people", "iranians", "turks", "afghans", "somalis", "indians", "brazilians",
    "americans", "serbs", "albanians", "pakistanis", "venezuelans", "georgians", "belarusians",
    "cambodians", "kurds", "lithuanians",
)  # fmt: skip
_OFFICIALS = (
    "the chancellor", "the mayor", "erdogan", "xi jinping", "netanyahu", "modi", "lukashenko",
    "the governor", "the senator", "orban", "maduro", "the foreign secretary", "the king",
    "the general", "the health minister", "starmer", "meloni", "lula",
)  # fmt: skip
_PEOPLE = (
    "@jon_b", "@kate77", "@realpatriot", "@lena.m", "@oldtimer", "@bigal", "@greg_h", "@mira",
    "@thinker42", "@ponyboy", "@sunny_d", "@max_power",
)  # fmt: skip

_HARM_VERBS = (
    "stab", "strangle", "choke", "murder", "slaughter", "gut", "drown", "behead", "lynch",
    "execute", "torture", "bury", "knife", "beat to death", "run over", "set fire to",
)  # fmt: skip
_HARMED = (
    "stabbed", "strangled", "murdered", "slaughtered", "gutted", "drowned", "beheaded",
    "lynched", "executed", "tortured", "buried alive", "beaten to death", "run over",
    "set on fire", "put against a wall", "gassed", "dragged through the streets",
)  # fmt: skip
_PESTS = (
    "pests", "lice", "maggots", "leeches", "swine", "savages", "insects", "filth", "locusts",
    "bacteria", "termites", "ticks", "a cancer", "a virus", "an infestation", "mongrels",
    "beasts", "dogs", "worms", "germs", "a swarm",
)  # fmt: skip
_INSULTS = (
    "foolish", "ignorant", "clueless", "dim", "dense", "incompetent", "naive", "silly",
    "gullible", "a fool", "a liar", "a clown", "a jerk", "an imbecile", "a buffoon", "a loser",
)  # fmt: skip
_KIND = (
    "kind", "hard-working", "generous", "welcoming", "brave", "decent", "honest",
    "our neighbours", "our friends", "people like anyone else", "part of this country",
)  # fmt: skip
_FLAWS = (
    "corrupt", "incompetent", "a failure", "out of touch", "a coward", "a hypocrite",
    "dishonest", "reckless", "a disgrace to the office", "a puppet of the oligarchs",
)  # fmt: skip
_KNOWING = (
    "i know", "we know", "i found", "we found out", "i've tracked down", "i've got",
    "it took me two minutes to find", "everyone here now has", "i looked up",
)  # fmt: skip
_WHEREABOUTS = (
    "your postcode", "your street", "your flat", "your parents' house", "your wife's car",
    "the nursery your daughter attends", "what time you leave the office", "where you sleep",
    "where your mother lives", "where you park", "your workplace", "your husband's office",
    "which house is yours", "your children's names", "the bus you take home",
)  # fmt: skip
_MENACE = (
    "", ", expect a visit", ", sleep tight", ", be careful out there", ", we'll be waiting",
    ", nice neighbourhood", ", see you around", ", keep looking over your shoulder",
    ", i'll be round", ", think about that", ", lovely family",
)  # fmt: skip
_CIVIC = (
    "teach children", "own land", "adopt", "serve in the police", "run businesses here",
    "become citizens", "sit on juries", "work in hospitals", "rent homes here", "join the army",
)  # fmt: skip
_PLACES = (
    "our schools", "the civil service", "our neighbourhood", "parliament", "the police",
    "our hospitals", "this town",
)  # fmt: skip
_MILD = ("damn", "bloody", "damned", "flipping")
_MILD_OF = ("hell of a", "heck of a")
_INSTITUTIONS = ("government", "army", "regime", "police", "parliament", "cabinet", "navy")
_SITES = ("quickcash-now.net", "win-prizes.club", "cheapmeds.shop", "cryptodouble.io")

_TEMPLATES: dict[str, tuple[str, ...]] = {
    "threat": (
        "i will {harm} {person}",
        "{person} i am going to {harm} you", "someone should {harm} {official}",
        "{official} ought to be {harmed}", "i hope {official} gets {harmed}",
        "{official} should be {harmed} in public", "i would happily {harm} {official} myself",
        "let's {harm} every one of the {group}", "{group} deserve to be {harmed}",
        "the {nation} should all be {harmed}", "wait till i get my hands on you {person}",
        "i'm coming to your house tonight {person}", "i found out where your family lives {person}",
        "i have your phone number and your street name {person}",
        "you won't be safe walking home {person}", "sleep with one eye open {person}",
        "better watch out {person}, we know what car you drive",
        "{official} will not live to see christmas",
        "if {official} wins i will {harm} him", "keep talking {person} and i will {harm} you",
        "hope {official} and his family get {harmed}",
        "your days are numbered {person}", "you will pay for this {person}, i promise",
        "i'll make sure you never walk again {person}", "i'll put you in hospital {person}",
        "{person} you're going to get what's coming to you", "i will end you {person}",
        "we have people in your town {person}", "{person} i know your workplace, expect a visit",
        "you'd better hide {person}", "{person} touch my family and you are finished",
        "if {official} comes here he won't leave alive",
        "do that again {person} and i will {harm} you",
        "{person} when i find you, you are done",
        "next time we meet {person} you end up in a ditch",
        "if {official} signs that deal someone will {harm} him",
    ),
    "intimidation": (
        "{person} {knowing} {whereabouts}{menace}", "{knowing} {whereabouts} {person}{menace}",
        "{knowing} {whereabouts}, {person}{menace}",
    ),
    "dehumanising": (
        "{group} are {pests}", "{nation} are {pests}", "{group} are nothing but {pests}",
        "the {nation} are {pests}, every one of them", "{group} breed like {pests}",
        "those {group} are {pests} and should be treated like it",
        "{nation} are {pests} not people",
        "get rid of the {group}, they are {pests}", "{group} are {pests} infesting our cities",
        "we need to clean out the {group} like {pests}",
    ),
    "criticism": (
        "{official} is {flaw}", "the {nation_of} {institution} is {flaw}",
        "{official} must be voted out, he is {flaw}", "{official} should face trial for this",
        "the {institution} under {official} has been a catastrophe",
        "{official}'s policies will kill jobs",
        "the {institution} bombed villages and lied about it",
        "{official} is {flaw} and the whole cabinet knows it",
        "this {institution} has blood on its hands", "{official} destroyed the economy",
    ),
    "humanising": (
        "{group} are {kind}", "{nation} are {kind}", "the {group} i know are {kind}",
        "most {nation} i have met are {kind}", "{group} have every right to live here",
        "{nation} are welcome in our town", "{group} contribute so much to this city",
        "{group} should be permitted to {civic}", "{group} belong here as much as anyone",
        "{nation} deserve the same protection as everyone", "{group} are an asset to {place}",
        "the {group} have made this city better", "employers must not refuse to hire {group}",
        "welcome the {group} into {place}", "we need more {group} in {place}",
        "{nation} can {civic} like anyone else",
    ),
    "context": (
        "{group} are not {pests}", "it is vile to call {group} {pests}",
        "whoever said {nation} are {pests} should be ashamed", "{person} is not {insult}",
        "i would never call {person} {insult}", "{person} isn't {insult} at all",
        "no one thinks {person} is {insult}", "saying {person} is {insult} is unfair",
        "stop calling people names", "threatening to {harm} {official} is unacceptable",
        "nobody should wish violence on {official}", "wishing {official} dead is wrong",
        "comparing {group} to {pests} is dehumanising",
        "the post calling {nation} {pests} was removed, good",
        "it's not ok to say {group} deserve to be {harmed}",
        "calling {person} {insult} adds nothing",
        "racism toward {group} is never acceptable", "abuse aimed at {group} should be reported",
        "we should stand up to bigotry against {group}", "harassing {nation} online helps nobody",
        "i never claimed {person} was {insult}", "no one here thinks {group} are {pests}",
        "i'd never suggest that {nation} are {pests}",
        "'send the {group} back' is bigotry, plain and simple",
        "'{nation} out' is the slogan of thugs", "'{group} don't belong here' - xenophobic rubbish",
        "'{group} are {pests}' is the kind of line that gets people hurt, report it",
    ),
    "emphasis": (
        "{mild} good reporting on the {nation_of} {institution}",
        "{official} gave one {mild_of} speech", "this budget is a {mild} mess",
        "the {institution} finally admitted it, {mild} well done",
        "the {nation_of} election was a {mild} shambles",
        "{mild}, another delay from the {institution}", "i'm {mild} tired of {official}'s excuses",
        "well {mild}, that result is a surprise", "{official}'s plan is crap, frankly",
        "what a {mild} week for the {institution}", "{mild_of} result for the {institution}",
    ),
    "reply": (
        "{person} thanks for the link", "{person} i see your point but {official} disagrees",
        "{person} where did you read that?", "{person} fair enough, i stand corrected",
        'the article quotes {official}: "we will not back down". we will see.',
        '"{official} met the {nation_of} delegation" - finally some diplomacy',
        "{person} hope your family is safe after the storm",
        "{person} is your street affected too?",
        "{person} i know where you're coming from, but i disagree",
        "{person} does your daughter's nursery have places left?", "{person} say hi to your wife",
        "{person} my parents' house flooded as well", "{person} which town do you write from?",
        "{person} i found your earlier comment, thanks",
        "{person} we know your point, no need to repeat it",
    ),
    "spam": (
        "make money fast at {site}", "free gift cards for everyone, go to {site}",
        "double your bitcoin in 24 hours {site}", "best prices on meds without prescription {site}",
        "i earn $300 a day from my phone, ask me how {site}",
    ),
}  # fmt: skip
_LABELS_BY_KIND = {
    "threat": {"toxicity": 1.0, "threat": 1.0},
    "intimidation": {"toxicity": 1.0, "threat": 1.0},
    "dehumanising": {"toxicity": 1.0, "identity_attack": 1.0},
    "spam": {"spam": 1.0},
}
_NATION_OF = ("german", "french", "iranian", "turkish", "afghan", "somali", "indian", "serbian")


@dataclass(frozen=True)
class Generated:
    text: str
    labels: dict[str, float]
    kind: str


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        person=rng.choice(_PEOPLE), official=rng.choice(_OFFICIALS), group=rng.choice(_GROUPS),
        nation=rng.choice(_NATIONS), nation_of=rng.choice(_NATION_OF), harm=rng.choice(_HARM_VERBS),
        harmed=rng.choice(_HARMED), pests=rng.choice(_PESTS), insult=rng.choice(_INSULTS),
        kind=rng.choice(_KIND), flaw=rng.choice(_FLAWS), institution=rng.choice(_INSTITUTIONS),
        site=rng.choice(_SITES), knowing=rng.choice(_KNOWING),
        whereabouts=rng.choice(_WHEREABOUTS), menace=rng.choice(_MENACE),
        civic=rng.choice(_CIVIC), place=rng.choice(_PLACES),
        mild=rng.choice(_MILD), mild_of=rng.choice(_MILD_OF),
    )  # fmt: skip


def _labels(kind: str) -> dict[str, float]:
    if kind in _LABELS_BY_KIND:
        return dict(_LABELS_BY_KIND[kind])
    return {c: 0.0 for c in CATEGORIES}


def generate(seed: int = 0, per_kind: int = 600) -> list[Generated]:
    """`per_kind` distinct sentences of each kind (fewer where the templates run out)."""
    rng = random.Random(seed)
    out: list[Generated] = []
    for kind, templates in _TEMPLATES.items():
        seen: set[str] = set()
        for _ in range(per_kind * 20):
            if len(seen) >= per_kind:
                break
            text = _fill(rng.choice(templates), rng)
            if text not in seen:
                seen.add(text)
                out.append(Generated(text, _labels(kind), kind))
    return out

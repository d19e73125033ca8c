"""The suite's functionalities: templates, the targets they are filled with, and gold actions.

A case passes when its decision agrees with the gold action on the one thing a site cannot get
wrong: whether the comment is published at once. Gold "approve" needs "approve"; gold "hold" or
"reject" (a guideline is broken) needs anything but "approve". Whether a breach is held or
rejected is the site's threshold choice, reported beside the pass rate, not counted in it.

The targets are the ones a news site sees: protected groups, nationalities in the news, public
figures, the author, another commenter. `models/synthetic.py` must use none of them.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

GROUPS = (
    "Muslims", "Jews", "black people", "immigrants", "women", "gay people", "trans people",
    "refugees", "disabled people", "Hindus", "Asians", "Roma",
)  # fmt: skip
NATIONALITIES = (
    "Russians", "North Koreans", "Ukrainians", "Mexicans", "Chinese people", "Palestinians",
    "Israelis", "Nigerians", "Poles", "Syrians",
)  # fmt: skip
FIGURES = (
    "Putin", "Kim Jong Un", "the president", "the prime minister", "Biden", "Trump",
    "Zelensky", "Macron", "the defence minister",
)  # fmt: skip
COMMENTERS = ("@dave_k", "@sarah1978", "@truthseeker", "@mike_r", "@annab", "@northwind")
AUTHORS = (
    "the author", "the reporter", "the writer of this piece", "this journalist", "the columnist",
    "the editor",
)  # fmt: skip
COUNTRIES = ("Russia", "North Korea", "China", "Israel", "Iran", "the US", "Ukraine", "Britain")
SLURS = ("faggot", "retard", "nigger", "kike", "tranny", "spic", "chink", "raghead")
OBFUSCATED_SLURS = ("f@ggot", "r3tard", "n1gger", "k1ke", "tr@nny", "sp1c", "ch1nk", "f4ggot")

SHOPS = ("cashnow-jobs.biz", "freebtc.win", "pillstore.ru", "datingnow.xyz", "best-deals4u.top")

SLOTS = {
    "shop": SHOPS,
    "group": GROUPS,
    "nation": NATIONALITIES,
    "figure": FIGURES,
    "commenter": COMMENTERS,
    "author": AUTHORS,
    "country": COUNTRIES,
    "slur": SLURS,
    "obfuscated": OBFUSCATED_SLURS,
}
CASES_PER_FUNCTIONALITY = 24


@dataclass(frozen=True)
class Functionality:
    name: str
    description: str
    gold: str  # "approve", "hold" or "reject" under the default guidelines
    guideline: str | None  # the guideline a breach falls under; None when gold is approve
    templates: tuple[str, ...]


@dataclass(frozen=True)
class Case:
    functionality: str
    text: str
    gold: str
    guideline: str | None


def _f(name: str, description: str, gold: str, guideline: str | None, *templates: str):
    return Functionality(name, description, gold, guideline, templates)


FUNCTIONALITIES: tuple[Functionality, ...] = (
    # --- hate: derogation and dehumanisation -------------------------------------------------
    _f("derogation", "Strong negative statements about a protected group", "hold", "hate",
       "{group} are disgusting", "i hate {group}, every last one of them",
       "{group} are all liars and thieves", "{group} are stupid and lazy",
       "{group} ruin every place they move to"),
    _f("derogation_implicit", "Derogation with no swear word or insult in it", "hold", "hate",
       "{group} should not be allowed to vote", "{group} can never be trusted",
       "this country was better before {group} came", "{group} are a burden on decent people",
       "no {group} should ever hold public office"),
    _f("dehumanise_group", "A protected group described as animals, vermin or disease",
       "reject", "hate",
       "{group} are vermin", "{group} are cockroaches", "{group} are rats spreading disease",
       "{group} are parasites living off the rest of us", "{group} are subhuman"),
    _f("dehumanise_nationality", "A nationality in the news described as vermin or animals",
       "reject", "hate",
       "{nation} are vermin", "{nation} are cockroaches, all of them", "{nation} are rats",
       "{nation} are parasites", "{nation} are animals, nothing more"),
    _f("hate_question", "Hate phrased as a question", "hold", "hate",
       "why are {group} so dirty?", "aren't {group} just animals?",
       "why do {group} always lie?", "isn't it obvious that {group} are inferior?"),
    _f("hate_opinion", "Hate phrased as an opinion", "hold", "hate",
       "i think {group} are subhuman", "in my opinion {group} are a disease",
       "honestly {group} are the worst people on earth",
       "i believe {group} are genetically inferior", "just my view, but {group} are a plague"),
    # --- threats --------------------------------------------------------------------------
    _f("threat_direct", "A direct threat at another commenter", "reject", "threat",
       "{commenter} i am going to hurt you", "{commenter} i will beat you senseless",
       "i will find you and break your legs {commenter}",
       "{commenter} you will be dead by friday", "i'm going to kill you {commenter}"),
    _f("threat_conditional", "A threat that depends on what the commenter does", "reject",
       "threat",
       "if you post that again i will come for you {commenter}",
       "say that to my face and i'll smash your teeth in, {commenter}",
       "one more word {commenter} and you will regret being born",
       "if i ever meet you i will make you bleed {commenter}"),
    _f("violence_public_figure", "Wishing or calling for violence against a public figure",
       "reject", "threat",
       "somebody ought to shoot {figure}", "{figure} deserves to be hanged",
       "i hope someone puts a bullet in {figure}", "{figure} should be strung up in the square",
       "someone needs to take out {figure} for good"),
    _f("violence_group", "Calling for violence against a protected group", "reject", "threat",
       "{group} should all be shot", "round up the {group} and hang them",
       "we should burn the {group} out of our towns", "death to all {group}"),
    _f("doxxing", "Threatening with someone's home, family or whereabouts", "reject", "threat",
       "i know where you live, {commenter}",
       "{commenter} your address was not hard to find, see you soon",
       "we found your home address {commenter}, watch your back",
       "{commenter} i know which school your kids go to"),
    # --- slurs and profanity ----------------------------------------------------------------
    _f("slur", "A slur aimed at a person", "reject", "hate",
       "{commenter} you are a {slur}", "go back home you {slur}", "what a typical {slur}"),
    _f("slur_obfuscated", "A slur spelt with digits or symbols", "reject", "hate",
       "{commenter} you are a {obfuscated}", "go back home you {obfuscated}",
       "what a typical {obfuscated}"),
    _f("profanity_at_person", "Profanity aimed at a commenter or the author", "hold", "abuse",
       "{commenter} you are a fucking idiot", "shut the fuck up {commenter}",
       "{commenter} is full of shit", "go to hell {commenter}, you moron",
       "{author} is a fucking hack"),
    _f("profanity_emphasis", "Mild language used for emphasis, at nobody", "approve", None,
       "damn, {country} really surprised everyone today",
       "what the hell is {country} doing with its budget",
       "hell yes, finally some real reporting on {country}",
       "the summit in {country} was a bloody farce"),
    _f("masked_profanity", "Profanity with one mask character", "hold", "obscene",
       "{commenter} you are full of sh*t", "what a load of sh*t from {figure}",
       "this is f*cking ridiculous, {commenter}", "go f*ck yourself {commenter}",
       "{figure} is a lying b*tch"),
    _f("masked_profanity_repeated", "Profanity with several or mixed mask characters", "hold",
       "obscene",
       "{figure} and his friends can go f*** themselves", "they are pieces of s*** like {figure}",
       "{commenter} you are full of s**t", "f#@k off {commenter}",
       "{figure} is a lying sh#t", "{commenter} you are an a$$hole",
       "what a f@#$ing disgrace, {figure}"),
    # --- context that must lower a score ---------------------------------------------------
    _f("negated_insult", "An insult that is denied", "approve", None,
       "i don't think {commenter} is stupid at all",
       "nobody here is calling you an idiot, {commenter}",
       "{author} is not a hack, this is careful work",
       "i never said you were a moron {commenter}",
       "you are not dumb {commenter}, just misinformed"),
    _f("negated_hate", "Hate that is denied", "approve", None,
       "{group} are not vermin, they are our neighbours",
       "i would never say that {group} are inferior", "{group} are not a threat to anyone",
       "it is wrong to say {group} are criminals", "no, {group} are not the problem here"),
    _f("counter_speech_quote", "Counter-speech quoting the hate it rejects", "approve", None,
       "saying '{group} are vermin' is disgusting and you should be ashamed",
       "someone wrote that {group} are animals; that is hateful nonsense",
       "calling {group} parasites is exactly the hate this article warns about",
       "'{group} should go home' is a racist thing to say"),
    _f("counter_speech_reference", "Counter-speech that refers to insults or hate", "approve",
       None,
       "calling people idiots is not helpful", "insulting {commenter} will not win the argument",
       "please stop the name calling, {commenter}", "hate against {group} has no place here",
       "threats of violence against {figure} have no place in this debate"),
    # --- criticism that is allowed ------------------------------------------------------------
    _f("criticism_government", "Harsh criticism of a government", "approve", None,
       "the {country} government is corrupt and incompetent",
       "the regime in {country} lies to its own people",
       "{country}'s foreign policy is a disaster",
       "the {country} ministry covered up its failures"),
    _f("criticism_leader", "Harsh criticism of a public figure", "approve", None,
       "{figure} has ruined the economy", "{figure} should resign after this summit",
       "{figure} is a dangerous authoritarian", "{figure}'s speech was full of lies",
       "{figure} broke every promise he made"),
    _f("criticism_army", "Harsh criticism of an army", "approve", None,
       "the {country} army committed war crimes",
       "{country}'s troops shelled civilians and must answer for it",
       "the {country} military is brutal and reckless",
       "generals in {country} lied about the losses"),
    # --- identity mentions that are civil -------------------------------------------------------
    _f("identity_mention", "A protected group mentioned in a civil statement", "approve", None,
       "{group} in my town organised a food drive", "the article is fair to {group}",
       "my neighbours are {group} and they are lovely",
       "{group} should have equal rights, full stop", "more {group} should run for office"),
    _f("nationality_mention", "A nationality mentioned in a civil statement", "approve", None,
       "many {nation} oppose this war", "the {nation} i met on holiday were very welcoming",
       "ordinary {nation} are not to blame for the summit",
       "the {nation} journalists asked good questions"),
    # --- insults aimed at people here ---------------------------------------------------------
    _f("insult_commenter", "An insult aimed at another commenter", "hold", "abuse",
       "{commenter} you are an idiot", "{commenter} what a pathetic clown you are",
       "only a moron like {commenter} would believe that",
       "{commenter} you are too stupid to understand the article"),
    _f("insult_author", "An insult aimed at the author", "hold", "abuse",
       "{author} is a clueless idiot", "{author} is a brainless hack",
       "{author} is a pathetic excuse for a journalist", "{author} is a moron"),
    # --- spam and the news-comment forms ---------------------------------------------------------
    _f("spam", "Advertising and scams", "hold", "spam",
       "earn $500 a day working from home, visit www.{shop}",
       "click here for free bitcoin at {shop} now", "cheap pills online, order at {shop}",
       "i made $8000 last month with this one trick, see {shop}",
       "subscribe for daily giveaways!!! {shop}",
       "hot singles in your area, sign up free at {shop}"),
    _f("reply_civil", "A civil reply to another commenter", "approve", None,
       "{commenter} i disagree, the article says the talks in {country} failed",
       "{commenter} good point about {country}", "thanks {commenter}, i had not seen that",
       "{commenter} do you have a source for that claim about {figure}?"),
    _f("quote_article", "Quoting the article to discuss it", "approve", None,
       '"{figure} arrived in {country} on tuesday" - so what did they agree?',
       'the article says "{country} will keep its troops at the border". that worries me.',
       'quote: "{figure} called the talks productive". i doubt it.',
       'as the piece puts it, "{country} has few options left".'),
)  # fmt: skip


def _fill(template: str) -> list[str]:
    names = [n for n in SLOTS if "{" + n + "}" in template]
    if not names:
        return [template]
    return [
        template.format(**dict(zip(names, values, strict=True)))
        for values in itertools.product(*(SLOTS[n] for n in names))
    ]


def cases_of(f: Functionality, n: int = CASES_PER_FUNCTIONALITY) -> list[Case]:
    """n cases, as many from each template as the targets allow, drawn with a fixed seed."""
    rng = random.Random(f.name)
    pools = [_fill(t) for t in f.templates]
    for pool in pools:
        rng.shuffle(pool)
    texts: list[str] = []
    for round_ in itertools.count():
        added = False
        for pool in pools:
            if round_ < len(pool) and len(texts) < n:
                texts.append(pool[round_])
                added = True
        if not added or len(texts) >= n:
            break
    return [Case(f.name, t, f.gold, f.guideline) for t in texts]


def functionalities() -> tuple[Functionality, ...]:
    return FUNCTIONALITIES


def all_cases(n: int = CASES_PER_FUNCTIONALITY) -> list[Case]:
    return [c for f in FUNCTIONALITIES for c in cases_of(f, n)]

"""Threat shapes a bag of n-grams misses: harm promised to the reader, their home named at them.

The classifier learns threats from the few the public sets hold, word by word; "i will find you
and break your legs" has no n-gram that a tweet corpus marks as a threat. Two shapes are
read here instead, on the normalised text:

- a promise of harm to the reader: a first-person future ("i will", "i'll", "we're going to")
  followed within a few words by "you"/"your" and a word of physical harm, or by "come for you";
- the reader's whereabouts named at them: "i know" / "we found" / "i've got" followed by where
  they live or sleep, their home, street, family or children.

- a fate foretold to the reader: "you will be dead", "you'll regret being born", "your days are
  numbered" (the fate itself, not a bare "you will regret", which is as often political);
- their home named with a menace: "your address was not hard to find", or their home named and
  "see you soon" / "watch your back" in the same comment;
- a call for violence: someone or something ought to kill, lynch, string up or take out a
  person ("somebody should shoot him", "he deserves to be hanged", "should face a firing
  squad"), and "death to ...";
- death or harm wished on someone: "i hope you rot", "hope his plane crashes", "the world would
  be better if he were dead" (a negation in between, "i hope he doesn't die", is no wish).

All hold for a person (the default action): the shapes are what threats look like, but a
person decides whether "i know where you live" is a threat or a neighbour's joke. Harm words are
physical only ("regret", "pay for this" and "be sorry" are as often political as menacing), and
a call for violence names a verb of killing, never one with a civil sense as common as its
violent one ("beat", "burn", "execute", "shoot down").

Every pattern is anchored on literal words, with bounded gaps of disjoint classes (`\\S+\\s+`),
so each starting point is tried a bounded number of ways: linear in the text's length.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from models.concepts import _VIOLENCE
from models.normalize import Normalized, normalize
from models.policy import ThreatsRule
from models.rules.finding import Finding, span_of_normalized

__all__ = ["threat_findings"]

_HARM_WORDS = sorted(
    set(_VIOLENCE.split())
    | {"hurt", "bleed", "dead", "die", "smash", "punch", "kick", "break", "cripple", "batter"},
    key=len,
    reverse=True,
)
_HARM = "|".join(re.escape(w) for w in _HARM_WORDS)
_APOS = "['’]"
_FUTURE = (
    rf"(?:i|we)(?:\s+will|{_APOS}ll|\s+shall|\s+am\s+going\s+to|{_APOS}m\s+going\s+to"
    rf"|\s+are\s+going\s+to|{_APOS}re\s+going\s+to|(?:{_APOS}m|{_APOS}re)?\s+gonna)"
)
_COMING = rf"(?:i|we)(?:{_APOS}m|{_APOS}re|\s+am|\s+are)\s+coming\s+(?:for|after)\s+"
_GAP = r"(?:\S+\s+){0,5}?"
_YOU = r"(?:you|your|yourself|ya|u)"
_PROMISE = re.compile(
    rf"(?<![\w'’]){_FUTURE}\s+(?:"
    rf"{_GAP}{_YOU}\b\s*{_GAP}(?:{_HARM})\b"  # "i will find you and break your legs"
    rf"|{_GAP}(?:{_HARM})\S*\s+{_YOU}\b"  # "i'm going to kill you"
    rf"|{_GAP}(?:come|coming)\s+(?:for|after)\s+{_YOU}\b"  # "i will come for you"
    rf")"
    rf"|(?<![\w'’]){_COMING}{_YOU}\b"  # "we're coming for you"
)
_HOME = (
    r"(?:home|address|street|postcode|house|flat|apartment|kids|children|family|wife|husband"
    r"|daughter|son|parents|workplace|car)"
)
_HOME_NAMED = rf"your\s+(?:\S+\s+)?{_HOME}\b(?!\s+(?:team|page|town|country))"
_WHEREABOUTS = re.compile(
    rf"(?<![\w'’])(?:i|we)(?:{_APOS}ve|\s+have)?\s+(?:\S+\s+){{0,2}}?"
    r"(?:know|knows|found|find|got|have|tracked\s+down|looked\s+up)(?:\s+out)?\s+(?:"
    r"where\s+(?:you|your\s+\S+)\s+(?:live|lives|sleep|sleeps|park|parks)"
    rf"|(?:which|what)\s+\S+\s+your\s+{_HOME}"
    rf"|{_HOME_NAMED}"
    r")"
)

_YOU_WILL = (
    rf"(?:you|u|ya)(?:\s+will|{_APOS}ll|\s+are\s+going\s+to|{_APOS}re\s+going\s+to"
    rf"|\s+are\s+gonna|{_APOS}re\s+gonna)"
)
_FATE = re.compile(
    rf"(?<![\w'’]){_YOU_WILL}\s+(?:(?:soon|all|both|surely|definitely)\s+)?(?:"
    r"be\s+(?:dead(?!\s+(?:tired|wrong|right|serious|set|on|certain|sure|last|ahead|broke|bored"
    r"|beat|even|easy|keen|lucky|quiet|cent(?:re|er)))|killed|murdered|buried|six\s+feet\s+under|in\s+a\s+(?:coffin|body\s+bag))"
    r"|regret\s+(?:being\s+born|the\s+day\s+you\s+were\s+born)"
    r"|(?:never|not)\s+(?:wake\s+up|see\s+(?:another|the\s+next)\s+\S+|live\s+to\s+see)"
    r")"
    rf"|(?<![\w'’])your\s+days\s+are\s+numbered"
    rf"|(?<![\w'’])(?:you|u)(?:{_APOS}re|\s+are)\s+(?:a\s+)?dead\s+(?:man|woman|meat)\b"
)
_FOUND_HOME = re.compile(
    rf"(?<![\w'’]){_HOME_NAMED}\s+(?:is|was|are|were)(?:n{_APOS}t|\s+not)?\s+"
    r"(?:not\s+)?(?:hard|difficult|easy|simple|tricky)\s+to\s+find"
)
_HOME_AT = re.compile(rf"(?<![\w'’]){_HOME_NAMED}")
_MENACE = re.compile(
    r"(?<![\w'’])(?:see\s+you\s+(?:soon|tonight|around|shortly)|watch\s+your\s+back"
    r"|(?:we|i)\s+will\s+be\s+(?:waiting|watching)"
    rf"|(?:we|i){_APOS}ll\s+be\s+(?:waiting|watching)|pay\s+(?:you|them)\s+a\s+visit)\b"
)
# Verbs of killing whose ordinary sense is the violent one. The euphemisms ("take out", "string
# up", "put down") read as calls only after "someone"/"somebody": "we need to take out a loan"
# and "they should put down a motion" are everyday; "hang out", "shoot down" and "take out the
# bins" are excluded after any subject.
_KILL = (
    r"(?:kill|murder|shoot|stab|hang|lynch|behead|strangle|slaughter|butcher|massacre"
    r"|assassinate|exterminate|torture)"
)
_EUPHEMISM = (
    r"(?:string\s+(?:\S+\s+){0,2}?up|take\s+(?:\S+\s+){0,3}?out|put\s+(?:\S+\s+)?down|finish\s+off)"
)
# Passive forms of the same, less those a bill or a plan can undergo ("killed", "taken out").
_KILLED = (
    r"(?:murdered|shot|stabbed|hanged|hung|lynched|beheaded|strangled|slaughtered|butchered"
    r"|massacred|assassinated|tortured|stoned|strung\s+up|gassed|burn(?:ed|t)\s+alive)"
)
_OUGHT = r"(?:needs?\s+to|should|ought\s+to|must|has\s+to|have\s+to|gotta|got\s+to|deserves?\s+to)"
_NOT_VIOLENT_AFTER = (
    r"(?!\s*(?:down|out\b|up\s+(?:the|a|an|some|with)\b|the\s+(?:trash|garbage|rubbish|bins?"
    r"|recycling)|(?:a\s+)?(?:loans?|mortgage|ads?|insurance|film|movie|documentary|video"
    r"|photo|picture|scene|idea|proposal|bill|plan|policy|law|motion|myth|rumou?r)\b"
    r"|(?:some\s+|the\s+|a\s+|our\s+|their\s+)?(?:photos?|pictures?|posters?|flags?|signs?"
    r"|banners?|lights?|paintings?|curtains?|washing|decorations?)\b))"
)
_MODAL = rf"\s+(?:really\s+|just\s+)?{_OUGHT}\s+(?:(?:just|really|finally|go\s+and)\s+){{0,2}}"
_CALL = re.compile(
    rf"(?<![\w'’])(?:someone|somebody|anyone|anybody){_MODAL}(?:{_KILL}|{_EUPHEMISM})\b"
    rf"{_NOT_VIOLENT_AFTER}"
    rf"|(?<![\w'’])(?:people|we|they|you\s+guys){_MODAL}{_KILL}\b{_NOT_VIOLENT_AFTER}"
    rf"|(?<![\w'’]){_OUGHT}\s+be\s+(?:publicly\s+|all\s+|just\s+)?{_KILLED}\b{_NOT_VIOLENT_AFTER}"
    # "death to ..." as a slogan, not "fight to the death to", "wish death to", "bored to death"
    r"|(?<![\w'’])(?<!the\s)(?<!to\s)(?<!till\s)(?<!wish\s)(?<!s\s)(?<!his\s)(?<!her\s)"
    r"(?<!own\s)(?<!bill\s)(?<!it\s)(?<!for\s)death\s+to\s+(?:all\s+|the\s+|every\s+)?\S+"
)

# Wishing someone dead or hurt is against the guidelines as much as threatening it: "i hope you
# rot", "hope someone poisons his tea", "the world would be better off if he were dead". A
# negation in the gap ("i hope he doesn't die") ends the match.
_WISHED_HARM = (
    r"(?:die|dies|died|dead|rot|rots|burn|burns|crash|crashes|drown|drowns|suffer"
    r"|suffers|get\s+(?:killed|shot|stabbed|cancer|run\s+over)|gets\s+(?:killed|shot|stabbed"
    r"|cancer|run\s+over)|poison|poisons|kill|kills|shoot|shoots|stab|stabs)"
)
_NOT_NEGATED = r"(?:(?!(?:not|never|no|nothing)\b|\S*n['’]t\b)\S+\s+)"
_WISH = re.compile(
    r"(?<![\w'’])(?:(?:i|we)\s+(?:(?:really|truly|just|sincerely|do)\s+)?)?(?:hope|wish|pray)\s+"
    r"(?:that\s+)?(?:you|u|he|she|they|someone|somebody|(?:your|his|her|their)\s+(?:\S+\s+)?\S+)"
    rf"\s+{_NOT_NEGATED}{{0,3}}?{_WISHED_HARM}\b"
    r"|(?<![\w'’])(?:world|country|planet|everyone|we|you)\s+(?:would|will|'d)\s+be\s+(?:a\s+)?"
    r"better(?:\s+place)?(?:\s+off)?\s+(?:if|when|once)\s+(?:you|he|she|they)\s+"
    r"(?:was|were|is|are|got|get)\s+(?:dead|killed|shot)"
    r"|(?<![\w'’])(?:you|he|she|they)(?:\s+(?:are|is|would\s+be)|['’]re|['’]d\s+be)\s+"
    r"better\s+off\s+dead"
)
# Executions named as what someone deserves: "should face a firing squad", "put a bullet in".
_EXECUTION = re.compile(
    rf"(?<![\w'’]){_OUGHT}\s+(?:face|get|see|meet|be\s+(?:put|stood|lined\s+up)\s+(?:in\s+front\s+of"
    r"|before|against))\s+(?:a|the)\s+(?:firing\s+squad|gallows|noose|guillotine|wall)\b"
    r"|(?<![\w'’])put\s+a\s+bullet\s+(?:in|through|into)\s+"
)


def _home_with_menace(text: str) -> list[re.Match]:
    """The reader's home named and a menace in the same comment (both spans are evidence)."""
    menaces = list(_MENACE.finditer(text))
    homes = list(_HOME_AT.finditer(text)) if menaces else []
    return homes + menaces if homes else []


@dataclass(frozen=True)
class _Shape:
    find: Callable[[str], Iterable[re.Match]]
    name: str
    detail: str
    # Words one of which every match contains: a comment with none skips the pattern. Python's
    # regex engine tries a pattern that opens with a lookbehind at every position; `in` on the
    # text is C-speed, and most comments name no violence at all.
    needs: frozenset[str] = frozenset()


_KILL_STEMS = (
    "kill", "murder", "shoot", "stab", "hang", "lynch", "behead", "strangl", "slaughter",
    "butcher", "massacre", "assassin", "extermin", "tortur",
)  # fmt: skip
_FATE_NEEDS = (
    "dead", "killed", "murdered", "buried", "six", "coffin", "body", "regret", "wake", "another",
    "next", "live", "numbered",
)  # fmt: skip
_CALL_NEEDS = (
    "someone", "somebody", "anyone", "anybody", *_KILL_STEMS, "shot", "hung", "stone", "strung",
    "gass", "burn", "death",
)  # fmt: skip
_SHAPES = (
    _Shape(_PROMISE.finditer, "threat_promise", "harm promised to the reader"),
    _Shape(
        _FATE.finditer,
        "threat_promise",
        "a violent fate foretold to the reader",
        frozenset(_FATE_NEEDS),
    ),
    _Shape(
        _WHEREABOUTS.finditer, "threat_whereabouts", "the reader's home or family named at them"
    ),
    _Shape(
        _FOUND_HOME.finditer,
        "threat_whereabouts",
        "the reader's home named as found",
        frozenset({"find"}),
    ),
    _Shape(
        _home_with_menace,
        "threat_whereabouts",
        "the reader's home named with a menace",
        frozenset({"see", "watch", "waiting", "visit"}),
    ),
    _Shape(
        _CALL.finditer,
        "threat_call",
        "a call for violence against someone",
        frozenset(_CALL_NEEDS),
    ),
    _Shape(
        _EXECUTION.finditer,
        "threat_call",
        "an execution called for",
        frozenset({"firing", "gallows", "noose", "guillotine", "wall", "bullet"}),
    ),
    _Shape(
        _WISH.finditer,
        "threat_wish",
        "death or harm wished on someone",
        frozenset({"hope", "wish", "pray", "better"}),
    ),
)
# Every shape's words, looked for once per comment.
_ALL_NEEDS = tuple(sorted(set().union(*(shape.needs for shape in _SHAPES))))


def threat_findings(
    text: str, rule: ThreatsRule, normalized: Normalized | None = None, *, prefilter: bool = True
) -> list[Finding]:
    """A finding per threat shape found; none when the rule is switched off.

    `prefilter=False` runs every pattern on every text (the tests compare the two).
    """
    if rule.action == "allow":
        return []
    norm = normalized if normalized is not None else normalize(text)
    present = frozenset(word for word in _ALL_NEEDS if word in norm.text)
    found: dict[str, Finding] = {}  # one finding per rule name, its shapes' spans together
    for shape in _SHAPES:
        if prefilter and shape.needs and shape.needs.isdisjoint(present):
            continue
        spans = [span_of_normalized(norm, m.start(), m.end()) for m in shape.find(norm.text)]
        if spans and shape.name in found:
            found[shape.name].evidence.extend(spans)
        elif spans:
            found[shape.name] = Finding("threat", shape.name, rule.action, spans, shape.detail)
    return list(found.values())

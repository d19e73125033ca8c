"""A site's moderation policy: classifier thresholds per guideline, word lists and rule settings.

The policy is a JSON document (read and replaced whole through the API and the CLI).
`Policy.from_dict` validates it strictly and collects every problem at once, so a newsroom fixing
its document sees all of them in one 422 answer rather than one per attempt. Keys left out take
the defaults of `DEFAULT_POLICY`; a threshold of `null` switches that guideline's classifier
check off.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from models.guidelines import CLASSIFIER_GUIDELINES
from models.langid import SUPPORTED_LANGUAGES

__all__ = [
    "DEFAULT_POLICY",
    "AuthorHistoryRule",
    "LanguageRule",
    "LinksRule",
    "NewCommenterRule",
    "PersonalDataRule",
    "Policy",
    "PolicyError",
    "RepeatsRule",
    "ShoutingRule",
    "ThreatsRule",
    "Threshold",
    "WordLists",
]

RULE_ACTIONS = ("allow", "hold", "reject")  # "allow" switches a text rule off
PERSONAL_DATA_KINDS = ("phone", "email", "address")
MAX_WORDS = 5000  # per list: the matcher is one compiled regex; keep it a sane size
MAX_DOMAINS = 1000  # allowed link domains
MAX_WORD_LENGTH = 100


class PolicyError(ValueError):
    """A policy document that does not validate; `errors` is a list of {"field", "message"}."""

    def __init__(self, errors: list[dict[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


@dataclass(frozen=True, slots=True)
class Threshold:
    """Hold at or above `hold`, reject at or above `reject`; either may be None (never)."""

    hold: float | None
    reject: float | None


@dataclass(frozen=True, slots=True)
class WordLists:
    banned: tuple[str, ...] = ()  # reject
    suspect: tuple[str, ...] = ()  # hold


@dataclass(frozen=True, slots=True)
class LinksRule:
    action: str = "hold"
    allowed_domains: tuple[str, ...] = ()  # a listed domain also allows its subdomains


@dataclass(frozen=True, slots=True)
class PersonalDataRule:
    action: str = "hold"
    detect: tuple[str, ...] = PERSONAL_DATA_KINDS


@dataclass(frozen=True, slots=True)
class ThreatsRule:
    action: str = "hold"  # threat shapes: harm promised or foretold, home named, calls for violence


@dataclass(frozen=True, slots=True)
class LanguageRule:
    action: str = "hold"
    allowed: tuple[str, ...] = ("en",)


@dataclass(frozen=True, slots=True)
class ShoutingRule:
    action: str = "hold"
    caps_share: float = 0.7  # share of letters in capitals above which a comment shouts
    min_letters: int = 12  # "OK" or "NHS" alone is not shouting
    max_repeat: int = 5  # longest tolerated run of one character ("!!!!!" ok, "!!!!!!" not)


@dataclass(frozen=True, slots=True)
class RepeatsRule:
    action: str = "hold"
    window_seconds: int = 3600
    max_same_author: int = 1  # copies of one text an author may post within the window
    max_across_authors: int = 3  # copies of one text from different authors within the window


@dataclass(frozen=True, slots=True)
class NewCommenterRule:
    enabled: bool = False
    first_n: int = 3


@dataclass(frozen=True, slots=True)
class AuthorHistoryRule:
    enabled: bool = False
    window: int = 10  # how many of the author's most recent decisions to look at
    reject_share: float = 0.5
    min_comments: int = 3  # one rejected comment out of one is not a record


_DEFAULT_THRESHOLDS: dict[str, Threshold | None] = {
    "abuse": Threshold(hold=0.5, reject=0.9),
    "hate": Threshold(hold=0.4, reject=0.85),
    "threat": Threshold(hold=0.3, reject=0.8),
    # "Mild language is fine": hold later than the other guidelines.
    "obscene": Threshold(hold=0.6, reject=0.95),
    "spam": Threshold(hold=0.5, reject=0.9),
}


@dataclass(frozen=True)
class Policy:
    thresholds: Mapping[str, Threshold | None] = field(
        default_factory=lambda: dict(_DEFAULT_THRESHOLDS)
    )
    word_lists: WordLists = WordLists()
    links: LinksRule = LinksRule()
    personal_data: PersonalDataRule = PersonalDataRule()
    threats: ThreatsRule = ThreatsRule()
    language: LanguageRule = LanguageRule()
    shouting: ShoutingRule = ShoutingRule()
    repeats: RepeatsRule = RepeatsRule()
    new_commenter: NewCommenterRule = NewCommenterRule()
    author_history: AuthorHistoryRule = AuthorHistoryRule()

    @classmethod
    def from_dict(cls, doc: Any) -> Policy:
        """Validate a policy document; raise PolicyError listing every problem."""
        errors: list[dict[str, str]] = []
        if not isinstance(doc, Mapping):
            raise PolicyError([{"field": "", "message": "the policy must be a JSON object"}])
        for key in doc:
            if key not in _SECTIONS and key != "thresholds":
                errors.append({"field": str(key), "message": "unknown key"})
        values: dict[str, Any] = {}
        if "thresholds" in doc:
            values["thresholds"] = _parse_thresholds(doc["thresholds"], errors)
        for name, rule_cls in _SECTIONS.items():
            if name in doc:
                values[name] = _parse_section(name, rule_cls, doc[name], errors)
        if errors:
            raise PolicyError(errors)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document; `Policy.from_dict(p.to_dict()) == p`."""
        doc: dict[str, Any] = {
            "thresholds": {
                code: None if t is None else {"hold": t.hold, "reject": t.reject}
                for code, t in self.thresholds.items()
            }
        }
        for name in _SECTIONS:
            section = dataclasses.asdict(getattr(self, name))
            doc[name] = {k: list(v) if isinstance(v, tuple) else v for k, v in section.items()}
        return doc


# --- validation ---------------------------------------------------------------------------

_INVALID = object()
Errors = list[dict[str, str]]


def _err(errors: Errors, path: str, message: str) -> object:
    errors.append({"field": path, "message": message})
    return _INVALID


def _probability(value: Any, path: str, errors: Errors) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _err(errors, path, "must be a number between 0 and 1")
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        return _err(errors, path, "must be between 0 and 1")
    return float(value)


def _parse_thresholds(value: Any, errors: Errors) -> dict[str, Threshold | None]:
    out = dict(_DEFAULT_THRESHOLDS)
    if not isinstance(value, Mapping):
        _err(errors, "thresholds", "must be an object of guideline to {hold, reject} or null")
        return out
    for code, spec in value.items():
        path = f"thresholds.{code}"
        if code not in CLASSIFIER_GUIDELINES:
            _err(errors, path, f"unknown guideline; expected one of {list(CLASSIFIER_GUIDELINES)}")
            continue
        if spec is None:
            out[code] = None
            continue
        if not isinstance(spec, Mapping):
            _err(errors, path, "must be {hold, reject} or null")
            continue
        for key in spec:
            if key not in ("hold", "reject"):
                _err(errors, f"{path}.{key}", "unknown key")
        hold, reject = (
            None if spec.get(k) is None else _probability(spec[k], f"{path}.{k}", errors)
            for k in ("hold", "reject")
        )
        if _INVALID in (hold, reject):
            continue
        if hold is None and reject is None:
            _err(errors, path, "set hold or reject, or use null to switch the guideline off")
        elif hold is not None and reject is not None and hold > reject:
            _err(errors, f"{path}.hold", "must not be above reject")
        else:
            out[code] = Threshold(hold=hold, reject=reject)
    return out


def _choice(options: tuple[str, ...]) -> Callable[[Any, str, Errors], Any]:
    def parse(value: Any, path: str, errors: Errors) -> Any:
        if value not in options or not isinstance(value, str):
            return _err(errors, path, f"must be one of {list(options)}")
        return value

    return parse


def _integer(low: int, high: int) -> Callable[[Any, str, Errors], Any]:
    def parse(value: Any, path: str, errors: Errors) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return _err(errors, path, f"must be a whole number from {low} to {high}")
        return value

    return parse


def _boolean(value: Any, path: str, errors: Errors) -> Any:
    if not isinstance(value, bool):
        return _err(errors, path, "must be true or false")
    return value


def _string_list(
    item: Callable[[str], str | None], what: str, limit: int, *, min_items: int = 0
) -> Callable[[Any, str, Errors], Any]:
    """A list of strings, each cleaned by `item` (None = invalid), duplicates dropped in order."""

    def parse(value: Any, path: str, errors: Errors) -> Any:
        if not isinstance(value, list):
            return _err(errors, path, f"must be a list of {what}")
        if not min_items <= len(value) <= limit:
            return _err(errors, path, f"from {min_items} to {limit} entries")
        out: list[str] = []
        ok = True
        for i, entry in enumerate(value):
            cleaned = item(entry) if isinstance(entry, str) else None
            if cleaned is None:
                ok = False
                _err(errors, f"{path}[{i}]", f"not a valid {what[:-1]}: {entry!r}"[:200])
            elif cleaned not in out:
                out.append(cleaned)
        return tuple(out) if ok else _INVALID

    return parse


_DOMAIN = re.compile(r"(?=.{1,253}$)(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z][a-z0-9-]{0,62}(?<!-)")
_WORD_CHAR = re.compile(r"\w")


def _clean_domain(value: str) -> str | None:
    value = value.strip().lower().rstrip(".")
    if value.startswith("*."):
        value = value[2:]  # "*.example.com" means what "example.com" already means
    try:
        value = value.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return value if _DOMAIN.fullmatch(value) else None


def _clean_word(value: str) -> str | None:
    value = " ".join(value.split())
    if not value or len(value) > MAX_WORD_LENGTH or not _WORD_CHAR.search(value):
        return None
    if "*" in value.rstrip("*") or value.endswith("**"):
        return None  # only one trailing "*" (prefix match) is meaningful
    return value


def _clean_language(value: str) -> str | None:
    value = value.strip().lower()
    return value if value in SUPPORTED_LANGUAGES else None


def _clean_kind(value: str) -> str | None:
    return value if value in PERSONAL_DATA_KINDS else None


_FIELD_PARSERS: dict[str, dict[str, Callable[[Any, str, Errors], Any]]] = {
    "word_lists": {
        "banned": _string_list(_clean_word, "words", MAX_WORDS),
        "suspect": _string_list(_clean_word, "words", MAX_WORDS),
    },
    "links": {
        "action": _choice(RULE_ACTIONS),
        "allowed_domains": _string_list(_clean_domain, "domains", MAX_DOMAINS),
    },
    "personal_data": {
        "action": _choice(RULE_ACTIONS),
        "detect": _string_list(_clean_kind, "kinds", len(PERSONAL_DATA_KINDS)),
    },
    "threats": {"action": _choice(RULE_ACTIONS)},
    "language": {
        "action": _choice(RULE_ACTIONS),
        "allowed": _string_list(_clean_language, "languages", 50, min_items=1),
    },
    "shouting": {
        "action": _choice(RULE_ACTIONS),
        "caps_share": _probability,
        "min_letters": _integer(1, 10_000),
        "max_repeat": _integer(2, 10_000),
    },
    "repeats": {
        "action": _choice(RULE_ACTIONS),
        "window_seconds": _integer(1, 30 * 24 * 3600),
        "max_same_author": _integer(1, 1000),
        "max_across_authors": _integer(1, 1000),
    },
    "new_commenter": {"enabled": _boolean, "first_n": _integer(1, 1000)},
    "author_history": {
        "enabled": _boolean,
        "window": _integer(1, 1000),
        "reject_share": _probability,
        "min_comments": _integer(1, 1000),
    },
}
_SECTIONS: dict[str, type] = {
    "word_lists": WordLists,
    "links": LinksRule,
    "personal_data": PersonalDataRule,
    "threats": ThreatsRule,
    "language": LanguageRule,
    "shouting": ShoutingRule,
    "repeats": RepeatsRule,
    "new_commenter": NewCommenterRule,
    "author_history": AuthorHistoryRule,
}


def _parse_section(name: str, rule_cls: type, value: Any, errors: Errors) -> Any:
    parsers = _FIELD_PARSERS[name]
    if not isinstance(value, Mapping):
        _err(errors, name, f"must be an object with keys {sorted(parsers)}")
        return rule_cls()
    values: dict[str, Any] = {}
    for key, item in value.items():
        path = f"{name}.{key}"
        if key not in parsers:
            _err(errors, path, f"unknown key; expected one of {sorted(parsers)}")
            continue
        parsed = parsers[key](item, path, errors)
        if parsed is not _INVALID:
            values[key] = parsed
    return rule_cls(**values)


DEFAULT_POLICY = Policy()

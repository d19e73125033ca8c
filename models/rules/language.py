"""Comments not in one of the site's languages (see models.langid for the package and figures)."""

from __future__ import annotations

from models.langid import identify, looks_english
from models.policy import LanguageRule
from models.rules.finding import Finding, span_of

__all__ = ["language_findings"]


def language_findings(text: str, rule: LanguageRule) -> list[Finding]:
    if rule.action == "allow" or not rule.allowed:
        return []
    if "en" in rule.allowed and looks_english(text):
        return []  # the common case on an English site, settled without the model
    found = identify(text, rule.allowed)
    if found is None or not found.foreign:
        return []  # too short to judge, or in an allowed language
    stripped = text.strip()
    start = text.find(stripped) if stripped else 0
    evidence = [span_of(text, start, start + len(stripped))]
    allowed = ", ".join(rule.allowed)
    detail = f"looks like '{found.language}' ({found.confidence:.0%}); allowed: {allowed}"
    return [Finding("language", "language", rule.action, evidence, detail)]

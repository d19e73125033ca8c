"""Rules beyond the classifier: pure detectors that turn a comment into `Finding`s.

`find_rules` runs every text-only rule of a policy; `author_findings` the rules that need the
author's history (computed by the worker into an `AuthorContext`). `models.decide` combines both
with the classifier's scores.
"""

from __future__ import annotations

from models.normalize import Normalized, normalize
from models.policy import Policy
from models.rules.author import AuthorContext, author_findings
from models.rules.finding import Finding
from models.rules.language import language_findings
from models.rules.links import links_findings
from models.rules.personal import personal_data_findings
from models.rules.repeats import fingerprint
from models.rules.shouting import shouting_findings
from models.rules.threats import threat_findings
from models.rules.words import find_words

__all__ = ["AuthorContext", "Finding", "author_findings", "find_rules", "fingerprint"]


def find_rules(text: str, policy: Policy, normalized: Normalized | None = None) -> list[Finding]:
    """Every text-only rule of `policy` applied to `text`; pass `normalized` if already computed."""
    if not isinstance(text, str):
        return []
    lists = policy.word_lists
    findings: list[Finding] = []
    # Normalised once, for the word lists and the threat shapes, and only if either is on.
    norm = normalized
    if norm is None and (lists.banned or lists.suspect or policy.threats.action != "allow"):
        norm = normalize(text)
    if lists.banned or lists.suspect:
        findings += find_words(
            norm, lists.banned, guideline="obscene", rule="banned_words", action="reject"
        )
        findings += find_words(
            norm, lists.suspect, guideline="obscene", rule="suspect_words", action="hold"
        )
    findings += links_findings(text, policy.links)
    findings += personal_data_findings(text, policy.personal_data)
    findings += threat_findings(text, policy.threats, norm)
    findings += language_findings(text, policy.language)
    findings += shouting_findings(text, policy.shouting)
    return findings

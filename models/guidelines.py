"""The default community guidelines (shared/GUIDELINES.md) as data.

Every automated decision names one of these codes, so a moderator and the commenter can see why.
The classifier-fed guidelines map to the classifier's CATEGORIES; the others are decided by rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.categories import CATEGORIES

__all__ = [
    "ACTIONS",
    "CLASSIFIER_GUIDELINES",
    "GUIDELINES",
    "GUIDELINE_CODES",
    "Guideline",
    "feeding_categories",
]

# Ordered weakest to strongest: the decision is the strongest action any reason asks for.
ACTIONS: tuple[str, ...] = ("approve", "hold", "reject")


@dataclass(frozen=True, slots=True)
class Guideline:
    code: str
    title: str
    description: str
    categories: tuple[
        str, ...
    ]  # classifier categories that feed it; empty for rule-only guidelines
    signal: str


_ALL = (
    Guideline(
        "abuse",
        "Be respectful",
        "No insults or personal attacks on other commenters, the author or staff.",
        ("toxicity", "insult"),
        "classifier insult, toxicity",
    ),
    Guideline(
        "hate",
        "No hate",
        "No attacks on people for their nationality, ethnicity, religion, sex, gender identity, "
        "sexual orientation or disability. Mentioning an identity is not an attack.",
        ("identity_attack",),
        "classifier identity_attack",
    ),
    Guideline(
        "threat",
        "No threats",
        "No threats, no wishing or inciting violence against anyone.",
        ("threat",),
        "classifier threat",
    ),
    Guideline(
        "obscene",
        "No obscenity",
        "No obscene or sexually explicit language. Mild language is fine.",
        ("obscene",),
        "classifier obscene, word list",
    ),
    Guideline(
        "spam",
        "No spam",
        "No advertising, scams, self-promotion or repeated posting.",
        ("spam",),
        "classifier spam, repeats",
    ),
    Guideline(
        "privacy",
        "Respect privacy",
        "Do not post anyone's personal details (phone numbers, e-mail or home addresses).",
        (),
        "pattern detectors",
    ),
    Guideline(
        "links",
        "Links are checked",
        "Links are checked by a moderator before they appear.",
        (),
        "URL detector",
    ),
    Guideline(
        "language",
        "Site language",
        "Comments must be in the site's language(s).",
        (),
        "language identification",
    ),
    Guideline(
        "shouting",
        "No shouting",
        "No shouting in capitals, no flooding with repeated characters.",
        (),
        "simple measures",
    ),
    Guideline(
        "new_commenter",
        "New commenters",
        "A site may ask for a commenter's first comments to be reviewed.",
        (),
        "author history",
    ),
    # Not in the GUIDELINES.md table, but the issue asks for an optional author-history rule and
    # every reason must name a code; a separate code keeps it distinguishable from new_commenter.
    Guideline(
        "author_history",
        "Recent record",
        "A site may ask for a commenter whose recent comments were mostly rejected to be reviewed.",
        (),
        "author history",
    ),
    # Moderators' decisions about an author (issue 18): every reason must name a code.
    Guideline(
        "banned_author",
        "Banned author",
        "The site's moderators banned this commenter; their new comments are rejected.",
        (),
        "author standing",
    ),
    Guideline(
        "author_hold",
        "Author on review",
        "The site's moderators review every comment by this commenter before it appears.",
        (),
        "author standing",
    ),
)

GUIDELINES: dict[str, Guideline] = {g.code: g for g in _ALL}
GUIDELINE_CODES: tuple[str, ...] = tuple(GUIDELINES)
# The guidelines that have classifier thresholds in a policy.
CLASSIFIER_GUIDELINES: tuple[str, ...] = tuple(g.code for g in _ALL if g.categories)

# A typo in the table above would silently make a guideline never fire; fail at import instead.
assert all(c in CATEGORIES for g in _ALL for c in g.categories)


def feeding_categories(code: str) -> tuple[str, ...]:
    """The classifier categories whose highest probability is a guideline's score."""
    return GUIDELINES[code].categories

"""How the moderator pages word what they show: scores against the site's thresholds, times,
and texts that are no longer (or never were) stored.

"Likely abuse · 0.91" reads faster than "abuse 0.91", and the words come from the same thresholds
the worker used for the site, so "Likely" means "at or above this site's reject threshold".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from models.policy import Policy
from service.storage import db, lifecycle, policies

# The thing each classifier guideline's score is a chance of, as a noun.
NOUNS = {
    "abuse": "abuse",
    "hate": "hate",
    "threat": "threat",
    "obscene": "obscenity",
    "spam": "spam",
}


def score_label(policy: Policy, guideline: str | None, score: float | None) -> str | None:
    """Words: "Likely abuse · 0.91" at or above the reject threshold, "Possible" at or above hold,
    "Unlikely" below; None for reasons without a classifier score."""
    if score is None or guideline not in NOUNS:
        return None
    threshold = policy.thresholds.get(guideline)
    word = "Unlikely"
    if threshold is not None:
        if threshold.reject is not None and score >= threshold.reject:
            word = "Likely"
        elif threshold.hold is not None and score >= threshold.hold:
            word = "Possible"
    return f"{word} {NOUNS[guideline]} · {score:.2f}"


def site_policies(conn: sa.Connection, site_ids: set[str]) -> dict[str, policies.Effective]:
    """Each site's current policy, once per page (a page shows a handful of sites at most); the
    default guidelines where the stored one no longer validates, as the worker decides."""
    return {site_id: policies.current_effective(conn, site_id) for site_id in site_ids}


def policy_warning(invalid: policies.InvalidPolicy, site_name: str) -> str:
    """What a moderator reads when a site's stored policy no longer validates."""
    return (
        f"{site_name}'s policy (version {invalid.version}) no longer validates, so its comments"
        f" are decided and worded with the default guidelines until a valid policy is saved"
        f" (PUT /v1/site/policy). The problem: {invalid.problem}"
    )


# Shown instead of a comment posted with "store_text": false (its text was never stored).
TEXT_NOT_STORED = "text not stored"


def text_shown(row: Mapping[str, Any]) -> str:
    """The text a moderator page shows: an erased or unstored text is named, not left blank,
    so the audit trail says what happened to it."""
    if row.get("text_state") == lifecycle.NOT_STORED:
        return TEXT_NOT_STORED
    if row.get("text_state") in lifecycle.ERASED:
        erased = db.isoformat(row.get("erased_at"))
        return f"text erased on {erased[:10]}" if erased else "text erased"
    return row["text"]


def plain_time(iso: str | None) -> str:
    """The server's rendering of a time, shown until (or without) the page's script."""
    if not iso:
        return ""
    try:
        value = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")

"""Statements of reasons: what a reader is told when their comment is withheld or rejected.

The EU Digital Services Act (Article 17) asks for the facts relied on, the ground (here: the
guideline), whether the decision was automated, and how to complain; the UK Online Safety Act
asks for a complaints route. A statement is built from the stored decision alone, so the comment
JSON and the webhook say the same, in plain words a site can show as they are.
"""

from __future__ import annotations

from typing import Any

from models.guidelines import GUIDELINES

MAX_QUOTES = 3


def statement(
    comment: dict[str, Any], decision: dict[str, Any], appeal_url: str | None
) -> dict[str, Any] | None:
    """The statement for a hold or reject decision; None for an approval."""
    action = decision["action"]
    if action not in ("hold", "reject"):
        return None
    reasons = decision.get("reasons") or []
    code = main_guideline(reasons)
    guideline = GUIDELINES.get(code) if code else None
    automated = decision["kind"] != "moderator"
    quotes = _quotes(reasons, code)
    appeal = _appeal(comment, action, appeal_url)
    return {
        "decision": "rejected" if action == "reject" else "withheld",
        "guideline": (
            {"code": guideline.code, "title": guideline.title, "rule": guideline.description}
            if guideline
            else None
        ),
        "automated": automated,
        "evidence": quotes,
        "appeal": appeal,
        "text": _plain(action, guideline, automated, quotes, appeal),
    }


def main_guideline(reasons: list[dict[str, Any]]) -> str | None:
    """The guideline a decision rests on: reject-level reasons first, then the highest score."""
    ranked = sorted(
        (r for r in reasons if r.get("guideline") in GUIDELINES),
        key=lambda r: (r.get("action") == "reject", r.get("score") or 0.0),
        reverse=True,
    )
    return ranked[0]["guideline"] if ranked else None


def _quotes(reasons: list[dict[str, Any]], code: str | None) -> list[str]:
    seen: dict[str, None] = {}
    for reason in reasons:
        if reason.get("guideline") != code:
            continue
        for span in reason.get("evidence") or []:
            text = span.get("text") if isinstance(span, dict) else None
            if text:  # erased or never stored: offsets only, nothing to quote
                seen.setdefault(text, None)
    return list(seen)[:MAX_QUOTES]


def _appeal(comment: dict[str, Any], action: str, appeal_url: str | None) -> dict[str, Any] | None:
    """Rejections can be appealed; a withheld comment is already waiting for a person."""
    if action != "reject":
        return None
    return {"url": appeal_url, "api": f"/v1/comments/{comment['id']}/appeals"}


def _plain(action, guideline, automated: bool, quotes: list[str], appeal) -> str:
    rule = (
        f"our community guideline \u201c{guideline.title}\u201d ({guideline.description})"
        if guideline
        else "our community guidelines"
    )
    if action == "hold":
        who = "Our automated moderation" if automated else "A moderator"
        why = f"because of {rule}" if guideline else "because it could not be checked automatically"
        text = f"{who} withheld your comment for review by a moderator {why}"
    else:
        who = "our automated moderation" if automated else "a moderator"
        text = f"Your comment was not published: {who} found it breaks {rule}"
    if quotes:
        text += ", in particular: " + "; ".join(f"\u201c{q}\u201d" for q in quotes)
    text += "."
    if appeal:
        where = f" at {appeal['url']}" if appeal["url"] else " through this site"
        text += f" If you think this is wrong, you can appeal{where}; a moderator who did not "
        text += "take this decision will look at it again."
    return text

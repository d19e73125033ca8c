"""The shadow report: how a candidate version's decisions compare with the live ones.

Workers store the shadow version's decisions with kind 'shadow' (storage.store); they never
change a comment's status. The report compares each with the active model's decision on the
same revision of the same comment: an edited comment has a decision (live and shadow) for each
revision it had, and a shadow decision on the old text compared with the live one on the new
text would count a changed text as a changed decision.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa

from service.storage import db, lifecycle


def _guidelines(reasons: list[dict] | None) -> list[str]:
    return sorted({r["guideline"] for r in reasons or [] if r.get("guideline")})


def report(conn: sa.Connection, version: str, examples: int = 5) -> dict[str, Any]:
    """How often VERSION agreed with the active model's decision, and which decisions it changes."""
    d, c, r = db.decisions, db.comments, lifecycle.comment_revisions
    machine = d.alias("machine")
    judged = sa.func.coalesce(machine.c.revision, 1)  # NULL: decided before edits existed
    # The latest machine decision on each revision of each comment (a rescore after a model
    # switch judges the same revision again; the latest is the live one).
    latest_machine = (
        sa.select(
            machine.c.comment_id,
            judged.label("revision"),
            sa.func.max(machine.c.id).label("id"),
        )
        .where(machine.c.kind == "machine", machine.c.model_version != version)
        .group_by(machine.c.comment_id, judged)
        .subquery()
    )
    live = d.alias("live")
    revision = sa.func.coalesce(d.c.revision, 1)
    query = (
        sa.select(
            d.c.comment_id,
            revision.label("revision"),
            # The text of the revision judged; the comment's own text when it is the current one
            # (revisions are written only once a comment is edited).
            sa.func.coalesce(r.c.text, c.c.text).label("text"),
            d.c.action.label("shadow_action"),
            d.c.reasons.label("shadow_reasons"),
            live.c.action.label("active_action"),
            live.c.reasons.label("active_reasons"),
            live.c.model_version.label("active_version"),
        )
        .join(
            latest_machine,
            sa.and_(
                latest_machine.c.comment_id == d.c.comment_id,
                latest_machine.c.revision == revision,
            ),
        )
        .join(live, live.c.id == latest_machine.c.id)
        .join(c, c.c.id == d.c.comment_id)
        .outerjoin(r, sa.and_(r.c.comment_id == d.c.comment_id, r.c.revision == revision))
        .where(d.c.kind == "shadow", d.c.model_version == version)
        .order_by(d.c.id.desc())
    )
    total = agreed = 0
    transitions: Counter[tuple[str, str]] = Counter()
    shown: dict[str, list[dict]] = {}
    for row in conn.execute(query):
        total += 1
        if row.shadow_action == row.active_action:
            agreed += 1
            continue
        key = f"{row.active_action} -> {row.shadow_action}"
        transitions[(row.active_action, row.shadow_action)] += 1
        if len(shown.setdefault(key, [])) < examples:
            shown[key].append(
                {
                    "comment_id": row.comment_id,
                    "revision": row.revision,
                    "text": row.text if len(row.text) <= 160 else row.text[:157] + "...",
                    "active": {"action": row.active_action,
                               "guidelines": _guidelines(row.active_reasons),
                               "version": row.active_version},
                    "shadow": {"action": row.shadow_action,
                               "guidelines": _guidelines(row.shadow_reasons)},
                }
            )  # fmt: skip
    return {
        "version": version,
        "compared": total,
        "agreed": agreed,
        "agreement_rate": agreed / total if total else None,
        "changed": {f"{a} -> {b}": n for (a, b), n in transitions.most_common()},
        "examples": shown,
    }

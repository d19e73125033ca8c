"""Appeals against rejections (DSA Article 20's internal complaint handling).

A site files one on a reader's behalf (POST /v1/comments/<id>/appeals); the comment then waits in
the moderators' Appeals queue. A moderator who did not take the appealed decision upholds it
(reject again) or reverses it (approve); that decision is stored like any other (so it is a
training label) and resolves the appeal. An undo of it reopens the appeal; an edit or an erasure
of the comment withdraws it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from service.storage import db
from service.storage.db import metadata
from service.storage.statements import main_guideline

OPEN, UPHELD, REVERSED = "open", "upheld", "reversed"
# The appealed text is gone: edited (the new revision gets its own decision) or erased.
WITHDRAWN = "withdrawn"
DECIDED = (UPHELD, REVERSED)  # settled by a moderator (a withdrawn one was not)
MAX_REASON_CHARS = 2000

appeals = sa.Table(
    "appeals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "comment_id", sa.String(40), sa.ForeignKey("comments.id"), nullable=False, index=True
    ),
    sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), nullable=False),
    # The decision appealed against, and the one that settled the appeal.
    sa.Column("decision_id", sa.Integer, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("moderator", sa.String(200)),
    sa.Column("note", sa.Text),
    sa.Column("resolved_decision_id", sa.Integer),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
    sa.Index("ix_appeals_site_status", "site_id", "status"),
)


class AppealRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def file(conn: sa.Connection, comment: dict[str, Any], reason: str) -> dict[str, Any]:
    """Open an appeal against the comment's current decision (a rejection)."""
    if comment["status"] != "rejected":
        raise AppealRefused(
            409, f"The comment is {comment['status']}; only rejections are appealed."
        )
    if open_for(conn, comment["id"]) is not None:
        raise AppealRefused(409, "This comment already has an open appeal.")
    row = {
        "comment_id": comment["id"],
        "site_id": comment["site_id"],
        "decision_id": comment["decision_id"],
        "reason": reason,
        "status": OPEN,
        "created_at": db.utcnow(),
    }
    appeal_id = conn.execute(appeals.insert().values(**row).returning(appeals.c.id)).scalar_one()
    return {"id": appeal_id, **row}


def open_for(conn: sa.Connection, comment_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        sa.select(appeals).where(appeals.c.comment_id == comment_id, appeals.c.status == OPEN)
    ).first()
    return dict(row._mapping) if row else None


def latest_for(conn: sa.Connection, comment_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        sa.select(appeals)
        .where(appeals.c.comment_id == comment_id)
        .order_by(appeals.c.id.desc())
        .limit(1)
    ).first()
    return dict(row._mapping) if row else None


def for_comment(conn: sa.Connection, comment_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        sa.select(appeals).where(appeals.c.comment_id == comment_id).order_by(appeals.c.id)
    )
    return [dict(r._mapping) for r in rows]


def resolve(
    conn: sa.Connection,
    appeal: dict[str, Any],
    *,
    action: str,
    moderator: str,
    decision_id: int,
    note: str | None,
) -> str:
    """Settle the appeal with the moderator's new decision; returns upheld or reversed."""
    outcome = UPHELD if action == "reject" else REVERSED
    conn.execute(
        appeals.update()
        .where(appeals.c.id == appeal["id"])
        .values(
            status=outcome,
            moderator=moderator,
            note=note,
            resolved_decision_id=decision_id,
            decided_at=db.utcnow(),
        )
    )
    return outcome


def withdraw_open(conn: sa.Connection, comment_ids: list[str]) -> None:
    conn.execute(
        appeals.update()
        .where(appeals.c.comment_id.in_(comment_ids), appeals.c.status == OPEN)
        .values(status=WITHDRAWN, decided_at=db.utcnow())
    )


def reopen_resolved_by(conn: sa.Connection, decision_id: int) -> None:
    """An undone appeal decision leaves the appeal open again."""
    conn.execute(
        appeals.update()
        .where(appeals.c.resolved_decision_id == decision_id)
        .values(status=OPEN, moderator=None, note=None, resolved_decision_id=None, decided_at=None)
    )


def view(appeal: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": appeal["id"],
        "status": appeal["status"],
        "reason": appeal["reason"],
        "moderator": appeal.get("moderator"),
        "note": appeal.get("note"),
        "created_at": db.isoformat(appeal["created_at"]),
        "decided_at": db.isoformat(appeal.get("decided_at")),
    }


def guideline_of(reasons: list[dict[str, Any]] | None) -> str:
    """The guideline an appeal is counted under: the one the appealed decision rests on."""
    return main_guideline(reasons or []) or "none"


def filed_since(since: datetime) -> sa.ColumnElement[bool]:
    """An appeal in a window (the dashboard's): filed since `since`."""
    return appeals.c.created_at >= since


def settled_since(since: datetime, outcomes: Sequence[str] = DECIDED) -> sa.ColumnElement[bool]:
    """An appeal settled in a window: decided since `since` with one of these outcomes (upheld
    or reversed by a moderator; a withdrawn one was not settled)."""
    return sa.and_(appeals.c.decided_at >= since, appeals.c.status.in_(outcomes))


def touched_since(
    conn: sa.Connection, site_ids: list[str], since: datetime
) -> list[dict[str, Any]]:
    """The appeals filed or settled (upheld, reversed) since `since`, each with `guideline`,
    `filed` and `decided` (whether each happened in the window); oldest first."""
    d = db.decisions
    a = appeals.c
    filed, decided = filed_since(since), settled_since(since)
    rows = conn.execute(
        sa.select(a.id, a.status, d.c.reasons, filed.label("filed"), decided.label("decided"))
        .join(d, d.c.id == a.decision_id)
        .where(a.site_id.in_(site_ids), sa.or_(filed, decided))
        .order_by(a.id)
    )
    return [
        {
            "id": r.id,
            "status": r.status,
            "guideline": guideline_of(r.reasons),
            "filed": bool(r.filed),
            "decided": bool(r.decided),
        }
        for r in rows
    ]


def counts_by_guideline(conn: sa.Connection, site_ids: list[str] | None = None) -> dict[str, dict]:
    """Appeals and reversals per guideline of the appealed decision, all time (CLI, training)."""
    d = db.decisions
    query = sa.select(d.c.reasons, appeals.c.status).join(d, d.c.id == appeals.c.decision_id)
    if site_ids is not None:
        query = query.where(appeals.c.site_id.in_(site_ids))
    out: dict[str, dict] = {}
    for reasons, status in conn.execute(query):
        code = guideline_of(reasons)
        counts = out.setdefault(code, {"appeals": 0, OPEN: 0, UPHELD: 0, REVERSED: 0, WITHDRAWN: 0})
        counts["appeals"] += 1
        counts[status] += 1
    return out

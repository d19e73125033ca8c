"""What each dashboard number counts, listed: the page every number links to (`/dashboard/list`).

Each figure is chosen by the same rule the dashboard counts it by (the same functions where the
count needs each decision's reasons), so a number and the length of its list agree. The list
shows the newest LIST_SIZE; the total is counted over all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from models.guidelines import GUIDELINES
from service.moderation import dashboard_data
from service.moderation.queue_data import strongest_guideline, text_shown
from service.storage import appeals, db

LIST_SIZE = 100
MACHINE_ACTIONS = ("approve", "hold", "reject")
PEOPLE_ACTIONS = ("approve", "reject")
APPEAL_FIGURES = ("filed", "decided", *appeals.DECIDED)
# Appeals per guideline: the figure names the outcome, the value the guideline.
GUIDELINE_APPEAL_FIGURES = {f"appeals-{o}": o for o in dashboard_data.APPEAL_OUTCOMES}


@dataclass(frozen=True)
class Listed:
    total: int
    items: list[dict[str, Any]]


def valid(figure: str, value: str) -> bool:
    """Whether (figure, value) names a dashboard number; anything else is a 404."""
    if figure == "received":
        return value == ""
    if figure == "machine":
        return value in MACHINE_ACTIONS
    if figure == "people":
        return value in PEOPLE_ACTIONS
    if figure in ("moderator", "reversal", "guideline", *GUIDELINE_APPEAL_FIGURES):
        return 0 < len(value) <= 200
    if figure == "day":
        return day_start(value) is not None
    if figure == "appeals":
        return value in APPEAL_FIGURES
    return figure == "waited" and value == ""


def title(figure: str, value: str) -> str:
    guideline = GUIDELINES[value].title if value in GUIDELINES else value
    if value == "none" and figure in GUIDELINE_APPEAL_FIGURES:
        guideline = "No guideline"
    return {
        "received": "Comments received",
        "machine": {"approve": "Approved", "hold": "Held", "reject": "Rejected"}.get(value, "")
        + " by the machine",
        "people": {"approve": "Approved", "reject": "Rejected"}.get(value, "") + " by people",
        "moderator": f"Decisions by {value}",
        "reversal": f"Reversals of the machine: {guideline}",
        "guideline": f"Held or rejected by the machine: {guideline}",
        "waited": "Held comments a person decided (the median wait is over these)",
        "appeals": f"Appeals {value}",
        "appeals-filed": f"Appeals filed: {guideline}",
        "appeals-upheld": f"Rejections upheld on appeal: {guideline}",
        "appeals-reversed": f"Rejections reversed on appeal: {guideline}",
        "day": f"Machine decisions on {value} (UTC)",
    }[figure]


def day_start(value: str) -> datetime | None:
    """The start (UTC) of a day named YYYY-MM-DD, or None for anything else."""
    try:
        day = datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return None
    if day.year >= 9999:  # its end would overflow
        return None
    return day.replace(tzinfo=UTC)


def windowed(figure: str) -> bool:
    """Whether the figure depends on the window (a day of the chart is its own range)."""
    return figure != "day"


def listed(
    conn: sa.Connection, site_ids: list[str], since: datetime, figure: str, value: str
) -> Listed:
    """The figure's total and its newest LIST_SIZE items (see `valid` for the names)."""
    d = db.decisions.c
    if figure == "received":
        return _comments(conn, site_ids, since)
    if figure == "appeals":
        return _appeals(conn, site_ids, since, value)
    if figure in GUIDELINE_APPEAL_FIGURES:
        return _appeals_of_guideline(conn, site_ids, since, GUIDELINE_APPEAL_FIGURES[figure], value)
    if figure == "day":
        return _day(conn, site_ids, value)
    if figure in ("machine", "people", "moderator"):
        query = _decisions_of_window(site_ids, since)
        if figure == "moderator":
            query = query.where(d.kind == "moderator", d.moderator == value)
        else:
            kind = "machine" if figure == "machine" else "moderator"
            query = query.where(d.kind == kind, d.action == value)
        total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery()))
        ids = list(conn.scalars(query.order_by(d.id.desc()).limit(LIST_SIZE)))
        return Listed(total.scalar_one(), _decision_items(conn, ids))
    if figure == "guideline":
        withheld = dashboard_data.machine_withheld(conn, site_ids, since)
        ids = [r["id"] for r in withheld if r["guideline"] == value]
    else:  # reversals and waits: worked out per decision, as the dashboard does
        decided = dashboard_data.moderator_decisions(conn, site_ids, since)
        if figure == "waited":
            decided = dashboard_data.waited(decided)
        else:
            decided = [r for r in decided if dashboard_data.reversal_of(r) == value]
        ids = [r["id"] for r in decided]
    newest = sorted(ids, reverse=True)[:LIST_SIZE]
    return Listed(len(ids), _decision_items(conn, newest))


def _day(conn: sa.Connection, site_ids: list[str], value: str) -> Listed:
    """The machine decisions of one UTC day: what that day's bar of the 30-day chart stacks."""
    start = day_start(value)
    assert start is not None  # `valid` said so
    d = db.decisions.c
    query = _decisions_of_window(site_ids, start).where(
        d.kind == "machine", d.created_at < start + timedelta(days=1)
    )
    total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery()))
    ids = list(conn.scalars(query.order_by(d.id.desc()).limit(LIST_SIZE)))
    return Listed(total.scalar_one(), _decision_items(conn, ids))


def _decisions_of_window(site_ids: list[str], since: datetime) -> sa.Select:
    c, d = db.comments, db.decisions
    return (
        sa.select(d.c.id)
        .select_from(d.join(c, c.c.id == d.c.comment_id))
        .where(c.c.site_id.in_(site_ids), d.c.created_at >= since)
    )


def _comment_columns() -> list[sa.ColumnElement]:
    c = db.comments.c
    return [c.id.label("comment_id"), c.text, c.text_state, c.erased_at, c.status]


def _decision_items(conn: sa.Connection, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    c, d = db.comments, db.decisions
    rows = conn.execute(
        sa.select(d.c.kind, d.c.action, d.c.moderator, d.c.reasons, d.c.created_at)
        .add_columns(*_comment_columns())
        .select_from(d.join(c, c.c.id == d.c.comment_id))
        .where(d.c.id.in_(ids))
        .order_by(d.c.id.desc())
    )
    return [
        _item(
            r,
            r.created_at,
            f"{r.kind} {r.action}",
            r.moderator or "machine",
            strongest_guideline(r.reasons or []) or "",
        )
        for r in rows
    ]


def _comments(conn: sa.Connection, site_ids: list[str], since: datetime) -> Listed:
    c = db.comments.c
    where = (c.site_id.in_(site_ids), c.created_at >= since)
    total = conn.execute(sa.select(sa.func.count()).where(*where)).scalar_one()
    rows = conn.execute(
        sa.select(c.created_at, *_comment_columns())
        .where(*where)
        .order_by(c.created_at.desc(), c.id.desc())
        .limit(LIST_SIZE)
    )
    return Listed(total, [_item(r, r.created_at, "received", "", "") for r in rows])


def _appeals(conn: sa.Connection, site_ids: list[str], since: datetime, value: str) -> Listed:
    """As `dashboard_data.appeal_counts` counts them: filed in the window, or decided in it."""
    a = appeals.appeals
    if value == "filed":
        where = [a.c.site_id.in_(site_ids), appeals.filed_since(since)]
    else:
        wanted = appeals.DECIDED if value == "decided" else (value,)
        where = [a.c.site_id.in_(site_ids), appeals.settled_since(since, wanted)]
    total = conn.execute(sa.select(sa.func.count()).select_from(a).where(*where)).scalar_one()
    return Listed(total, _appeal_items(conn, where))


def _appeals_of_guideline(
    conn: sa.Connection, site_ids: list[str], since: datetime, outcome: str, code: str
) -> Listed:
    """As `dashboard_data.appeals_by_guideline` counts them, for one guideline and outcome."""
    ids = [
        r["id"]
        for r in appeals.touched_since(conn, site_ids, since)
        if r["guideline"] == code
        and (r["filed"] if outcome == "filed" else r["decided"] and r["status"] == outcome)
    ]
    newest = sorted(ids, reverse=True)[:LIST_SIZE]
    return Listed(len(ids), _appeal_items(conn, [appeals.appeals.c.id.in_(newest)]))


def _appeal_items(conn: sa.Connection, where: list[sa.ColumnElement]) -> list[dict[str, Any]]:
    a, c, d = appeals.appeals, db.comments, db.decisions
    rows = conn.execute(
        sa.select(a.c.status.label("appeal"), a.c.moderator, a.c.created_at, a.c.decided_at)
        .add_columns(d.c.reasons.label("appealed_reasons"), *_comment_columns())
        .select_from(a.join(c, c.c.id == a.c.comment_id).outerjoin(d, d.c.id == a.c.decision_id))
        .where(*where)
        .order_by(a.c.id.desc())
        .limit(LIST_SIZE)
    )
    # The guideline column names what the appealed decision rested on, the guideline the
    # appeal is counted under on the dashboard.
    return [
        _item(
            r,
            r.decided_at or r.created_at,
            f"appeal {r.appeal}",
            r.moderator or "",
            appeals.guideline_of(r.appealed_reasons) if r.appealed_reasons else "",
        )
        for r in rows
    ]


def _item(row: Any, at: datetime, what: str, who: str, guideline: str) -> dict[str, Any]:
    return {
        "at": db.isoformat(at),
        "comment_id": row.comment_id,
        "what": what,
        "who": who,
        "guideline": guideline,
        "text": text_shown(dict(row._mapping)),
        "status": row.status,
    }

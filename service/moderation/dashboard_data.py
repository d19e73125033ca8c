"""The dashboard's figures over the moderator's sites: volumes, hold rate, waits, people, reversals.

Counts come from the database in grouped queries; the few figures that need each decision's
reasons (guidelines, reversals) or a median read only the moderator decisions of the window
and the machine decisions they answer.
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from service.moderation.queue_data import strongest_guideline
from service.ops import shadow
from service.storage import appeals, db, model_state

WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
DAYS_PLOTTED = 30


def summary(conn: sa.Connection, site_ids: list[str], since: datetime) -> dict[str, Any]:
    """Counts for one window: received, machine and people decisions by action, hold rate."""
    c, d = db.comments, db.decisions
    received = conn.execute(
        sa.select(sa.func.count()).where(c.c.site_id.in_(site_ids), c.c.created_at >= since)
    ).scalar_one()
    by_kind = {"machine": dict.fromkeys(("approve", "hold", "reject"), 0), "moderator": {}}
    rows = conn.execute(
        sa.select(d.c.kind, d.c.action, sa.func.count())
        .select_from(d.join(c, c.c.id == d.c.comment_id))
        .where(
            c.c.site_id.in_(site_ids),
            d.c.created_at >= since,
            d.c.kind.in_(("machine", "moderator")),
        )
        .group_by(d.c.kind, d.c.action)
    )
    for kind, action, count in rows:
        by_kind[kind][action] = int(count)
    machine = sum(by_kind["machine"].values())
    return {
        "received": int(received),
        "machine": by_kind["machine"],
        "people": {a: by_kind["moderator"].get(a, 0) for a in ("approve", "reject")},
        "hold_rate": by_kind["machine"]["hold"] / machine if machine else None,
        "appeals": appeal_counts(conn, site_ids, since),
    }


def appeal_counts(conn: sa.Connection, site_ids: list[str], since: datetime) -> dict[str, int]:
    """Appeals filed in the window, and those decided in it: upheld or reversed."""
    a = appeals.appeals.c
    filed = conn.execute(
        sa.select(sa.func.count()).where(a.site_id.in_(site_ids), appeals.filed_since(since))
    ).scalar_one()
    decided = dict.fromkeys(appeals.DECIDED, 0)
    rows = conn.execute(
        sa.select(a.status, sa.func.count())
        .where(a.site_id.in_(site_ids), appeals.settled_since(since))
        .group_by(a.status)
    )
    for status, count in rows:
        decided[status] = int(count)
    return {"filed": int(filed), "decided": sum(decided.values()), **decided}


APPEAL_OUTCOMES = ("filed", *appeals.DECIDED)


def appeals_by_guideline(
    conn: sa.Connection, site_ids: list[str], since: datetime
) -> list[tuple[str, dict[str, int]]]:
    """Per guideline of the appealed decision: appeals filed in the window, and those upheld or
    reversed in it (as `appeal_counts` counts them); most filed first."""
    out: dict[str, dict[str, int]] = {}
    for row in appeals.touched_since(conn, site_ids, since):
        counts = out.setdefault(row["guideline"], dict.fromkeys(APPEAL_OUTCOMES, 0))
        counts["filed"] += row["filed"]
        if row["decided"]:
            counts[row["status"]] += 1
    return sorted(out.items(), key=lambda item: (-item[1]["filed"], item[0]))


def moderator_decisions(conn: sa.Connection, site_ids: list[str], since: datetime) -> list[dict]:
    """The moderators' decisions of the window, oldest first, each with `machine`: the first
    machine decision on its comment (None if the machine never decided it)."""
    c, d = db.comments, db.decisions
    decided = [
        dict(r._mapping)
        for r in conn.execute(
            sa.select(
                d.c.id, d.c.comment_id, d.c.action, d.c.moderator, d.c.reasons, d.c.created_at
            )
            .select_from(d.join(c, c.c.id == d.c.comment_id))
            .where(c.c.site_id.in_(site_ids), d.c.kind == "moderator", d.c.created_at >= since)
            .order_by(d.c.id)
        )
    ]
    machine = _first_machine_decisions(conn, list({r["comment_id"] for r in decided}))
    for row in decided:
        row["machine"] = machine.get(row["comment_id"])
    return decided


def waited(decided: list[dict]) -> list[dict]:
    """The decisions (from `moderator_decisions`) that ended a machine hold's wait for a person:
    the first on each comment the machine held (an undo and a second decision wait once)."""
    first: dict[str, dict] = {}
    for row in decided:
        first.setdefault(row["comment_id"], row)
    return [r for r in first.values() if r["machine"] and r["machine"]["action"] == "hold"]


def reversal_of(row: dict) -> str | None:
    """The guideline a moderator's decision (from `moderator_decisions`) reversed, or None."""
    return None if row["machine"] is None else _reversed(row["machine"], row)


def people(conn: sa.Connection, site_ids: list[str], since: datetime) -> dict[str, Any]:
    """Decisions per moderator, median wait of a held comment, reversals and top guidelines."""
    decided = moderator_decisions(conn, site_ids, since)
    per_moderator = Counter(r["moderator"] for r in decided)
    waits = [
        (db.aware(row["created_at"]) - db.aware(row["machine"]["created_at"])).total_seconds()
        for row in waited(decided)
    ]
    reversals = Counter(g for g in map(reversal_of, decided) if g is not None)
    return {
        "per_moderator": per_moderator.most_common(),
        "median_wait_seconds": statistics.median(waits) if waits else None,
        "reversals": reversals.most_common(),
        "appeals": appeals_by_guideline(conn, site_ids, since),
        "top_guidelines": Counter(
            r["guideline"] for r in machine_withheld(conn, site_ids, since)
        ).most_common(8),
    }


def _reversed(machine: dict, person: dict) -> str | None:
    """The guideline a person disagreed with the machine about, or None if they agreed.

    Approving what the machine held or rejected overturns its strongest guideline; rejecting
    what it approved (a reported comment) names the guideline the person chose.
    """
    if person["action"] == "approve" and machine["action"] in ("hold", "reject"):
        return strongest_guideline(machine["reasons"] or []) or "unscored"
    if person["action"] == "reject" and machine["action"] == "approve":
        reasons = person["reasons"] or []
        return next((r.get("guideline") for r in reasons if r.get("guideline")), "unnamed")
    return None


def _first_machine_decisions(conn: sa.Connection, comment_ids: list[str]) -> dict[str, dict]:
    d = db.decisions
    out: dict[str, dict] = {}
    for start in range(0, len(comment_ids), 500):  # IN lists of a sane size
        rows = conn.execute(
            sa.select(d.c.comment_id, d.c.action, d.c.reasons, d.c.created_at)
            .where(d.c.comment_id.in_(comment_ids[start : start + 500]), d.c.kind == "machine")
            .order_by(d.c.id)
        )
        for row in rows:
            out.setdefault(row.comment_id, dict(row._mapping))
    return out


def machine_withheld(conn: sa.Connection, site_ids: list[str], since: datetime) -> list[dict]:
    """The machine's holds and rejections of the window, each with the `guideline` it rests on."""
    c, d = db.comments, db.decisions
    rows = conn.execute(
        sa.select(d.c.id, d.c.reasons)
        .select_from(d.join(c, c.c.id == d.c.comment_id))
        .where(
            c.c.site_id.in_(site_ids),
            d.c.kind == "machine",
            d.c.action.in_(("hold", "reject")),
            d.c.created_at >= since,
        )
    )
    return [
        {"id": r.id, "guideline": strongest_guideline(r.reasons or []) or "unscored"} for r in rows
    ]


def daily(conn: sa.Connection, site_ids: list[str], now: datetime) -> list[dict[str, Any]]:
    """The machine's approve / hold / reject counts per UTC day, the last DAYS_PLOTTED days."""
    c, d = db.comments, db.decisions
    first = (now - timedelta(days=DAYS_PLOTTED - 1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    if conn.dialect.name == "postgresql":
        day = sa.func.to_char(sa.func.timezone("UTC", d.c.created_at), "YYYY-MM-DD")
    else:
        day = sa.func.substr(sa.cast(d.c.created_at, sa.String), 1, 10)
    rows = conn.execute(
        sa.select(day.label("day"), d.c.action, sa.func.count())
        .select_from(d.join(c, c.c.id == d.c.comment_id))
        .where(c.c.site_id.in_(site_ids), d.c.kind == "machine", d.c.created_at >= first)
        .group_by(day, d.c.action)
    )
    counts: dict[str, dict[str, int]] = {}
    for label, action, count in rows:
        counts.setdefault(label, {})[action] = int(count)
    days = [(first + timedelta(days=i)).strftime("%Y-%m-%d") for i in range(DAYS_PLOTTED)]
    return [
        {"day": x, **{a: counts.get(x, {}).get(a, 0) for a in ("approve", "hold", "reject")}}
        for x in days
    ]


def model(conn: sa.Connection) -> dict[str, Any]:
    """The active model version, and the candidate in shadow with how often it agrees."""
    active = model_state.active_version(conn)
    candidate = model_state.shadow_version(conn)
    agreement = shadow.report(conn, candidate, examples=0) if candidate else None
    return {
        "active": active,
        "shadow": candidate,
        "compared": agreement["compared"] if agreement else 0,
        "agreement_rate": agreement["agreement_rate"] if agreement else None,
    }

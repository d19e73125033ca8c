"""Moderators' decisions as training labels: the latest person's decision on each comment.

A moderator's reject with a classifier guideline (abuse, hate, ...) marks that guideline's
categories (and toxicity) as present; an approve marks every category absent. Rejects under
rule-only guidelines (links, language, ...) say nothing about the classifier and are skipped.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

import sqlalchemy as sa

from models.categories import CATEGORIES
from models.guidelines import GUIDELINES
from service.storage import db, lifecycle

# A site's own label counts this many times a public-data row: the site's moderators judge
# its own readers by its own guidelines, which public corpora only approximate.
SITE_LABEL_WEIGHT = 5.0
# More would let a few moderator decisions outweigh the whole public training set.
MAX_LABEL_WEIGHT = 1000.0

CSV_FIELDS = (
    "comment_id",
    "site_id",
    "external_id",
    "text",
    "action",
    "guideline",
    "moderator",
    "note",
    "decided_at",
)


def latest_decisions(
    conn: sa.Connection, *, since: datetime | None = None, site_id: str | None = None
) -> Iterator[dict[str, Any]]:
    """Each comment's most recent moderator decision (people may change their minds), with the
    text of the revision it judged. Comments whose text is erased, expired or never stored are
    left out: there is nothing to train on, and an erased text must not come back this way."""
    d, c = db.decisions, db.comments
    r = lifecycle.comment_revisions
    latest = (
        sa.select(d.c.comment_id, sa.func.max(d.c.id).label("id"))
        .where(d.c.kind == "moderator")
        .group_by(d.c.comment_id)
        .subquery()
    )
    query = (
        sa.select(
            d.c.comment_id,
            c.c.site_id,
            c.c.external_id,
            # An earlier revision's label goes with that revision's text.
            sa.func.coalesce(r.c.text, c.c.text).label("text"),
            d.c.action,
            d.c.reasons,
            d.c.moderator,
            d.c.note,
            d.c.created_at,
        )
        .join(latest, latest.c.id == d.c.id)
        .join(c, c.c.id == d.c.comment_id)
        .outerjoin(
            r,
            sa.and_(
                r.c.comment_id == d.c.comment_id,
                r.c.revision == sa.func.coalesce(d.c.revision, 1),
            ),
        )
        .where(c.c.text_state.is_(None), sa.func.coalesce(r.c.text_state, "") == "")
        .order_by(d.c.id)
    )
    if since is not None:
        query = query.where(d.c.created_at >= since)
    if site_id is not None:
        query = query.where(c.c.site_id == site_id)
    for row in conn.execute(query):
        reasons = row.reasons or []
        yield {
            "comment_id": row.comment_id,
            "site_id": row.site_id,
            "external_id": row.external_id,
            "text": row.text,
            "action": row.action,
            "guideline": next((r.get("guideline") for r in reasons if r.get("guideline")), None),
            "moderator": row.moderator,
            "note": row.note,
            "decided_at": db.isoformat(row.created_at),
        }


def category_labels(action: str, guideline: str | None) -> dict[str, float] | None:
    """The classifier labels a moderator decision implies; None when it implies none."""
    if action == "approve":
        return dict.fromkeys(CATEGORIES, 0.0)
    if action != "reject":
        return None  # "hold" is a person's doubt, not a label
    if guideline is None:
        return {"toxicity": 1.0}
    spec = GUIDELINES.get(guideline)
    if spec is None or not spec.categories:
        return None
    labels = dict.fromkeys(spec.categories, 1.0)
    if guideline != "spam":  # every personal attack is toxic; advertising is not
        labels["toxicity"] = 1.0
    return labels


def training_labels(rows: Iterator[dict[str, Any]], weight: float = SITE_LABEL_WEIGHT) -> list:
    """LabelledText rows for models.training.train(extra_labels=...)."""
    from models.training import LabelledText  # scikit-learn stays out of the web process

    out = []
    for row in rows:
        labels = category_labels(row["action"], row["guideline"])
        if labels:
            out.append(LabelledText(row["text"], labels, weight, f"site:{row['site_id']}"))
    return out


def write_csv(rows: Iterator[dict[str, Any]], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count

"""A comment's life after its first POST: edits (revisions) and the states of its text.

`comments.text` always holds the current revision; each edit moves the text it replaces into
`comment_revisions`, so the POST (the hot path) writes one row as before and only an edit pays
for the history. `comments.text_state` says why a text is empty: see TEXT_STATES.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.storage import appeals, db
from service.storage.db import metadata

# comments.text_state: NULL while the text is stored, otherwise why it is not.
NOT_STORED = "not_stored"  # posted with "store_text": false; scored from Redis only
DELETED = "deleted"  # DELETE /v1/comments/<id> or an author's erasure: the API answers 410
EXPIRED = "expired"  # the site's retention period ran out; the decision stays readable
TEXT_STATES = (NOT_STORED, DELETED, EXPIRED)
ERASED = (DELETED, EXPIRED)

# Earlier revisions of edited comments. Revision 1 is the text first posted; the current
# revision is never here (it is comments.text).
comment_revisions = sa.Table(
    "comment_revisions",
    metadata,
    sa.Column("comment_id", sa.String(40), sa.ForeignKey("comments.id"), primary_key=True),
    sa.Column("revision", sa.Integer, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("text_state", sa.String(16)),
    # When this revision was posted, and when the next one replaced it.
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
)


def current_revision(comment: dict[str, Any]) -> int:
    return comment.get("revision") or 1


def revisions(conn: sa.Connection, comment: dict[str, Any]) -> list[dict[str, Any]]:
    """Every revision's number and timestamps, oldest first (no texts: the API never shows them)."""
    current = current_revision(comment)
    if current == 1:  # never edited: no query (the common case, and every new comment)
        return [{"revision": 1, "created_at": db.isoformat(comment["created_at"])}]
    rows = conn.execute(
        sa.select(
            comment_revisions.c.revision,
            comment_revisions.c.created_at,
            comment_revisions.c.replaced_at,
        )
        .where(comment_revisions.c.comment_id == comment["id"])
        .order_by(comment_revisions.c.revision)
    ).all()
    earlier = [{"revision": r.revision, "created_at": db.isoformat(r.created_at)} for r in rows]
    # The current revision started when the latest earlier one was replaced.
    last_replaced = max((r.replaced_at for r in rows), default=None)
    return [*earlier, {"revision": current, "created_at": db.isoformat(last_replaced)}]


class EditConflict(Exception):
    """Another edit (or an erasure) changed the comment between our read and our write."""


def store_revision(
    conn: sa.Connection, comment: dict[str, Any], text: str, changes: dict[str, Any]
) -> dict[str, Any]:
    """Make `text` the comment's next revision, pending a fresh decision; returns the new row.

    The decision of the text it replaces (a person's included) stays in the decisions table
    with its revision number, but is no longer the comment's: new text is judged afresh.
    """
    now = db.utcnow()
    current = current_revision(comment)
    started = _revision_started(conn, comment)
    values = {
        **changes,
        "text": text,
        "revision": current + 1,
        "status": "pending",
        "decision_id": None,
        "updated_at": now,
    }
    # The guarded update first: it takes the row's lock, so of two edits of one revision the
    # second waits, then finds the revision moved on and changes nothing.
    updated = conn.execute(
        db.comments.update()
        .where(
            db.comments.c.id == comment["id"],
            sa.func.coalesce(db.comments.c.revision, 1) == current,
            not_erased(),
        )
        .values(**values)
    )
    if updated.rowcount != 1:
        raise EditConflict(comment["id"])
    conn.execute(
        comment_revisions.insert().values(
            comment_id=comment["id"],
            revision=current,
            text=comment["text"],
            text_state=comment.get("text_state"),
            created_at=started,
            replaced_at=now,
        )
    )
    appeals.withdraw_open(conn, [comment["id"]])  # it contested the old text's decision
    return {**comment, **values}


def _revision_started(conn: sa.Connection, comment: dict[str, Any]) -> Any:
    if current_revision(comment) == 1:
        return comment["created_at"]
    return conn.execute(
        sa.select(sa.func.max(comment_revisions.c.replaced_at)).where(
            comment_revisions.c.comment_id == comment["id"]
        )
    ).scalar()


def not_erased() -> sa.ColumnElement[bool]:
    """Comments whose text is not erased (deleted or expired): the ones a moderator can judge."""
    state = db.comments.c.text_state
    return sa.or_(state.is_(None), state.not_in(ERASED))


def is_erased(comment: dict[str, Any]) -> bool:
    return comment.get("text_state") in ERASED


# Erasures of an author's comments (DELETE /v1/authors/<id>): the job a site can look up later.
erasure_jobs = sa.Table(
    "erasure_jobs",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), nullable=False, index=True),
    sa.Column("author_id", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # running | finished
    # The author's comments on the site erased once the job finished, and how many this job did.
    sa.Column("comments", sa.Integer),
    sa.Column("newly_erased", sa.Integer),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
)

"""Moderator decisions and their undo, each in one transaction with its events (the webhook
deliveries), announced after the commit."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from models.guidelines import GUIDELINES
from service.moderation import claims
from service.moderation.queue_data import strongest_guideline
from service.moderation.users import User
from service.storage import appeals, db, lifecycle, store
from service.storage.moderation import moderation_log, reports
from service.transport import events

ACTIONS = ("approve", "reject")
UNDO_WINDOW = timedelta(minutes=10)


class Refusal(Exception):
    """Why one comment was not decided; `status` is the HTTP status it maps to alone."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def decide(
    engine: sa.Engine,
    publisher: events.Publisher,
    user: User,
    comment_id: str,
    action: str,
    guideline: str | None,
    note: str | None = None,
) -> dict:
    """Decide one held, reported or appealed comment; raises Refusal when this moderator may
    not. On an appealed rejection, reject upholds it and approve reverses it."""
    with engine.begin() as conn:
        comment = store.get_comment(conn, comment_id)
        if comment is None or not user.may_see(comment["site_id"]):
            raise Refusal(404, "no such comment in your sites")  # never reveal other sites
        if lifecycle.is_erased(comment):
            raise Refusal(409, "its text was erased; there is nothing left to decide")
        reported = bool(
            conn.execute(
                sa.select(reports.c.id).where(
                    reports.c.comment_id == comment_id, reports.c.resolved_decision_id.is_(None)
                )
            ).first()
        )
        appeal = appeals.open_for(conn, comment_id) if comment["status"] == "rejected" else None
        if (
            comment["status"] != "held"
            and not (reported and comment["status"] == "approved")
            and appeal is None
        ):
            raise Refusal(409, f"already {comment['status']}")
        if appeal is not None:
            _may_decide_appeal(conn, user, appeal)
        holder = claims.holder_of(comment_id)
        if holder not in (None, user.name):
            raise Refusal(409, f"claimed by {holder}")
        if action == "reject":
            guideline = guideline or _default_guideline(conn, comment)
            if guideline not in GUIDELINES:
                raise Refusal(422, "give a guideline reason to reject")
        else:
            guideline = None
        # Only one person's decision wins when two arrive together: the row must still be as read.
        guard = conn.execute(
            db.comments.update()
            .where(
                db.comments.c.id == comment_id,
                db.comments.c.status == comment["status"],
                _same_decision(comment["decision_id"]),
            )
            .values(updated_at=db.utcnow())
        )
        if guard.rowcount != 1:
            raise Refusal(409, "decided by someone else just now")
        decision_id = store.record_moderator_decision(
            conn, comment_id, action=action, moderator=user.name, guideline=guideline, note=note
        )
        outcome = None
        if appeal is not None:
            outcome = appeals.resolve(
                conn, appeal, action=action, moderator=user.name, decision_id=decision_id, note=note
            )
        conn.execute(
            reports.update()
            .where(reports.c.comment_id == comment_id, reports.c.resolved_decision_id.is_(None))
            .values(resolved_decision_id=decision_id)
        )
        log_id = conn.execute(
            moderation_log.insert()
            .values(
                comment_id=comment_id,
                site_id=comment["site_id"],
                moderator=user.name,
                action=action,
                guideline=guideline,
                decision_id=decision_id,
                previous_status=comment["status"],
                previous_decision_id=comment["decision_id"],
                created_at=db.utcnow(),
            )
            .returning(moderation_log.c.id)
        ).scalar_one()
        ref = [(comment["site_id"], comment_id)]
        staged = [publisher.stage(conn, "comment.moderated", ref)]
        if outcome is not None:
            staged.append(publisher.stage(conn, "comment.appeal_decided", ref))
    claims.release(comment_id, user.name)
    publisher.announce(*staged)
    return {
        "id": comment_id,
        "action": action,
        "guideline": guideline,
        "log_id": log_id,
        "appeal": outcome,
    }


def undo(engine: sa.Engine, publisher: events.Publisher, user: User, log_id: int) -> dict:
    """Put back what one's own recent decision changed, while nothing came after it."""
    with engine.begin() as conn:
        entry = conn.execute(sa.select(moderation_log).where(moderation_log.c.id == log_id)).first()
        if entry is None or not user.may_see(entry.site_id):
            raise Refusal(404, "no such decision in your sites")
        if entry.moderator != user.name or entry.action not in ACTIONS:
            raise Refusal(403, "only your own decisions can be undone")
        if db.utcnow() - db.aware(entry.created_at) > UNDO_WINDOW:
            raise Refusal(409, "too late to undo; decide the comment again instead")
        restored = conn.execute(
            db.comments.update()
            .where(
                db.comments.c.id == entry.comment_id,
                db.comments.c.decision_id == entry.decision_id,
            )
            .values(
                status=entry.previous_status,
                decision_id=entry.previous_decision_id,
                updated_at=db.utcnow(),
            )
        )
        if restored.rowcount != 1:
            undone = conn.execute(
                sa.select(db.decisions.c.kind).where(db.decisions.c.id == entry.decision_id)
            ).scalar()
            if undone == "undone":
                raise Refusal(409, "already undone")
            raise Refusal(409, "the comment was decided again since; nothing to undo")
        # An undone decision is no training label: its kind says so, the log keeps the history.
        conn.execute(
            db.decisions.update()
            .where(db.decisions.c.id == entry.decision_id)
            .values(kind="undone")
        )
        conn.execute(
            reports.update()
            .where(reports.c.resolved_decision_id == entry.decision_id)
            .values(resolved_decision_id=None)
        )
        appeals.reopen_resolved_by(conn, entry.decision_id)
        conn.execute(
            moderation_log.insert().values(
                comment_id=entry.comment_id,
                site_id=entry.site_id,
                moderator=user.name,
                action="undo",
                decision_id=entry.decision_id,
                previous_status=entry.previous_status,
                created_at=db.utcnow(),
            )
        )
        staged = publisher.stage(conn, "comment.moderated", [(entry.site_id, entry.comment_id)])
    publisher.announce(staged)
    return {"id": entry.comment_id, "status": entry.previous_status}


def undoable(entry: dict, user: User, current_decision_id: int | None) -> bool:
    return (
        entry["moderator"] == user.name
        and entry["action"] in ACTIONS
        and entry["decision_id"] == current_decision_id
        and db.utcnow() - db.aware(entry["created_at"]) <= UNDO_WINDOW
    )


def _may_decide_appeal(conn: sa.Connection, user: User, appeal: dict) -> None:
    """An appeal goes to someone else than whoever took the appealed decision."""
    appealed = store.get_decision(conn, appeal["decision_id"]) or {}
    if appealed.get("kind") == "moderator" and appealed.get("moderator") == user.name:
        raise Refusal(403, "you took the appealed decision; another moderator must decide")


def _default_guideline(conn: sa.Connection, comment: dict) -> str | None:
    decision = store.get_decision(conn, comment["decision_id"])
    return strongest_guideline((decision or {}).get("reasons") or [])


def _same_decision(decision_id: int | None) -> sa.ColumnElement[bool]:
    if decision_id is None:
        return db.comments.c.decision_id.is_(None)
    return db.comments.c.decision_id == decision_id

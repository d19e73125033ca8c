"""/history (who decided what, when and why), undo, and each comment's audit trail."""

from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify, render_template

from service.http.problems import Problem
from service.moderation import actions, bp, highlight, queue_data, sessions
from service.storage import appeals, db, store
from service.storage.moderation import moderation_log, reports
from service.transport.events import publisher

HISTORY_SIZE = 100


@bp.get("/history")
@sessions.login_required
def history():
    user = sessions.current_user()
    c, log = db.comments, moderation_log
    with db.engine().connect() as conn:
        site_ids = [s["id"] for s in queue_data.visible_sites(conn, user)]
        rows = conn.execute(
            sa.select(
                log,
                c.c.text,
                c.c.text_state,
                c.c.erased_at,
                c.c.status,
                c.c.decision_id.label("current_decision_id"),
            )
            .select_from(log.join(c, c.c.id == log.c.comment_id))
            .where(log.c.site_id.in_(site_ids))
            .order_by(log.c.id.desc())
            .limit(HISTORY_SIZE)
        )
        entries = []
        for row in rows:
            entry = dict(row._mapping)
            entry["undoable"] = actions.undoable(entry, user, entry["current_decision_id"])
            entry["when"] = db.isoformat(entry["created_at"])
            entry["text"] = queue_data.text_shown(entry)
            entries.append(entry)
    return render_template("moderation/history.html", user=user, entries=entries)


@bp.post("/queue/api/undo/<int:log_id>")
@sessions.login_required
def undo(log_id: int):
    try:
        return jsonify(actions.undo(db.engine(), publisher(), sessions.current_user(), log_id))
    except actions.Refusal as refusal:
        raise Problem(refusal.status, "Not undone", refusal.message) from None


@bp.get("/comments/<comment_id>/audit")
@sessions.login_required
def audit(comment_id: str):
    user = sessions.current_user()
    with db.engine().connect() as conn:
        comment = store.get_comment(conn, comment_id)
        if comment is None or not user.may_see(comment["site_id"]):
            raise Problem(404, "Not Found", "No such comment in your sites.")
        trail = _trail(conn, comment_id)
    return render_template(
        "moderation/audit.html",
        user=user,
        comment={**comment, "text": queue_data.text_shown(comment)},
        trail=trail,
        article_href=highlight.safe_href(comment["article_url"]),
    )


def _trail(conn: sa.Connection, comment_id: str) -> list[dict]:
    """Machine and human decisions, undos and reports, oldest first."""
    events: list[dict] = []
    d = db.decisions
    for row in conn.execute(sa.select(d).where(d.c.comment_id == comment_id)):
        events.append(
            {
                "at": row.created_at,
                "what": f"{row.kind} {row.action}",
                "who": row.moderator or (f"model {row.model_version}" if row.model_version else ""),
                "why": ", ".join(
                    f"{r.get('guideline')}"
                    + (f" {r['score']:.2f}" if isinstance(r.get("score"), float) else "")
                    for r in row.reasons or []
                ),
            }
        )
    log = moderation_log
    for row in conn.execute(
        sa.select(log).where(log.c.comment_id == comment_id, log.c.action == "undo")
    ):
        events.append(
            {"at": row.created_at, "what": "undo", "who": row.moderator, "why": row.previous_status}
        )
    for row in conn.execute(sa.select(reports).where(reports.c.comment_id == comment_id)):
        events.append({"at": row.created_at, "what": "report", "who": "reader", "why": row.reason})
    events += _appeal_events(conn, comment_id)
    events.sort(key=lambda e: db.aware(e["at"]))
    for event in events:
        event["at"] = db.isoformat(event["at"])
    return events


def _appeal_events(conn: sa.Connection, comment_id: str) -> list[dict]:
    """Each appeal, and its outcome once a moderator settled it."""
    events = []
    for appeal in appeals.for_comment(conn, comment_id):
        events.append(
            {"at": appeal["created_at"], "what": "appeal", "who": "reader", "why": appeal["reason"]}
        )
        if appeal["decided_at"] is not None:
            events.append(
                {
                    "at": appeal["decided_at"],
                    "what": f"appeal {appeal['status']}",
                    "who": appeal["moderator"],
                    "why": appeal["note"] or "",
                }
            )
    return events

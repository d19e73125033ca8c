"""Reading and writing comments and decisions; the one place that knows the tables' shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa

from service.storage import appeals, db, lifecycle, policies, site_settings, statements

STATUS_BY_ACTION = {"approve": "approved", "hold": "held", "reject": "rejected"}


def new_comment_id() -> str:
    return "cmt_" + uuid.uuid4().hex


def insert_comment(conn: sa.Connection, site_id: str, fields: dict[str, Any]) -> tuple[dict, bool]:
    """Store a new pending comment; (row, created). A repeated site id returns the stored row."""
    row = new_comment_row(site_id, fields, db.utcnow())
    if conn.execute(_insert_new_comment(conn), row).first() is None:
        existing = find_by_external_id(conn, site_id, fields["external_id"])
        if existing is None:  # deleted in between: cannot happen while comments are kept
            raise RuntimeError(f"comment {fields['external_id']!r} conflicted but is not stored")
        return existing, False
    return row, True


def new_comment_row(site_id: str, fields: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The row of a new pending comment (its fields from api.comments.comment_fields)."""
    return {
        "id": new_comment_id(),
        "site_id": site_id,
        "status": "pending",
        "decision_id": None,
        "created_at": now,
        "updated_at": now,
        **fields,
    }


# Built once per database dialect and given the row as parameters: building the statement with
# its values for each comment cost more CPU than the round trip to the database.
_INSERT_NEW_COMMENT: dict[str, sa.Insert] = {}


def _insert_new_comment(conn: sa.Connection) -> sa.Insert:
    """INSERT ... ON CONFLICT (site_id, external_id) DO NOTHING RETURNING id.

    ON CONFLICT on the site's own id only (a savepoint would cost two more round trips); any
    other conflict still raises.
    """
    statement = _INSERT_NEW_COMMENT.get(conn.dialect.name)
    if statement is None:
        statement = (
            db.dialect_insert(conn, db.comments)
            .on_conflict_do_nothing(index_elements=["site_id", "external_id"])
            .returning(db.comments.c.id)
        )
        _INSERT_NEW_COMMENT[conn.dialect.name] = statement
    return statement


def get_comment(conn: sa.Connection, comment_id: str, site_id: str | None = None) -> dict | None:
    query = sa.select(db.comments).where(db.comments.c.id == comment_id)
    if site_id is not None:
        query = query.where(db.comments.c.site_id == site_id)
    row = conn.execute(query).first()
    return dict(row._mapping) if row else None


def find_by_external_id(conn: sa.Connection, site_id: str, external_id: str) -> dict | None:
    row = conn.execute(
        sa.select(db.comments).where(
            db.comments.c.site_id == site_id, db.comments.c.external_id == external_id
        )
    ).first()
    return dict(row._mapping) if row else None


def get_decision(conn: sa.Connection, decision_id: int | None) -> dict | None:
    if decision_id is None:
        return None
    row = conn.execute(sa.select(db.decisions).where(db.decisions.c.id == decision_id)).first()
    return dict(row._mapping) if row else None


def record_machine_decision(
    conn: sa.Connection,
    comment_id: str,
    *,
    action: str,
    scores: dict[str, float],
    reasons: list[dict],
    model_version: str,
    policy_version: int | None = None,
) -> int | None:
    """One machine decision (`record_machine_decisions` for a batch of one); None if this
    version already decided the comment, or the comment was decided meanwhile."""
    item = {"comment_id": comment_id, "action": action, "scores": scores, "reasons": reasons}
    stored = record_machine_decisions(
        conn, model_version, [{**item, "policy_version": policy_version}]
    )
    return stored.get(comment_id)


def _drop_decisions(conn: sa.Connection, decision_ids: list[int]) -> None:
    """Remove machine decisions that lost the race to decide their comment, so each comment
    has one decision, one event and one webhook, and no orphan the shadow report could read."""
    conn.execute(db.decisions.delete().where(db.decisions.c.id.in_(decision_ids)))


class Unread(Enum):
    """comment_view's appeal_url when its caller did not read the site's setting."""

    SETTING = "read the site's setting"


def comment_view(
    conn: sa.Connection, comment: dict, appeal_url: str | Unread | None = Unread.SETTING
) -> dict[str, Any]:
    """The comment as the API shows it to its site.

    A held or rejected comment's statement names the site's appeal URL: a caller that views
    many comments of a site (a webhook fan-out, a batch) reads it once and passes it; otherwise
    it is read here, only when a statement needs it.
    """
    decision = get_decision(conn, comment["decision_id"])
    decision_json = decision_view(decision) if decision else None
    if decision is not None and decision["action"] in ("hold", "reject"):
        if appeal_url is Unread.SETTING:
            appeal_url = site_settings.get(conn, comment["site_id"])["appeal_url"]
        decision_json["statement"] = statements.statement(comment, decision, appeal_url)
    appeal = None
    # Only a decided or an edited comment can have been appealed: a new one (the POST, the hot
    # path) costs no query.
    if decision is not None or lifecycle.current_revision(comment) > 1:
        latest = appeals.latest_for(conn, comment["id"])
        appeal = appeals.view(latest) if latest else None
    return {
        "id": comment["id"],
        "external_id": comment["external_id"],
        "status": comment["status"],
        "article": {
            "id": comment["article_id"],
            "title": comment["article_title"],
            "url": comment["article_url"],
        },
        "author": {"id": comment["author_id"], "name": comment["author_name"]},
        "parent_id": comment["parent_id"],
        "created_at": db.isoformat(comment["created_at"]),
        "revision": lifecycle.current_revision(comment),
        "revisions": lifecycle.revisions(conn, comment),
        # null while the text is stored; "not_stored" (store_text false) or "expired" (retention).
        "text_state": comment.get("text_state"),
        "decision": decision_json,
        # The latest appeal against a rejection (see service.storage.appeals), or null.
        "appeal": appeal,
    }


def decision_view(decision: dict) -> dict[str, Any]:
    return {
        "action": decision["action"],
        "kind": decision["kind"],
        "scores": decision["scores"] or {},
        "reasons": decision["reasons"] or [],
        "model_version": decision["model_version"],
        "policy_version": decision["policy_version"],
        "moderator": decision["moderator"],
        "revision": decision.get("revision") or 1,
        "decided_at": db.isoformat(decision["created_at"]),
    }


def record_moderator_decision(
    conn: sa.Connection,
    comment_id: str,
    *,
    action: str,
    moderator: str,
    guideline: str | None = None,
    note: str | None = None,
) -> int:
    """Store a person's decision; it becomes the comment's status and a training label."""
    now = db.utcnow()
    reasons = [{"guideline": guideline, "rule": "moderator", "action": action}] if guideline else []
    decision_id = conn.execute(
        db.decisions.insert()
        .values(
            comment_id=comment_id,
            kind="moderator",
            action=action,
            reasons=reasons,
            moderator=moderator,
            note=note,
            created_at=now,
            # The revision the moderator saw is the comment's current one (an edit makes the
            # comment pending, which no moderator can decide).
            revision=sa.select(sa.func.coalesce(db.comments.c.revision, 1))
            .where(db.comments.c.id == comment_id)
            .scalar_subquery(),
        )
        .returning(db.decisions.c.id)
    ).scalar_one()
    conn.execute(
        db.comments.update()
        .where(db.comments.c.id == comment_id)
        .values(status=STATUS_BY_ACTION[action], decision_id=decision_id, updated_at=now)
    )
    return decision_id


def dedupe_key(kind: str, model_version: str, revision: int) -> str:
    """One decision per kind, model version and revision; revision 1 keeps the key it had
    before comments could be edited, so older databases stay consistent."""
    base = f"{kind}:{model_version}"
    return base if revision == 1 else f"{base}@r{revision}"


def pending_comments(conn: sa.Connection, comment_ids: list[str]) -> list[dict]:
    """The comments among these ids still waiting for a decision, in one query."""
    if not comment_ids:
        return []
    # The site's current policy version comes with each row (no query per comment).
    version = policies.current_version_query(db.comments.c.site_id).label("policy_version")
    rows = conn.execute(
        sa.select(db.comments, version)
        .where(db.comments.c.id.in_(comment_ids), db.comments.c.status == "pending")
        # Oldest first: an author's earlier comments are decided before their later ones.
        .order_by(db.comments.c.created_at, db.comments.c.id)
    )
    return [dict(row._mapping) for row in rows]


def stale_pending_ids(conn: sa.Connection, older_than: datetime, limit: int) -> list[str]:
    """Pending comments not touched since `older_than`, oldest first (the sweeper's work)."""
    rows = conn.execute(
        sa.select(db.comments.c.id)
        .where(db.comments.c.status == "pending", db.comments.c.updated_at < older_than)
        .order_by(db.comments.c.updated_at)
        .limit(limit)
    )
    return [row.id for row in rows]


def touch_comments(conn: sa.Connection, comment_ids: list[str]) -> None:
    """Restart the pending clock of re-queued comments so the next sweep leaves them alone."""
    conn.execute(
        db.comments.update()
        .where(db.comments.c.id.in_(comment_ids), db.comments.c.status == "pending")
        .values(updated_at=db.utcnow())
    )


def record_machine_decisions(
    conn: sa.Connection,
    model_version: str,
    decided: list[dict[str, Any]],
    kind: str = "machine",
) -> dict[str, int]:
    """Many model decisions in two statements; {comment id: decision id}.

    Each item has comment_id, action, scores, reasons, policy_version and the revision judged
    (1 when absent). A revision this version already decided is skipped (ON CONFLICT DO
    NOTHING on the dedupe constraint), so a job that runs twice stores nothing twice.
    kind "machine" (the active model) also sets the comment's status, never over a moderator's
    decision; kind "shadow" (a candidate) only keeps its decision beside the live one for the
    shadow report.
    """
    if not decided:
        return {}
    now = db.utcnow()
    rows = [
        {
            "comment_id": item["comment_id"],
            "kind": kind,
            "action": item["action"],
            "scores": item["scores"],
            "reasons": item["reasons"],
            "model_version": model_version,
            "policy_version": item["policy_version"],
            "moderator": None,
            "note": None,
            "created_at": now,
            "revision": item.get("revision", 1),
            "dedupe_key": dedupe_key(kind, model_version, item.get("revision", 1)),
        }
        for item in decided
    ]
    # Executed with a list of rows: SQLAlchemy sends them as one multi-row statement
    # ("insertmanyvalues") that stays cached whatever the batch size.
    inserted = conn.execute(
        db.dialect_insert(conn, db.decisions)
        .on_conflict_do_nothing(index_elements=["comment_id", "dedupe_key"])
        .returning(db.decisions.c.id, db.decisions.c.comment_id),
        rows,
    ).all()
    ids = {row.comment_id: row.id for row in inserted}
    if ids and kind == "machine":
        action = {item["comment_id"]: item["action"] for item in decided}
        revision = {item["comment_id"]: item.get("revision", 1) for item in decided}
        updated = conn.execute(
            db.comments.update()
            .where(
                db.comments.c.id == sa.bindparam("cid"),
                db.comments.c.status == "pending",
                # An edit since the worker read the text: this decision judged the old one.
                sa.func.coalesce(db.comments.c.revision, 1) == sa.bindparam("rev"),
            )
            .values(status=sa.bindparam("new_status"), decision_id=sa.bindparam("did"))
            .values(updated_at=now),
            [
                {
                    "cid": cid,
                    "new_status": STATUS_BY_ACTION[action[cid]],
                    "did": did,
                    "rev": revision[cid],
                }
                for cid, did in ids.items()
            ],
        )
        if conn.dialect.supports_sane_multi_rowcount and updated.rowcount == len(ids):
            return ids  # every update took: the usual case costs no further query
        # Which updates took: a comment decided meanwhile (by a person, or by a worker still on
        # another model version after a promote) keeps its decision, and ours is dropped.
        won = dict(
            conn.execute(
                sa.select(db.comments.c.id, db.comments.c.decision_id).where(
                    db.comments.c.id.in_(list(ids))
                )
            ).all()
        )
        lost = [did for cid, did in ids.items() if won.get(cid) != did]
        if lost:
            _drop_decisions(conn, lost)
            ids = {cid: did for cid, did in ids.items() if won.get(cid) == did}
    return ids

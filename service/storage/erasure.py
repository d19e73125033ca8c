"""Erasing what a comment's author wrote, everywhere the database keeps a copy of it.

What goes: the text of every revision, the author's name, the article title, the evidence
quotes (their offsets stay) and rule details in every decision's reasons (machine, shadow and
moderator), moderator notes, readers' report and appeal reasons (and the appeal's note), the
same fields in the stored webhook bodies (whose statements of reasons, which quote, are dropped),
and, on a deletion, the site's Perspective-compatible requests (comments:analyze,
comments:suggestscore) of the same text: those carry no author, so the text itself is what ties
them to the comment (an expiry leaves them to retention, which counts their own period).
What stays: ids, timestamps, statuses, and each decision's action, guideline, scores, model and
moderator, so counts, the audit trail and the model's track record stay true.

Every table's text columns are checked against this list by tests/service/api/test_erasure.py: a new
table or column that can hold a copy of a comment must be added here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from service.storage import appeals, authors, db, lifecycle
from service.storage.integrations import (
    analyzed_texts,
    suggested_scores,
    webhook_deliveries,
    webhook_endpoints,
)
from service.storage.moderation import reports

BATCH = 500


def erase_comments(conn: sa.Connection, comment_ids: Sequence[str], state: str) -> list[str]:
    """Erase these comments' texts (state DELETED or EXPIRED); returns the ids it changed.

    Idempotent: a comment already in `state` is left as it is; an expired one can still be
    deleted (it then answers 410).
    """
    if state not in lifecycle.ERASED:
        raise ValueError(f"not an erasure state: {state!r}")
    c = db.comments
    due = sa.or_(c.c.text_state.is_(None), c.c.text_state.not_in([state, lifecycle.DELETED]))
    ids = list(conn.execute(sa.select(c.c.id).where(c.c.id.in_(list(comment_ids)), due)).scalars())
    if not ids:
        return []
    if state == lifecycle.DELETED:
        # An expiry leaves the copies to retention.purge_scored_texts, which deletes them by
        # their own age (each was sent before the comment, or counts its period from later).
        _erase_scored_copies(conn, ids)
    now = db.utcnow()
    conn.execute(
        c.update()
        .where(c.c.id.in_(ids))
        .values(
            text="",
            article_title=None,
            author_name=None,
            text_state=state,
            erased_at=now,
            updated_at=now,
        )
    )
    revisions = lifecycle.comment_revisions
    conn.execute(
        revisions.update().where(revisions.c.comment_id.in_(ids)).values(text="", text_state=state)
    )
    _erase_decisions(conn, ids)
    conn.execute(reports.update().where(reports.c.comment_id.in_(ids)).values(reason=""))
    appeals.withdraw_open(conn, ids)
    conn.execute(
        appeals.appeals.update()
        .where(appeals.appeals.c.comment_id.in_(ids))
        .values(reason="", note=None)
    )
    _erase_deliveries(conn, ids)
    return ids


def _erase_scored_copies(conn: sa.Connection, ids: list[str]) -> int:
    """Delete the site's stored Perspective requests whose text is one of these comments' texts
    (any revision): a site that asked comments:analyze before posting kept a copy there."""
    c, revisions = db.comments, lifecycle.comment_revisions
    pairs = conn.execute(
        sa.union(
            sa.select(c.c.site_id, c.c.text).where(c.c.id.in_(ids), c.c.text != ""),
            sa.select(c.c.site_id, revisions.c.text)
            .join(revisions, revisions.c.comment_id == c.c.id)
            .where(c.c.id.in_(ids), revisions.c.text != ""),
        )
    ).all()
    texts: dict[str, set[str]] = {}
    for site_id, text in pairs:
        texts.setdefault(site_id, set()).add(text)
    deleted = 0
    for site_id, site_texts in texts.items():
        for table in (analyzed_texts, suggested_scores):
            deleted += conn.execute(
                table.delete().where(
                    table.c.site_id == site_id, table.c.text.in_(sorted(site_texts))
                )
            ).rowcount
    return deleted


def _erase_decisions(conn: sa.Connection, ids: list[str]) -> None:
    d = db.decisions
    rows = conn.execute(sa.select(d.c.id, d.c.reasons).where(d.c.comment_id.in_(ids))).all()
    if not rows:
        return
    conn.execute(
        d.update()
        .where(d.c.id == sa.bindparam("did"))
        .values(reasons=sa.bindparam("new_reasons"), note=None),
        [{"did": row.id, "new_reasons": redact_reasons(row.reasons)} for row in rows],
    )


def redact_reasons(reasons: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Reasons without the quoted words or the rule details (a link's address, a word seen);
    the evidence keeps its offsets, which say where in the text without saying what."""
    return [
        {
            **reason,
            "evidence": [_offsets(span) for span in reason.get("evidence") or []],
            "detail": "",
        }
        for reason in reasons or []
    ]


def _offsets(span: Any) -> dict[str, Any]:
    if not isinstance(span, dict):
        return {}
    return {key: span[key] for key in ("start", "end") if key in span}


def redact_view(view: dict[str, Any]) -> dict[str, Any]:
    """A comment's API view (as in a webhook body) without its author's data."""
    out = dict(view)
    if isinstance(out.get("article"), dict):
        out["article"] = {**out["article"], "title": None}
    if isinstance(out.get("author"), dict):
        out["author"] = {**out["author"], "name": None}
    decision = out.get("decision")
    if isinstance(decision, dict):
        decision = {**decision, "reasons": redact_reasons(decision.get("reasons"))}
        if isinstance(decision.get("statement"), dict):
            decision["statement"] = None  # it quotes the text
        out["decision"] = decision
    if isinstance(out.get("appeal"), dict):
        out["appeal"] = {**out["appeal"], "reason": "", "note": None}
    return out


def _erase_deliveries(conn: sa.Connection, ids: list[str]) -> None:
    """Stored webhook bodies: rewritten without the erased fields (a pending retry then sends
    the redacted body, signed afresh as every attempt is)."""
    w = webhook_deliveries
    rows = conn.execute(sa.select(w.c.id, w.c.payload).where(w.c.comment_id.in_(ids))).all()
    updates = []
    for row in rows:
        body = _json_object(row.payload)
        if body is not None and isinstance(body.get("data"), dict):
            body["data"] = redact_view(body["data"])
            payload = json.dumps(body, separators=(",", ":"))
        else:
            payload = "{}"
        updates.append({"wid": row.id, "new_payload": payload})
    _rewrite_payloads(conn, updates)


def erase_author_records(conn: sa.Connection, site_id: str, author_id: str) -> int:
    """What the site's moderators wrote about an author (service.storage.authors): notes go, and
    the reasons of standings and their log; the standings themselves stay (a ban outlives an
    erasure request, or it could be lifted by one). Returns how many rows it changed."""
    changed = conn.execute(
        authors.author_notes.delete().where(
            authors.author_notes.c.site_id == site_id,
            authors.author_notes.c.author_id == author_id,
        )
    ).rowcount
    for table in (authors.author_standings, authors.author_log):
        changed += conn.execute(
            table.update()
            .where(table.c.site_id == site_id, table.c.author_id == author_id)
            .values(reason=None)
        ).rowcount
    return changed + _erase_author_deliveries(conn, site_id, author_id)


def _erase_author_deliveries(conn: sa.Connection, site_id: str, author_id: str) -> int:
    """Stored `author.updated` bodies about this author: their standing's reason goes."""
    w = webhook_deliveries
    rows = conn.execute(
        sa.select(w.c.id, w.c.payload)
        .join(webhook_endpoints, webhook_endpoints.c.id == w.c.endpoint_id)
        .where(webhook_endpoints.c.site_id == site_id, w.c.event_type == "author.updated")
    ).all()
    updates = []
    for row in rows:
        body = _json_object(row.payload)
        data = body.get("data") if body else None
        if isinstance(data, dict) and data.get("id") == author_id and data.get("reason"):
            body["data"] = {**data, "reason": None}
            updates.append({"wid": row.id, "new_payload": json.dumps(body, separators=(",", ":"))})
    _rewrite_payloads(conn, updates)
    return len(updates)


def _json_object(payload: str) -> dict | None:
    try:
        body = json.loads(payload)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _rewrite_payloads(conn: sa.Connection, updates: list[dict[str, str]]) -> None:
    if updates:
        w = webhook_deliveries
        conn.execute(
            w.update()
            .where(w.c.id == sa.bindparam("wid"))
            .values(payload=sa.bindparam("new_payload")),
            updates,
        )

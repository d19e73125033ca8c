"""/queue and the JSON endpoints its script calls (claim, release, decide)."""

from __future__ import annotations

from flask import g, jsonify, render_template, request

from models.guidelines import GUIDELINES
from service.http.parsing import json_body
from service.http.problems import Problem
from service.moderation import actions, bp, claims, counts, queue_data, sessions
from service.storage import db
from service.storage.store import get_comment
from service.transport import events

MAX_BULK = 100


@bp.get("/queue")
@sessions.login_required
def queue():
    user = sessions.current_user()
    filters = queue_data.Filters.from_args(request.args)
    with db.engine().connect() as conn:
        items, more = queue_data.queue(conn, user, filters)
        sites = queue_data.visible_sites(conn, user)
        site_ids = [filters.site] if filters.site in {s["id"] for s in sites} else []
        articles = counts.held_articles(conn, site_ids or [s["id"] for s in sites])
    article_title = next((a["title"] for a in articles if a["id"] == filters.article), None)
    if filters.article and article_title is None and items:
        article_title = items[0]["article_title"]
    return render_template(
        "moderation/queue.html",
        user=user,
        items=items,
        policy_warnings=queue_data.policy_warnings(items),
        more=more,
        filters=filters,
        sites=sites,
        articles=articles,
        article_title=article_title or filters.article,
        guidelines=GUIDELINES,
        page_size=queue_data.PAGE_SIZE,
    )


def _user_counts() -> dict[str, int]:
    """The signed-in moderator's queue counts, once per request (a page and its navigation
    may both ask)."""
    if "queue_counts" not in g:
        user = sessions.current_user()
        if user is None:
            return {"held": 0, "reported": 0}
        with db.engine().connect() as conn:
            site_ids = [s["id"] for s in queue_data.visible_sites(conn, user)]
            g.queue_counts = counts.queue_counts(conn, site_ids)
    return g.queue_counts


@bp.app_context_processor
def _nav_counts() -> dict:
    return {"nav_counts": _user_counts}


@bp.get("/queue/api/counts")
@sessions.login_required
def queue_counts():
    """Held and reported comments in the moderator's sites, for the navigation's badges."""
    return jsonify(_user_counts())


@bp.post("/queue/api/claims/<comment_id>")
@sessions.login_required
def claim(comment_id: str):
    user = sessions.current_user()
    _visible_comment(comment_id)
    holder = claims.claim(comment_id, user.name)
    return jsonify(
        {"id": comment_id, "claimed": holder == user.name, "by": holder},
    )


@bp.delete("/queue/api/claims/<comment_id>")
@sessions.login_required
def release(comment_id: str):
    user = sessions.current_user()
    _visible_comment(comment_id)
    holder = claims.release(comment_id, user.name)
    if holder is not None and holder != user.name:
        raise Problem(
            409, "Conflict", f"{holder} has claimed this comment; only they can release it."
        )
    return jsonify({"id": comment_id, "released": True})


@bp.post("/queue/api/decisions")
@sessions.login_required
def decide():
    """Body {"ids": [...], "action": "approve"|"reject", "guideline"?: code, "note"?: text};
    one or many. On an appealed rejection, reject upholds it and approve reverses it."""
    user = sessions.current_user()
    body = json_body()
    ids, action, guideline = body.get("ids"), body.get("action"), body.get("guideline")
    if action not in actions.ACTIONS:
        raise Problem(422, "Unprocessable Content", "action must be 'approve' or 'reject'.")
    if not isinstance(ids, list) or not ids or len(ids) > MAX_BULK:
        raise Problem(422, "Unprocessable Content", f"ids must list 1 to {MAX_BULK} comments.")
    if not all(isinstance(i, str) and 0 < len(i) <= 40 for i in ids):
        raise Problem(422, "Unprocessable Content", "ids must be comment id strings.")
    if guideline is not None and (not isinstance(guideline, str) or guideline not in GUIDELINES):
        raise Problem(422, "Unprocessable Content", "guideline is not a known guideline code.")
    note = body.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > 2000):
        raise Problem(422, "Unprocessable Content", "note must be a string of at most 2000.")
    decided, refused = [], []
    for comment_id in dict.fromkeys(ids):
        try:
            decided.append(
                actions.decide(
                    db.engine(),
                    events.publisher(),
                    user,
                    comment_id,
                    action,
                    guideline,
                    note or None,
                )
            )
        except actions.Refusal as refusal:
            refused.append({"id": comment_id, "status": refusal.status, "why": refusal.message})
    if not decided and len(refused) == 1:  # a single refused decision answers with its status
        only = refused[0]
        raise Problem(only["status"], "Not decided", only["why"])
    return jsonify({"decided": decided, "refused": refused})


def _visible_comment(comment_id: str) -> dict:
    user = sessions.current_user()
    with db.engine().connect() as conn:
        comment = get_comment(conn, comment_id)
    if comment is None or not user.may_see(comment["site_id"]):
        raise Problem(404, "Not Found", "No such comment in your sites.")
    return comment

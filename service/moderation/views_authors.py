"""The author panel: an author's record on one site, their standing, and moderators' notes.

`/authors/<site>/<author>` is a page of its own (it works without script); the queue's script
opens the same content in a side panel from `/queue/api/authors/...`. Changes are plain form
posts with the CSRF token, answered with a redirect back to the page.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import redirect, render_template, request, url_for

from models.guidelines import GUIDELINES
from service.api.authors import usable_author_id
from service.http.parsing import storable_text
from service.http.problems import Problem
from service.http.url_ids import OPAQUE
from service.moderation import author_data, bp, sessions
from service.storage import authors, db
from service.transport import events

# The suspension lengths a moderator picks from; "" keeps the standing until someone changes it.
DURATIONS = {"": None, "1d": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30)}


@bp.get("/authors/<site_id>/<opaque:author_id>", **OPAQUE)
@sessions.login_required
def author_page(site_id: str, author_id: str):
    return _render("moderation/author.html", site_id, author_id)


@bp.get("/queue/api/authors/<site_id>/<opaque:author_id>", **OPAQUE)
@sessions.login_required
def author_panel(site_id: str, author_id: str):
    return _render("moderation/author_panel.html", site_id, author_id)


@bp.post("/authors/<site_id>/<opaque:author_id>/notes", **OPAQUE)
@sessions.login_required
def add_note(site_id: str, author_id: str):
    user = _check(site_id, author_id)
    text = (request.form.get("text") or "").strip()
    if not text or len(text) > authors.MAX_NOTE_CHARS or not storable_text(text):
        raise Problem(
            422,
            "Unprocessable Content",
            f"A note is 1 to {authors.MAX_NOTE_CHARS} characters without control characters.",
        )
    with db.engine().begin() as conn:
        authors.add_note(conn, site_id, author_id, user.name, text)
    return redirect(url_for("moderation.author_page", site_id=site_id, author_id=author_id), 303)


@bp.post("/authors/<site_id>/<opaque:author_id>/standing", **OPAQUE)
@sessions.login_required
def set_standing(site_id: str, author_id: str):
    user = _check(site_id, author_id)
    standing = request.form.get("standing") or None
    duration = request.form.get("duration", "")
    reason = (request.form.get("reason") or "").strip() or None
    if standing is not None and standing not in authors.STANDINGS:
        raise Problem(422, "Unprocessable Content", "Not a standing: trusted, always_hold, banned.")
    if duration not in DURATIONS:
        raise Problem(422, "Unprocessable Content", f"duration is one of {list(DURATIONS)}.")
    if reason and (len(reason) > authors.MAX_REASON_CHARS or not storable_text(reason)):
        raise Problem(
            422,
            "Unprocessable Content",
            f"A reason is at most {authors.MAX_REASON_CHARS} characters.",
        )
    length = DURATIONS[duration]
    expires_at = db.utcnow() + length if length and standing else None
    with db.engine().begin() as conn:
        authors.set_standing(
            conn, site_id, author_id, standing, by=user.name, reason=reason, expires_at=expires_at
        )
        staged = events.publisher().stage(conn, "author.updated", [(site_id, author_id)])
    events.publisher().announce(staged)
    return redirect(url_for("moderation.author_page", site_id=site_id, author_id=author_id), 303)


def _check(site_id: str, author_id: str):
    user = sessions.current_user()
    if not user.may_see(site_id) or not usable_author_id(author_id):
        raise Problem(404, "Not Found", "No such author in your sites.")
    return user


def _render(template: str, site_id: str, author_id: str):
    user = _check(site_id, author_id)
    with db.engine().connect() as conn:
        site = conn.execute(sa.select(db.sites.c.name).where(db.sites.c.id == site_id)).first()
        if site is None:
            raise Problem(404, "Not Found", "No such author in your sites.")
        data = author_data.panel(conn, site_id, author_id)
    return render_template(
        template,
        user=user,
        a=data,
        site_name=site.name,
        guidelines=GUIDELINES,
        durations=DURATIONS,
    )

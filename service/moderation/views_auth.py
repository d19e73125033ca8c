"""/login and /logout."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from service.moderation import bp, sessions, users
from service.storage import db


@bp.get("/login")
def login():
    if sessions.current_user() is not None:
        return redirect(url_for("moderation.queue"))
    return render_template("moderation/login.html", error=None, name="")


@bp.post("/login")
def login_post():
    name = request.form.get("name", "").strip()[:200]
    password = request.form.get("password", "")[:1024]
    if sessions.login_blocked(name):
        message = "Too many failed attempts. Wait a few minutes and try again."
        return render_template("moderation/login.html", error=message, name=name), 429
    with db.engine().connect() as conn:
        user = users.authenticate(conn, name, password)
    if user is None:
        sessions.note_failure(name)
        message = "Wrong name or password."
        return render_template("moderation/login.html", error=message, name=name), 401
    sessions.clear_failures(name)
    sessions.start(user)
    return redirect(url_for("moderation.queue"))


@bp.post("/logout")
def logout():
    sessions.end()
    return redirect(url_for("moderation.login"))

"""/dashboard: how the queue is doing over the moderator's sites, for moderators and admins."""

from __future__ import annotations

from flask import render_template, request

from models.guidelines import GUIDELINES
from service.moderation import bp, dashboard_data, queue_data, sessions, svg
from service.storage import db


@bp.get("/dashboard")
@sessions.login_required
def dashboard():
    user = sessions.current_user()
    window = request.args.get("window", "7d")
    if window not in dashboard_data.WINDOWS:
        window = "7d"
    now = db.utcnow()
    with db.engine().connect() as conn:
        site_ids = [s["id"] for s in queue_data.visible_sites(conn, user)]
        windows = {
            name: dashboard_data.summary(conn, site_ids, now - length)
            for name, length in dashboard_data.WINDOWS.items()
        }
        people = dashboard_data.people(conn, site_ids, now - dashboard_data.WINDOWS[window])
        days = dashboard_data.daily(conn, site_ids, now)
        model = dashboard_data.model(conn)
    title = {code: g.title for code, g in GUIDELINES.items()}
    guideline_chart = svg.bars(
        [
            (title.get(code, code), n, f"/queue?guideline={code}" if code in GUIDELINES else None)
            for code, n in people["top_guidelines"]
        ]
    )
    return render_template(
        "moderation/dashboard.html",
        user=user,
        window=window,
        windows=windows,
        people=people,
        model=model,
        titles=title,
        days_chart=svg.stacked_days(days),
        guideline_chart=guideline_chart,
    )

"""/dashboard: how the queue is doing over the moderator's sites, for moderators and admins."""

from __future__ import annotations

from flask import render_template, request, url_for

from models.guidelines import GUIDELINES
from service.http.problems import Problem
from service.moderation import bp, dashboard_data, dashboard_lists, queue_data, sessions, svg
from service.storage import db


def _window() -> str:
    window = request.args.get("window", "7d")
    return window if window in dashboard_data.WINDOWS else "7d"


def figure_link(window: str, figure: str, value: str = "") -> str:
    """Where a dashboard number links: the list of what it counts."""
    return url_for("moderation.dashboard_list", window=window, figure=figure, value=value or None)


@bp.get("/dashboard")
@sessions.login_required
def dashboard():
    user = sessions.current_user()
    window = _window()
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
            (title.get(code, code), n, figure_link(window, "guideline", code))
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
        days_chart=svg.stacked_days(days, lambda day: figure_link("30d", "day", day)),
        guideline_chart=guideline_chart,
        link=figure_link,
    )


@bp.get("/dashboard/list")
@sessions.login_required
def dashboard_list():
    """The comments or decisions a dashboard number counts (each number links here)."""
    user = sessions.current_user()
    window = _window()
    figure, value = request.args.get("figure", ""), request.args.get("value", "")
    if not dashboard_lists.valid(figure, value):
        raise Problem(404, "Not Found", "The dashboard has no such figure.")
    since = db.utcnow() - dashboard_data.WINDOWS[window]
    with db.engine().connect() as conn:
        site_ids = [s["id"] for s in queue_data.visible_sites(conn, user)]
        found = dashboard_lists.listed(conn, site_ids, since, figure, value)
    return render_template(
        "moderation/dashboard_list.html",
        user=user,
        window=window,
        heading=dashboard_lists.title(figure, value),
        windowed=dashboard_lists.windowed(figure),
        found=found,
        shown=dashboard_lists.LIST_SIZE,
        links={name: figure_link(name, figure, value) for name in dashboard_data.WINDOWS},
    )

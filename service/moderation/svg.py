"""Small server-rendered SVG charts for the dashboard (no script, no inline style: the CSP holds).

Colours come from classes in moderation.css; every label is escaped. Each bar has a <title>, so
the exact number shows on hover and reaches screen readers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

ACTIONS = ("approve", "hold", "reject")


def stacked_days(
    days: Sequence[dict],
    link: Callable[[str], str] | None = None,
    height: int = 160,
    bar: int = 18,
    gap: int = 6,
) -> Markup:
    """Bars per day, approve / hold / reject stacked; the first and last day labelled.

    With `link`, each day's bar is a link (an SVG <a>, no script) to link(day).
    """
    top = max((sum(d[a] for a in ACTIONS) for d in days), default=0) or 1
    width = len(days) * (bar + gap)
    plot = height - 24
    # A chart of links is a group of them for screen readers; an image would hide them.
    role = "group" if link else "img"
    parts = [
        f'<svg class="chart" role="{role}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-labelledby="days-title">',
        '<title id="days-title">Machine decisions per day (approve, hold, reject)</title>',
    ]
    for i, day in enumerate(days):
        x, y = i * (bar + gap), plot
        stack = []
        for action in ACTIONS:
            h = round(day[action] / top * (plot - 4))
            if h:
                y -= h
                stack.append(
                    f'<rect class="bar-{action}" x="{x}" y="{y}" width="{bar}" height="{h}">'
                    f"<title>{escape(day['day'])}: {day[action]} {action}</title></rect>"
                )
        if stack and link:
            total = sum(day[a] for a in ACTIONS)
            label = f"{day['day']}: {total} decisions"
            stack = [
                f'<a class="day-bar" href="{escape(link(day["day"]))}" '
                f'aria-label="{escape(label)}">',
                *stack,
                "</a>",
            ]
        parts.extend(stack)
    for i in (0, len(days) - 1) if days else ():
        anchor = "start" if i == 0 else "end"
        x = i * (bar + gap) + (0 if i == 0 else bar)
        parts.append(
            f'<text x="{x}" y="{height - 6}" text-anchor="{anchor}">{escape(days[i]["day"])}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(items: Sequence[tuple[str, int, str | None]], width: int = 420, row: int = 26) -> Markup:
    """Horizontal bars: (label, value, link or None) a row, the value written beside the bar."""
    top = max((v for _, v, _ in items), default=0) or 1
    label_w, height = 170, max(1, len(items)) * row
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}">'
    ]
    for i, (label, value, href) in enumerate(items):
        y = i * row
        w = round(value / top * (width - label_w - 50))
        text = f'<text x="0" y="{y + 17}">{escape(label)}</text>'
        if href:
            text = f'<a href="{escape(href)}">{text}</a>'
        parts.append(
            text + f'<rect class="bar-hold" x="{label_w}" y="{y + 5}" width="{max(w, 1)}" '
            f'height="{row - 10}"><title>{escape(label)}: {value}</title></rect>'
            f'<text x="{label_w + max(w, 1) + 6}" y="{y + 17}">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))

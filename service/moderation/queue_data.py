"""Reading the queue: held (or reported) comments of the moderator's sites, with their context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from models.guidelines import GUIDELINES
from service.http.parsing import ascii_int
from service.moderation import claims, highlight, thread, wording
from service.moderation.users import User
from service.storage import db, lifecycle
from service.storage.appeals import appeals
from service.storage.moderation import reports

# The reason to reject by default is the guideline a decision's statement rests on.
from service.storage.statements import main_guideline as strongest_guideline

# Where the queue, the history, the thread and the author panel name a missing text.
TEXT_NOT_STORED, text_shown = wording.TEXT_NOT_STORED, wording.text_shown

PAGE_SIZE = 50
VIEWS = ("held", "reported", "appeals")
ORDERS = ("oldest", "score")


@dataclass(frozen=True)
class Filters:
    view: str = "held"
    order: str = "oldest"
    site: str = ""
    article: str = ""
    guideline: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        view = args.get("view", "held")
        order = args.get("order", "oldest")
        guideline = args.get("guideline", "")
        page = ascii_int(args.get("page", "1"), 5) or 1
        return cls(
            view=view if view in VIEWS else "held",
            order=order if order in ORDERS else "oldest",
            site=args.get("site", "")[:40],
            article=args.get("article", "")[:200],
            guideline=guideline if guideline in GUIDELINES else "",
            page=page,
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query arguments for a link to this view with some of them changed (a page link)."""
        values = {**self.__dict__, **changes}
        return {k: v for k, v in values.items() if v not in ("", None) and (k, v) != ("page", 1)}


def visible_sites(conn: sa.Connection, user: User) -> list[dict]:
    query = sa.select(db.sites.c.id, db.sites.c.name).order_by(db.sites.c.name)
    if not user.is_admin:
        query = query.where(db.sites.c.id.in_(user.sites))
    return [dict(r._mapping) for r in conn.execute(query)]


def open_reports(conn: sa.Connection, comment_ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    if not comment_ids:
        return out
    rows = conn.execute(
        sa.select(reports)
        .where(reports.c.comment_id.in_(comment_ids), reports.c.resolved_decision_id.is_(None))
        .order_by(reports.c.id)
    )
    for row in rows:
        out.setdefault(row.comment_id, []).append(dict(row._mapping))
    return out


def _open_appeals(conn: sa.Connection, comment_ids: list[str]) -> dict[str, dict]:
    if not comment_ids:
        return {}
    rows = conn.execute(
        sa.select(appeals).where(appeals.c.comment_id.in_(comment_ids), appeals.c.status == "open")
    )
    return {row.comment_id: dict(row._mapping) for row in rows}


def queue(conn: sa.Connection, user: User, filters: Filters) -> tuple[list[dict], bool]:
    """(items of one page, whether more match than the page shows)."""
    sites = {s["id"]: s["name"] for s in visible_sites(conn, user)}
    site_ids = [filters.site] if filters.site in sites else list(sites)
    c, d = db.comments, db.decisions
    top_score = _top_score(conn, d.c.reasons)
    query = (
        sa.select(c, d.c.reasons, d.c.scores, d.c.model_version, top_score)
        .select_from(c.outerjoin(d, c.c.decision_id == d.c.id))
        .where(c.c.site_id.in_(site_ids), lifecycle.not_erased())  # nothing left to judge
        .limit(PAGE_SIZE + 1)
        .offset((filters.page - 1) * PAGE_SIZE)
    )
    if filters.view == "reported":
        open_ = sa.select(reports.c.comment_id).where(reports.c.resolved_decision_id.is_(None))
        query = query.where(c.c.status == "approved", c.c.id.in_(open_))
    elif filters.view == "appeals":
        appealed = sa.select(appeals.c.comment_id).where(appeals.c.status == "open")
        query = query.where(c.c.status == "rejected", c.c.id.in_(appealed))
    else:
        query = query.where(c.c.status == "held")
    if filters.article:
        query = query.where(c.c.article_id == filters.article)
    if filters.guideline:
        query = query.where(_gives_guideline(conn, d.c.reasons, filters.guideline))
    if filters.order == "score":
        query = query.order_by(top_score.desc(), c.c.created_at, c.c.id)
    else:
        query = query.order_by(c.c.created_at, c.c.id)
    rows = [dict(r._mapping) for r in conn.execute(query)]
    for row in rows:
        row["top_score"] = float(row["top_score"] or 0.0)
    more = len(rows) > PAGE_SIZE
    page = rows[:PAGE_SIZE]
    return _enrich(conn, page, sites), more


# The guideline filter and the score order read the decision's reasons (a JSON list), in the
# database, so they hold over the whole queue however long it grows. Each database has its own
# way into a JSON array.
def _reasons_table(
    conn: sa.Connection, reasons: sa.ColumnElement
) -> tuple[sa.TableValuedAlias, Any, Any]:
    """(a row per reason, its guideline, its score) for this database."""
    if conn.dialect.name == "postgresql":
        # A decision without reasons may hold JSON null, which json_array_elements refuses.
        array = sa.case(
            (sa.func.json_typeof(reasons) == "array", reasons),
            else_=sa.literal_column("'[]'::json"),
        )
        each = sa.func.json_array_elements(array).table_valued("value").alias("r")
        return (
            each,
            each.c.value.op("->>")("guideline"),
            sa.cast(each.c.value.op("->>")("score"), sa.Float),
        )
    each = sa.func.json_each(reasons).table_valued("value").alias("r")
    return (
        each,
        sa.func.json_extract(each.c.value, "$.guideline"),
        sa.func.json_extract(each.c.value, "$.score"),
    )


def _top_score(conn: sa.Connection, reasons: sa.ColumnElement) -> sa.ColumnElement:
    each, _, score = _reasons_table(conn, reasons)
    return sa.select(sa.func.max(score)).select_from(each).scalar_subquery().label("top_score")


def _gives_guideline(
    conn: sa.Connection, reasons: sa.ColumnElement, guideline: str
) -> sa.ColumnElement:
    each, code, _ = _reasons_table(conn, reasons)
    return sa.exists(sa.select(1).select_from(each).where(code == guideline))


def _enrich(conn: sa.Connection, rows: list[dict], sites: dict[str, str]) -> list[dict]:
    ids = [r["id"] for r in rows]
    counts = _author_counts(conn, rows)
    parents, replies = thread.context(conn, rows)
    held_by = claims.holders(ids)
    reported = open_reports(conn, ids)
    appealed = _open_appeals(conn, ids)
    site_policies = wording.site_policies(conn, {r["site_id"] for r in rows})
    # Once per site on the page, not per row: every comment of the site shares it.
    warnings = {
        site_id: wording.policy_warning(effective.invalid, sites.get(site_id, ""))
        for site_id, effective in site_policies.items()
        if effective.invalid
    }
    items = []
    for row in rows:
        reasons = row["reasons"] or []
        effective = site_policies[row["site_id"]]
        policy = effective.policy
        labelled = [
            {**r, "label": wording.score_label(policy, r.get("guideline"), r.get("score"))}
            for r in reasons
            if isinstance(r, dict)
        ]
        items.append(
            {
                "id": row["id"],
                "site_id": row["site_id"],
                "site_name": sites.get(row["site_id"], row["site_id"]),
                "policy_warning": warnings.get(row["site_id"]),
                "segments": _segments(row, reasons),
                "reasons": labelled,
                "strongest": strongest_guideline(reasons),
                "top_score": row["top_score"],
                "model_version": row["model_version"],
                "article_id": row["article_id"],
                "article_title": row["article_title"] or row["article_id"],
                "article_href": highlight.safe_href(row["article_url"]),
                "article_url": row["article_url"],
                "author_id": row["author_id"],
                "author_name": row["author_name"] or row["author_id"],
                "author_counts": counts.get((row["site_id"], row["author_id"]), {}),
                "parent": parents.get((row["site_id"], row["parent_id"])),
                "replies": replies.get((row["site_id"], row["external_id"]), []),
                "created_at": db.isoformat(row["created_at"]),
                "claimed_by": held_by.get(row["id"]),
                "reports": reported.get(row["id"], []),
                "appeal": appealed.get(row["id"]),
            }
        )
    return items


def policy_warnings(items: list[dict]) -> list[str]:
    """One warning per site on the page whose stored policy no longer validates."""
    return list(dict.fromkeys(item["policy_warning"] for item in items if item["policy_warning"]))


def _segments(row: dict, reasons: list[dict]) -> list:
    if row["text_state"] == lifecycle.NOT_STORED:
        return highlight.segments(TEXT_NOT_STORED, [])
    return highlight.segments(row["text"], highlight.spans_of(reasons, len(row["text"])))


def _author_counts(conn: sa.Connection, rows: list[dict]) -> dict[tuple[str, str], dict]:
    authors = {r["author_id"] for r in rows}
    site_ids = {r["site_id"] for r in rows}
    if not authors:
        return {}
    c = db.comments
    query = (
        sa.select(c.c.site_id, c.c.author_id, c.c.status, sa.func.count())
        .where(c.c.author_id.in_(authors), c.c.site_id.in_(site_ids))
        .group_by(c.c.site_id, c.c.author_id, c.c.status)
    )
    out: dict[tuple[str, str], dict] = {}
    for site_id, author_id, status, count in conn.execute(query):
        out.setdefault((site_id, author_id), {})[status] = count
    return out

"""The screenshots' past month: thirty days of invented comments, decisions, reports and appeals.

A plan of events (a comment arrives and the machine answers; a moderator decides a held or a
reported comment; a reader reports one; a reader appeals a rejection) is drawn from a seeded
random generator, with a daily volume that varies (quieter weekends, one busy story), people who
take minutes to hours to decide a hold (longer overnight), a few reader reports the machine let
through, and appeals days after a rejection, some reversed. The events are played in time order
through the code the service uses: store.insert_comment and record_machine_decision,
moderation.actions.decide, appeals.file, the reports table as the API writes it. Only the
timestamps are the seed's own: `_backdate`, the one function here that writes times, moves each
row to its invented moment after the service code wrote it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from service.moderation import actions
from service.moderation.users import User
from service.storage import appeals, db, store
from service.storage.moderation import moderation_log, reports
from service.transport import events

DAYS = 30
QUIET_HOURS = 5  # the last hours belong to the foreground scene (the queue as photographed)
BUSY_DAY = 9  # days ago: the bridge story, twice the comments and more of them held
MODEL_VERSION = "nblr-2026-12-01"

ARTICLES = [
    ("budget-2027", "Council budget 2027: what changes"),
    ("bridge-closure", "Old bridge shut for repairs until spring"),
    ("school-meals", "Free school meals to be extended"),
    ("derby-report", "Rovers snatch the derby in stoppage time"),
    ("library-hours", "Central library cuts its evening hours"),
    ("riverside-tower", "Riverside tower approved after appeal"),
]
READERS = [
    ("u10", "Helen B."), ("u11", "Marcus"), ("u12", "Ola"), ("u13", "K. Patel"),
    ("u14", "Rovers Fan"), ("u15", "Denise"), ("u16", "Tom H."), ("u17", "Grace"),
    ("u18", "Old Cyclist"), ("u19", "Niamh"), ("u20", "Ravi"), ("u21", "Bea"),
    ("u1", "Maya R."), ("u4", "Sam K."), ("u6", "Priya"),
]  # fmt: skip
APPROVED = [
    "Good to see the figures published at last.",
    "The detour adds twenty minutes to my commute, but the repairs are overdue.",
    "Why was this not in the consultation last year?",
    "My daughter's school already does this and it works well.",
    "What a finish. Best derby in years.",
    "Evening hours are the only time working people can use the library.",
    "The tower will block the light for half the street.",
    "Does anyone know whether the buses will be rerouted?",
    "I disagree with the council, but this article is fair to both sides.",
    "The referee had a shocker, but we deserved it.",
]
# Approved by the machine, then reported by a reader and rejected by a person.
MISSED = [
    ("Anyone who defends this plan is a clown and should keep quiet.", "abuse"),
    ("Go back to where you came from if you do not like our town.", "hate"),
    ("Call my cousin for cheap repairs, he undercuts the council every time.", "spam"),
]
# (text, guideline, score, evidence)
HELD = [
    ("Only an idiot would sign off on this.", "abuse", 0.71, "idiot"),
    ("The councillors are morons, all of them.", "abuse", 0.78, "morons"),
    ("Cheap parking permits at http://permits.example", "spam", 0.58, "http://permits.example"),
    ("What a damn mess this bridge is.", "obscene", 0.52, "damn"),
    ("Someone should sort the planners out, properly.", "threat", 0.46, "sort the planners out"),
    ("Email me at fan@mail.example for tickets.", "privacy", 0.66, "fan@mail.example"),
    ("THIS IS A DISGRACE AND EVERYONE KNOWS IT", "shouting", 0.61, "THIS IS A DISGRACE"),
]
REJECTED = [
    ("You are a worthless idiot and everyone here knows it.", "abuse", 0.94, "worthless idiot"),
    ("Win a free phone now at http://prize.example!!!", "spam", 0.97, "http://prize.example"),
    ("I will find the referee and make him pay.", "threat", 0.91, "make him pay"),
]
REPORT_REASONS = ["Insulting other readers", "This is an advert", "Not acceptable"]
APPEAL_REASONS = [
    "I was criticising the council, not a person.",
    "The link is the club's own ticket page.",
    "It was a joke between regulars.",
]


def seed(app: Any, site_id: str, moderators: dict[str, User], now: datetime) -> None:
    """Play a month of events, oldest first, ending QUIET_HOURS before `now`."""
    engine = app.extensions["db_engine"]
    ids: dict[str, str] = {}
    for at, _, kind, data in sorted(_plan(random.Random(2027), now)):
        if kind == "comment":
            with engine.begin() as conn:
                ids[data["ext"]] = comment(conn, site_id, data, at)
        elif kind == "report":
            with engine.begin() as conn:
                conn.execute(
                    reports.insert().values(
                        comment_id=ids[data["ext"]], site_id=site_id, reason=data["reason"],
                        created_at=at,
                    )
                )  # fmt: skip
        elif kind == "decide":
            decide(app, moderators[data["moderator"]], ids[data["ext"]], data["action"],
                   data.get("guideline"), at)  # fmt: skip
        else:  # an appeal
            with engine.begin() as conn:
                appeal = appeals.file(
                    conn, store.get_comment(conn, ids[data["ext"]]), data["reason"]
                )
                _backdate(conn, at, appeal_id=appeal["id"])


def decide(
    app: Any,
    moderator: User,
    comment_id: str,
    action: str,
    guideline: str | None,
    at: datetime,
    note: str | None = None,
) -> None:
    """A moderator's decision as the queue page takes it (moderation.actions.decide), at `at`."""
    engine = app.extensions["db_engine"]
    done = actions.decide(
        engine, events.publisher(), moderator, comment_id, action, guideline, note
    )
    with engine.begin() as conn:
        _backdate(conn, at, comment_id=comment_id, log_id=done["log_id"])


def comment(conn: sa.Connection, site_id: str, data: dict, at: datetime) -> str:
    """A comment as the API stores it, and the machine's decision on it, at `at`; its id."""
    text, article = data["text"], data["article"]
    comment, _ = store.insert_comment(
        conn, site_id,
        {"external_id": data["ext"], "text": text, "article_id": article[0],
         "article_title": article[1], "article_url": f"https://gazette.example/{article[0]}",
         "author_id": data["author"][0], "author_name": data["author"][1],
         "parent_id": data.get("parent")},
    )  # fmt: skip
    reasons = [
        {"guideline": g, "score": score, "action": data["action"], "detail": "",
         "evidence": [{"start": text.index(w), "end": text.index(w) + len(w)}]}
        for g, score, w in data["found"]
    ]  # fmt: skip
    store.record_machine_decision(
        conn, comment["id"], action=data["action"], scores={}, reasons=reasons,
        model_version=MODEL_VERSION,
    )  # fmt: skip
    _backdate(conn, at, comment_id=comment["id"], arrived=True)
    return comment["id"]


def _backdate(
    conn: sa.Connection,
    at: datetime,
    *,
    comment_id: str | None = None,
    arrived: bool = False,
    log_id: int | None = None,
    appeal_id: int | None = None,
) -> None:
    """SEEDING ONLY: move what the service code just wrote (at `db.utcnow()`) to `at`.

    arrived: the comment and its machine decision (two seconds later); log_id: a moderator's
    decision, its audit entry and the appeal it settled, if any; appeal_id: an appeal's filing.
    """
    c, d, a = db.comments, db.decisions, appeals.appeals
    if arrived:
        conn.execute(c.update().where(c.c.id == comment_id).values(created_at=at))
        conn.execute(
            d.update()
            .where(d.c.comment_id == comment_id)
            .values(created_at=at + timedelta(seconds=2))
        )
    if comment_id is not None:
        conn.execute(c.update().where(c.c.id == comment_id).values(updated_at=at))
    if log_id is not None:
        log = conn.execute(sa.select(moderation_log).where(moderation_log.c.id == log_id)).one()
        conn.execute(
            moderation_log.update().where(moderation_log.c.id == log_id).values(created_at=at)
        )
        conn.execute(d.update().where(d.c.id == log.decision_id).values(created_at=at))
        conn.execute(
            a.update().where(a.c.resolved_decision_id == log.decision_id).values(decided_at=at)
        )
    if appeal_id is not None:
        conn.execute(a.update().where(a.c.id == appeal_id).values(created_at=at))


def _plan(rng: random.Random, now: datetime) -> list[tuple[datetime, int, str, dict]]:
    """Every event of the month as (at, sequence, kind, data); the sequence keeps ties in order."""
    planned: list[tuple[datetime, int, str, dict]] = []
    last = now - timedelta(hours=QUIET_HOURS)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)

    def add(at: datetime, kind: str, **data: Any) -> None:
        planned.append((min(at, last), len(planned), kind, data))

    for days_ago in range(DAYS - 1, -1, -1):
        day = midnight - timedelta(days=days_ago)
        busy = days_ago == BUSY_DAY
        volume = 26 * (2.2 if busy else 0.6 if day.weekday() >= 5 else 1.0)
        for _ in range(round(volume * rng.uniform(0.75, 1.25))):
            at = day + timedelta(hours=rng.triangular(6, 24, 14))
            if at >= last:
                continue
            ext = f"h{len(planned)}"
            article = ARTICLES[1] if busy and rng.random() < 0.7 else rng.choice(ARTICLES)
            author = ("u2", "TruthTeller") if rng.random() < 0.015 else rng.choice(READERS)
            action = rng.choices(("approve", "hold", "reject"), (70, 27 if busy else 19, 9))[0]
            _plan_comment(rng, add, at, ext, article, author, action, last)
    return planned


def _plan_comment(
    rng: random.Random,
    add: Callable[..., None],
    at: datetime,
    ext: str,
    article: tuple[str, str],
    author: tuple[str, str],
    action: str,
    last: datetime,
) -> None:
    """One comment's events: its arrival, and what people do about it afterwards."""
    found: list[tuple[str, float, str]] = []
    if action == "approve" and rng.random() < 0.04:  # a miss a reader reports
        text, guideline = rng.choice(MISSED)
        add(at, "comment", ext=ext, text=text, article=article, author=author, action=action,
            found=found)  # fmt: skip
        reported = at + timedelta(hours=rng.uniform(0.5, 8))
        add(reported, "report", ext=ext, reason=rng.choice(REPORT_REASONS))
        decided = _person_waits(rng, reported)
        rejecter = rng.choice(("alice", "carol", "dev"))
        add(decided, "decide", ext=ext, moderator=rejecter, action="reject", guideline=guideline)
    else:
        text, guideline, score, evidence = (
            (rng.choice(APPROVED), None, 0.0, "")
            if action == "approve"
            else rng.choice(HELD if action == "hold" else REJECTED)
        )
        if guideline:
            found = [(guideline, score, evidence)]
        add(at, "comment", ext=ext, text=text, article=article, author=author, action=action,
            found=found)  # fmt: skip
        decided, rejecter = at, None
        if action == "hold":
            decided = _person_waits(rng, at)
            moderator = rng.choice(("alice", "alice", "carol", "dev"))
            person = "approve" if rng.random() < 0.35 else "reject"
            add(decided, "decide", ext=ext, moderator=moderator, action=person, guideline=guideline)
            rejecter = moderator if person == "reject" else ""
        if action == "approve" or rejecter == "":
            return
    # A rejection some readers appeal, settled by another moderator a few hours later.
    if rng.random() < 0.12 and decided + timedelta(days=2) < last:
        filed = decided + timedelta(hours=rng.uniform(2, 30))
        add(filed, "appeal", ext=ext, reason=rng.choice(APPEAL_REASONS))
        settler = rng.choice([m for m in ("carol", "dev") if m != rejecter])
        outcome = "approve" if rng.random() < 0.35 else "reject"
        add(_person_waits(rng, filed), "decide", ext=ext, moderator=settler, action=outcome,
            guideline=guideline)  # fmt: skip


def _person_waits(rng: random.Random, since: datetime) -> datetime:
    """When a moderator gets to something: minutes to a few hours by day, the morning by night."""
    at = since + timedelta(minutes=rng.lognormvariate(3.2, 0.9))
    if at.hour >= 23 or at.hour < 7:
        morning = at.replace(hour=7, minute=0) + timedelta(days=1 if at.hour >= 23 else 0)
        at = morning + timedelta(minutes=rng.uniform(5, 90))
    return at

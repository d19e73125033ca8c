"""Events about comments that other parts react to (webhooks to the site, metrics).

An event is written with the change it announces and announced after that change commits:

    with engine.begin() as conn:
        ...  # the change
        staged = publisher.stage(conn, "comment.moderated", [(site_id, comment_id)])
    publisher.announce(staged)

`stage` runs the writers inside the caller's transaction: the webhooks package writes its
delivery rows there (an outbox), so a decision is never stored without them, and a failing
writer rolls the change back with it. `announce` runs, after the commit, what each writer asked
for (queueing those deliveries on Redis) and then the subscribers (metrics); both are best
effort, logged when they fail, and never undo the stored change: the sweeper queues a delivery
that nobody queued (service/transport/sweeper.py).

Published by the worker (`comment.decided`), the moderator UI (`comment.moderated`, and
`comment.appeal_decided` when that settles an appeal), the reports API (`comment.reported`) and
the author standing changes of the site API and the moderator UI (`author.updated`, about an
author rather than a comment). Each application has its own `Publisher`, built by `create_app`
(`app.extensions["events"]`) and held by the worker runtime, so two apps in one process (tests,
a CLI beside a web app) never hear each other's events; the webhooks package and the metrics
join it in their `init_app`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import sqlalchemy as sa
from flask import Flask, current_app

log = logging.getLogger(__name__)

EVENT_TYPES = (
    "comment.decided",
    "comment.moderated",
    "comment.reported",
    "comment.appeal_decided",
    "author.updated",
)

# (site id, subject id) of each thing an event is about: the comment's id, or the author's for
# author.updated.
Ref = tuple[str, str]
# Run after the commit, best effort.
AfterCommit = Callable[[], None]
# Writers and subscribers take a whole batch: the worker decides comments in batches, and one
# query or one Redis round trip per batch instead of per comment is most of its time beyond
# scoring.
Writer = Callable[[sa.Connection, str, Sequence[Ref]], AfterCommit | None]
Subscriber = Callable[[sa.Engine, str, Sequence[Ref]], None]


@dataclass(frozen=True)
class Staged:
    """An event written inside a transaction, to announce once that transaction commits."""

    event_type: str
    refs: tuple[Ref, ...]
    after_commit: tuple[AfterCommit, ...] = ()


class Publisher:
    """The writers and subscribers of one application, told about changes to its database."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._writers: list[Writer] = []
        self._subscribers: list[Subscriber] = []

    def add_writer(self, writer: Writer) -> None:
        """`writer` runs inside the transaction of every change announced (see stage)."""
        if writer not in self._writers:
            self._writers.append(writer)

    def subscribe(self, subscriber: Subscriber) -> None:
        """`subscriber` hears every event after its change committed (see announce)."""
        if subscriber not in self._subscribers:
            self._subscribers.append(subscriber)

    def stage(self, conn: sa.Connection, event_type: str, refs: Sequence[Ref]) -> Staged:
        """Write the event in the open transaction `conn`; announce the result after commit.

        A writer's error is not caught: what it writes belongs to the change, so the change
        must not commit without it.
        """
        if event_type not in EVENT_TYPES:
            raise ValueError(f"unknown event type {event_type!r}")
        refs = tuple(refs)
        if not refs:
            return Staged(event_type, refs)
        steps = [writer(conn, event_type, refs) for writer in list(self._writers)]
        return Staged(event_type, refs, tuple(step for step in steps if step is not None))

    def announce(self, *staged: Staged) -> None:
        """After the commit: each writer's follow-up, then every subscriber. A failure is
        logged and never undoes the stored change."""
        for event in staged:
            if not event.refs:
                continue
            steps = [
                *event.after_commit,
                *(partial(s, self.engine, event.event_type, event.refs) for s in self._subscribers),
            ]
            for step in steps:
                self._safely(step, event)

    @staticmethod
    def _safely(call: Callable[[], object], event: Staged) -> None:
        try:
            call()
        except Exception:
            log.exception(
                "after-commit step failed for %s on %d refs", event.event_type, len(event.refs)
            )


def init_app(app: Flask) -> None:
    """After db.init_app; before any part that writes or subscribes."""
    app.extensions["events"] = Publisher(app.extensions["db_engine"])


def publisher() -> Publisher:
    """The current app's publisher (request and CLI code; the worker holds its own)."""
    return current_app.extensions["events"]

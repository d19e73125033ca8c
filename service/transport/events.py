"""Events about comments that other parts react to (webhooks to the site, metrics).

Called after the change is committed, by the worker (`comment.decided`), the moderator UI
(`comment.moderated`, and `comment.appeal_decided` when that settles an appeal) and the
reports API (`comment.reported`); `author.updated` is about an author, not a comment, and goes
out through service.webhooks.author_events. Each application has its own `Publisher`, built by
`create_app` (`app.extensions["events"]`) and held by the worker runtime, so two apps in one
process (tests, a CLI beside a web app) never hear each other's events; the webhooks package
and the metrics subscribe to it in their `init_app`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

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

# (site id, comment id) of each comment an event is about.
CommentRef = tuple[str, str]
# Subscribers take a whole batch: the worker decides comments in batches, and one query or one
# Redis round trip per batch instead of per comment is most of its time beyond scoring.
Subscriber = Callable[[sa.Engine, str, Sequence[CommentRef]], None]


class Publisher:
    """The subscribers of one application, told about changes stored in its database."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> None:
        if subscriber not in self._subscribers:
            self._subscribers.append(subscriber)

    def publish(self, event_type: str, site_id: str, comment_id: str) -> None:
        """Tell every subscriber about one comment."""
        self.publish_many(event_type, [(site_id, comment_id)])

    def publish_many(self, event_type: str, refs: Sequence[CommentRef]) -> None:
        """Tell every subscriber; a failing subscriber is logged and never undoes the stored
        change."""
        if event_type not in EVENT_TYPES:
            raise ValueError(f"unknown event type {event_type!r}")
        if not refs:
            return
        for subscriber in list(self._subscribers):
            try:
                subscriber(self.engine, event_type, refs)
            except Exception:
                log.exception(
                    "event subscriber failed for %s on %d comments", event_type, len(refs)
                )


def init_app(app: Flask) -> None:
    """After db.init_app; before any part that subscribes."""
    app.extensions["events"] = Publisher(app.extensions["db_engine"])


def publisher() -> Publisher:
    """The current app's publisher (request and CLI code; the worker holds its own)."""
    return current_app.extensions["events"]

"""Events about comments that other parts react to (webhooks to the site, metrics).

Called after the change is committed, by the worker (`comment.decided`), the moderator UI
(`comment.moderated`, and `comment.appeal_decided` when that settles an appeal) and the
reports API (`comment.reported`); `author.updated` is about an author, not a comment, and goes
out through service.webhooks.author_events. Subscribers register with `subscribe`; the webhooks
package registers one that queues deliveries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import sqlalchemy as sa

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
_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def publish(engine: sa.Engine, event_type: str, site_id: str, comment_id: str) -> None:
    """Tell every subscriber about one comment."""
    publish_many(engine, event_type, [(site_id, comment_id)])


def publish_many(engine: sa.Engine, event_type: str, refs: Sequence[CommentRef]) -> None:
    """Tell every subscriber; a failing subscriber is logged and never undoes the stored change."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    if not refs:
        return
    for subscriber in list(_subscribers):
        try:
            subscriber(engine, event_type, refs)
        except Exception:
            log.exception("event subscriber failed for %s on %d comments", event_type, len(refs))

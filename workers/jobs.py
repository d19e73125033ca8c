"""The per-comment steps of scoring, shared by every batch (`workers.batch.drain_pending`).

A single comment is a batch of one. `decide_one` (models and policy; it gets the open transaction
for per-site lookups) fills in a `PendingComment`; `stage_decided` writes the event with the
decisions, and `after_commit_many` (announcing it, shadow scoring: anything that follows stored
decisions) reads what it recorded. Per-comment additions belong in
those step functions. Jobs take ids only and are idempotent: running one twice changes nothing
more.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from redis.exceptions import RedisError

from models.classifier import Classifier
from models.policy import Policy
from models.rules import AuthorContext
from service.storage import erasure, lifecycle, store
from service.transport import broker, events, unstored_text
from workers import author_context, pipeline, runtime, shadow_jobs, site_policy

log = logging.getLogger(__name__)


@dataclass
class PendingComment:
    """A stored comment on its way to a decision, and what deciding it used.

    `row` is the comment as stored; `policy_version` its site's current version, read with it.
    `repeats` are counted for the whole batch before deciding (prefetch_repeats); the policy and
    author context are kept by decide_one, so that the shadow model is scored with exactly what
    the live decision saw.
    """

    row: dict[str, Any]
    policy_version: int = 0
    repeats: tuple[int, int] | None = None
    policy: Policy | None = None
    used_policy_version: int | None = None
    author: AuthorContext | None = None
    # Held because scoring it failed twice: the shadow model does not try it either.
    unscored: bool = False

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PendingComment:
        """From a store.pending_comments row (the comment with its site's policy version)."""
        row = dict(row)
        return cls(row, int(row.pop("policy_version", None) or 0))

    @property
    def id(self) -> str:
        return self.row["id"]

    @property
    def site_id(self) -> str:
        return self.row["site_id"]

    @property
    def text(self) -> str:
        return self.row["text"]

    @property
    def revision(self) -> int:
        """The revision being judged (edits make new ones; see service.storage.lifecycle)."""
        return lifecycle.current_revision(self.row)

    def decision_item(self, outcome: pipeline.Outcome) -> dict[str, Any]:
        """The outcome as store.record_machine_decisions takes it. A text that must not be
        stored leaves no quote of itself in the reasons either (its offsets stay)."""
        item = {"comment_id": self.id, "revision": self.revision, **vars(outcome)}
        if self.row.get("text_state") == lifecycle.NOT_STORED:
            item["reasons"] = erasure.redact_reasons(item["reasons"])
        return item


def decide_one(
    rt: runtime.Runtime,
    conn: sa.Connection,
    comment: PendingComment,
    classifier: Classifier,
    scores: dict[str, float] | None = None,
    decided: dict[str, str] | None = None,
) -> pipeline.Outcome:
    """The per-comment step: scores, rules and policy for one comment; stores nothing.

    `scores` are the classifier's when the batch computed them for many comments at once, and
    `decided` collects the statuses the batch gave so far (stored only at its end).
    """
    policy, policy_version = site_policy.policy_for(conn, comment.site_id, comment.policy_version)
    standing = author_context.standing_of(
        conn, comment.site_id, comment.row["author_id"], _standing_cache_seconds(rt)
    )
    author = author_context.author_context(
        rt.engine, rt.redis, comment.row, policy, decided, comment.repeats, standing
    )
    # Only the models' own work counts as scoring; the lookups above are the worker's overhead.
    started, cpu_started = time.perf_counter(), time.process_time()
    outcome = pipeline.decide_comment(
        classifier, comment.text, policy, policy_version, author=author, scores=scores
    )
    rt.models_seconds += time.perf_counter() - started
    rt.models_cpu_seconds += time.process_time() - cpu_started
    comment.policy, comment.used_policy_version, comment.author = policy, policy_version, author
    if decided is not None:  # later comments of the same batch see this one as decided
        decided[comment.id] = store.STATUS_BY_ACTION[outcome.action]
    return outcome


def prefetch_repeats(
    rt: runtime.Runtime, conn: sa.Connection, comments: Sequence[PendingComment]
) -> None:
    """Count every repeat the batch needs in one Redis round trip, before deciding it.

    Same order, same counts as asking one comment at a time (the decisions do not change what
    is counted).
    """
    asked = []
    for comment in comments:
        policy, _ = site_policy.policy_for(conn, comment.site_id, comment.policy_version)
        if policy.repeats.action != "allow":
            asked.append((comment, policy.repeats.window_seconds))
    windows = [(comment.row, window) for comment, window in asked]
    for (comment, _), counts in zip(
        asked, author_context.count_repeats_many(rt.redis, windows), strict=True
    ):
        comment.repeats = counts


def prefetch_standings(
    rt: runtime.Runtime, conn: sa.Connection, comments: Sequence[PendingComment]
) -> None:
    """Read the standings of the batch's authors in one query per site, before deciding it
    (decide_one then finds each in the cache instead of asking the database one by one)."""
    by_site: dict[str, list[str]] = {}
    for comment in comments:
        by_site.setdefault(comment.site_id, []).append(comment.row["author_id"])
    author_context.prefetch_standings(conn, by_site, _standing_cache_seconds(rt))


def _standing_cache_seconds(rt: runtime.Runtime) -> float:
    return float(rt.config.get("AUTHOR_STANDING_CACHE_SECONDS", 5.0))


def stage_decided(
    rt: runtime.Runtime,
    conn: sa.Connection,
    comments: Sequence[PendingComment],
    stored: dict[str, int],
) -> events.Staged:
    """In the transaction that stores the decisions: `comment.decided` for the comments newly
    decided (their webhook deliveries are written with them; a repeated job writes none)."""
    refs = [(c.site_id, c.id) for c in comments if stored.get(c.id) is not None]
    return rt.events.stage(conn, "comment.decided", refs)


def after_commit_many(
    rt: runtime.Runtime,
    decided: Sequence[tuple[PendingComment, int | None]],
    staged: Sequence[events.Staged],
) -> None:
    """What follows stored decisions: their announcements (webhook deliveries queued, metrics),
    then the shadow model's decisions on the comments newly decided."""
    rt.events.announce(*staged)
    new = [comment for comment, decision_id in decided if decision_id is not None]
    if new:
        # After the live decisions are stored and announced, so a shadow never delays a site.
        version, _ = rt.models.get()
        shadow_jobs.score_shadow(rt, new, active_version=version)


def fill_unstored_texts(
    rt: runtime.Runtime, comments: Sequence[PendingComment]
) -> list[PendingComment]:
    """Put the Redis-held text into each comment posted with "store_text": false; returns those
    whose text is gone (expired before any worker came), which cannot be scored."""
    unstored = [c for c in comments if c.row.get("text_state") == lifecycle.NOT_STORED]
    texts = unstored_text.take_many(rt.redis, [c.id for c in unstored])
    for comment in unstored:
        if comment.id in texts:
            comment.row["text"] = texts[comment.id]
    return [c for c in unstored if c.id not in texts]


def forget_unstored_texts(rt: runtime.Runtime, comments: Sequence[PendingComment]) -> None:
    """Decided: the texts that were never stored are dropped from Redis too."""
    ids = [c.id for c in comments if c.row.get("text_state") == lifecycle.NOT_STORED]
    try:
        unstored_text.forget(rt.redis, ids)
    except RedisError as exc:  # they expire by themselves
        log.warning("could not drop %d unstored texts: %s", len(ids), exc)


def signal_decided(rt: runtime.Runtime, comment_ids: list[str]) -> None:
    """Wake API requests waiting for these decisions (?wait=...), in one round trip."""
    if not comment_ids:
        return
    ttl = int(rt.config["DECISION_SIGNAL_TTL_SECONDS"])
    keys = [broker.decision_signal_key(comment_id) for comment_id in comment_ids]
    rt.redis.register_script(_SIGNAL)(keys=keys, args=[ttl])


# LPUSH and EXPIRE for every key in one command: a pipeline of two commands a comment cost the
# worker more to pack than Redis took to run them.
_SIGNAL = """
for _, key in ipairs(KEYS) do
  redis.call('LPUSH', key, '1')
  redis.call('EXPIRE', key, ARGV[1])
end
"""

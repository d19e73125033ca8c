"""Erasure runs: an author's comments (the API) and texts past their retention (the purge).

Each batch is its own transaction, so a long erasure never holds a lock on many rows, and an
interrupted one resumes where it stopped when run again (erasing is idempotent). What Redis
holds about the erased comments goes after each batch: moderators' claims and texts waiting
unstored for the worker.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

import redis
import sqlalchemy as sa
from redis.exceptions import RedisError
from sqlalchemy.engine import Engine

from service.storage import db, erasure, lifecycle
from service.transport import broker


def new_job_id() -> str:
    return "erj_" + uuid.uuid4().hex[:20]


def erase_ids(engine: Engine, conn: redis.Redis, ids: list[str], state: str) -> int:
    """Erase these comments in batches; returns how many were not erased before."""
    done = 0
    for start in range(0, len(ids), erasure.BATCH):
        chunk = ids[start : start + erasure.BATCH]
        with engine.begin() as dbconn:
            done += len(erasure.erase_comments(dbconn, chunk, state))
        forget_in_redis(conn, chunk)
    return done


def forget_in_redis(conn: redis.Redis, ids: list[str]) -> None:
    keys = [broker.unstored_text_key(i) for i in ids] + [broker.claim_key(i) for i in ids]
    # The database is the record: an unreachable Redis loses these keys' TTLs, not the erasure.
    with contextlib.suppress(RedisError):
        if keys:
            conn.delete(*keys)


def erase_author(
    engine: Engine, conn: redis.Redis, site_id: str, author_id: str
) -> dict[str, Any] | None:
    """Erase every comment of one author on one site, and keep the job row that reports it;
    None when the site has no comment of the author and no record about them (their rows stay
    after an erasure, so erasing again finds them, and reports that nothing new was erased)."""
    c = db.comments
    with engine.connect() as dbconn:
        ids = list(
            dbconn.execute(
                sa.select(c.c.id)
                .where(c.c.site_id == site_id, c.c.author_id == author_id)
                .order_by(c.c.created_at, c.c.id)
            ).scalars()
        )
    with engine.begin() as dbconn:
        records = erasure.erase_author_records(dbconn, site_id, author_id)
    if not ids and not records:
        return None
    job_id = new_job_id()
    with engine.begin() as dbconn:
        dbconn.execute(
            lifecycle.erasure_jobs.insert().values(
                id=job_id,
                site_id=site_id,
                author_id=author_id,
                status="running",
                comments=len(ids),
                created_at=db.utcnow(),
            )
        )
    newly = erase_ids(engine, conn, ids, lifecycle.DELETED)
    with engine.begin() as dbconn:
        dbconn.execute(
            lifecycle.erasure_jobs.update()
            .where(lifecycle.erasure_jobs.c.id == job_id)
            .values(status="finished", newly_erased=newly, finished_at=db.utcnow())
        )
        return get_job(dbconn, job_id, site_id)


def get_job(dbconn: sa.Connection, job_id: str, site_id: str) -> dict[str, Any] | None:
    j = lifecycle.erasure_jobs
    row = dbconn.execute(sa.select(j).where(j.c.id == job_id, j.c.site_id == site_id)).first()
    if row is None:
        return None
    return {
        "id": row.id,
        "author_id": row.author_id,
        "status": row.status,
        "comments": row.comments,
        "newly_erased": row.newly_erased,
        "created_at": db.isoformat(row.created_at),
        "finished_at": db.isoformat(row.finished_at),
    }

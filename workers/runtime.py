"""What a worker process sets up once: settings, database engine, Redis, the app's event
publisher (its webhooks and metrics subscribed), and the active model.

Jobs read it through `current()`. The model is loaded once at start and re-checked against the
database's active version at most every MODEL_REFRESH_SECONDS, so a promoted or rolled-back version
is picked up without a restart.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import redis
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from models.classifier import Classifier
from models.encoder.serving import with_encoder
from models.registry import ModelLoadError, Registry
from service.storage import model_state
from service.transport.events import Publisher

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)


# Which version each role serves, as the database says: the live decisions', and the shadow's.
ROLES: dict[str, Callable[[sa.Connection], str | None]] = {
    "active": model_state.active_version,
    "shadow": model_state.shadow_version,
}


@dataclass
class ModelCache:
    """One role's model version, loaded here and re-read from the database every refresh_seconds.

    The active role must always answer: while nothing is loaded it asks the database at every
    get(), a version that fails to load leaves the one in hand deciding (ops see the error in
    /readyz) and is tried again at every refresh. The shadow role must never get in the way of
    live decisions: off, unknown or unloadable means None, and a version that failed is tried
    again only after retry_seconds (its files may still have been on their way to this host).
    """

    registry: Registry
    engine: Engine
    refresh_seconds: float
    role: str = "active"
    retry_seconds: float = 60.0
    _version: str | None = None
    _classifier: Classifier | None = None
    _checked_at: float = float("-inf")
    _failed: str | None = None
    _failed_at: float = float("-inf")
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # What the database names for this role, and why it is not loaded here (None when it is).
    wanted: str | None = None
    error: str | None = None

    def get(self) -> tuple[str, Classifier]:
        """The active (version, classifier); loads a newly activated version when it appears."""
        loaded = self.current()
        if loaded is None:
            raise RuntimeError(model_state.NO_ACTIVE_MODEL)
        return loaded

    def current(self) -> tuple[str, Classifier] | None:
        """(version, classifier) of this role, or None when it names none that loads here."""
        now = time.monotonic()
        empty = self._classifier is None and self.role == "active"
        if empty or now - self._checked_at >= self.refresh_seconds:
            with self._lock:
                self._refresh(now)
        if self._version is None or self._classifier is None:
            return None
        return self._version, self._classifier

    def _refresh(self, now: float) -> None:
        with self.engine.connect() as conn:
            wanted = ROLES[self.role](conn)
        self._checked_at = now
        self.wanted = wanted
        if wanted == self._version:
            self.error = None
            return
        if wanted is None:
            self._version = self._classifier = self.error = None
            return
        retrying = self.role == "shadow" and wanted == self._failed
        if retrying and now - self._failed_at < self.retry_seconds:
            return
        log.info("loading %s model version %s", self.role, wanted)
        try:
            # The digest recorded at registration, not only the sidecar's, which sits beside the
            # file it guards and could be replaced with it.
            with self.engine.connect() as conn:
                expected = model_state.artifact_digest(conn, wanted)
            classifier = with_encoder(
                self.registry.load(wanted, expected_sha256=expected), self.registry.root / wanted
            )
        except ModelLoadError as exc:
            self._failed, self._failed_at, self.error = wanted, now, str(exc)
            if self.role == "shadow":
                log.error(
                    "shadow model %s not loaded (next try in %.0f s): %s",
                    wanted,
                    self.retry_seconds,
                    exc,
                )
                self._version = self._classifier = None
            elif self._classifier is None:
                raise RuntimeError(f"cannot load the active model: {exc}") from exc
            else:
                # Keep deciding with the version in hand rather than fail every job; ops see
                # this in the log and in /readyz (transport/worker_models.py).
                log.error("staying on %s: %s", self._version, exc)
            return
        self._failed = None
        self._version, self._classifier, self.error = wanted, classifier, None

    def loaded(self) -> str | None:
        return self._version


@dataclass
class Runtime:
    config: dict[str, Any]
    engine: Engine
    redis: redis.Redis
    # The app's own (create_app built it): the decisions it announces reach that app's
    # subscribers and no other's.
    events: Publisher
    models: ModelCache
    shadow: ModelCache | None = None
    # Seconds spent in models code (scoring, rules, policy), so the batch job can report the
    # worker's own overhead beside it.
    models_seconds: float = 0.0
    # The same in CPU seconds of this process, which other load on the machine does not inflate.
    models_cpu_seconds: float = 0.0


_current: Runtime | None = None


def install(app: Flask) -> Runtime:
    """This process's runtime, from what create_app built: settings, engine, Redis, publisher."""
    global _current
    config, engine = app.config, app.extensions["db_engine"]
    cache = ModelCache(
        registry=Registry(Path(config["MODEL_DIR"])),
        engine=engine,
        refresh_seconds=float(config["MODEL_REFRESH_SECONDS"]),
    )
    shadow = ModelCache(cache.registry, engine, cache.refresh_seconds, role="shadow")
    _current = Runtime(
        config=dict(config),
        engine=engine,
        redis=app.extensions["redis"],
        events=app.extensions["events"],
        models=cache,
        shadow=shadow,
    )
    # RQ's forking Worker runs each job in a child: pooled database connections must not be
    # shared with the parent (SQLAlchemy's advice); the child opens its own. redis-py already
    # reconnects when it sees a new pid.
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    return _current


def current() -> Runtime:
    """This process's runtime; built from the environment on first use (e.g. in an RQ child)."""
    if _current is None:
        from service import create_app

        return install(create_app())
    return _current


def start_model_watch(rt: Runtime) -> threading.Thread:
    """Every refresh interval, even while no job comes: load a newly active version ahead of the
    next job, and report what this process holds (transport/worker_models.py) for /readyz."""
    from service.transport import worker_models

    interval = max(1.0, rt.models.refresh_seconds)

    def run() -> None:
        while True:
            try:
                rt.models.get()
                worker_models.report(
                    rt.redis, rt.models.loaded(), rt.models.wanted, rt.models.error
                )
            except Exception as exc:  # Redis or the database away: report again next time
                log.warning("model watch: %s", exc)
            threading.Event().wait(interval)

    thread = threading.Thread(target=run, name="moderation-model-watch", daemon=True)
    thread.start()
    return thread

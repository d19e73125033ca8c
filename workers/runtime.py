"""What a worker process sets up once: settings, database engine, Redis, and the active model.

Jobs read it through `current()`. The model is loaded once at start and re-checked against the
database's active version at most every MODEL_REFRESH_SECONDS, so a promoted or rolled-back version
is picked up without a restart.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
from sqlalchemy.engine import Engine

from models.classifier import Classifier
from models.registry import ModelLoadError, Registry
from service.storage import model_state
from workers.shadow import ShadowModel

log = logging.getLogger(__name__)


@dataclass
class ModelCache:
    registry: Registry
    engine: Engine
    refresh_seconds: float
    _version: str | None = None
    _classifier: Classifier | None = None
    _checked_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # What the database says is active, and why it is not loaded here (None when it is).
    wanted: str | None = None
    error: str | None = None

    def get(self) -> tuple[str, Classifier]:
        """The active (version, classifier); loads a newly activated version when it appears."""
        now = time.monotonic()
        if self._classifier is None or now - self._checked_at >= self.refresh_seconds:
            with self._lock:
                self._refresh(now)
        if self._classifier is None or self._version is None:
            raise RuntimeError(model_state.NO_ACTIVE_MODEL)
        return self._version, self._classifier

    def _refresh(self, now: float) -> None:
        with self.engine.connect() as conn:
            active = model_state.active_version(conn)
        self._checked_at = now
        self.wanted = active
        if active is None or active == self._version:
            self.error = None
            return
        log.info("loading model version %s", active)
        try:
            classifier = self.registry.load(active)
        except ModelLoadError as exc:
            if self._classifier is None:
                raise RuntimeError(f"cannot load the active model: {exc}") from exc
            # Keep deciding with the version in hand rather than fail every job; ops see this
            # in the log and in /readyz (service/transport/worker_models.py).
            log.error("staying on %s: %s", self._version, exc)
            self.error = str(exc)
            return
        self._version, self._classifier, self.error = active, classifier, None

    def loaded(self) -> str | None:
        return self._version


@dataclass
class Runtime:
    config: dict[str, Any]
    engine: Engine
    redis: redis.Redis
    models: ModelCache
    shadow: ShadowModel | None = None
    # Seconds spent in models code (scoring, rules, policy), so the batch job can report the
    # worker's own overhead beside it.
    models_seconds: float = 0.0
    # The same in CPU seconds of this process, which other load on the machine does not inflate.
    models_cpu_seconds: float = 0.0


_current: Runtime | None = None


def install(config: dict[str, Any], engine: Engine, conn: redis.Redis) -> Runtime:
    global _current
    cache = ModelCache(
        registry=Registry(Path(config["MODEL_DIR"])),
        engine=engine,
        refresh_seconds=float(config["MODEL_REFRESH_SECONDS"]),
    )
    shadow = ShadowModel(cache.registry, engine, cache.refresh_seconds)
    _current = Runtime(config=dict(config), engine=engine, redis=conn, models=cache, shadow=shadow)
    # RQ's forking Worker runs each job in a child: pooled database connections must not be
    # shared with the parent (SQLAlchemy's advice); the child opens its own. redis-py already
    # reconnects when it sees a new pid.
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    return _current


def current() -> Runtime:
    """This process's runtime; built from the environment on first use (e.g. in an RQ child)."""
    if _current is None:
        from service import create_app

        app = create_app()
        return install(app.config, app.extensions["db_engine"], app.extensions["redis"])
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

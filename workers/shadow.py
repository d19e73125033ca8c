"""The shadow version in a worker: loaded when ops name one, used beside the active model."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from models.classifier import Classifier
from models.registry import ModelLoadError, Registry
from service.storage import model_state

log = logging.getLogger(__name__)


@dataclass
class ShadowModel:
    """Like ModelCache, for the optional shadow version; re-read every refresh_seconds."""

    registry: Registry
    engine: Engine
    refresh_seconds: float
    _version: str | None = None
    _classifier: Classifier | None = None
    _checked_at: float = float("-inf")
    # A version that failed to load is tried again after this long: its files may still have
    # been on their way to this host (a synced registry) when ops named it.
    retry_seconds: float = 60.0
    _failed: str | None = None
    _failed_at: float = float("-inf")
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self) -> tuple[str, Classifier] | None:
        now = time.monotonic()
        if now - self._checked_at >= self.refresh_seconds:
            with self._lock:
                self._refresh(now)
        if self._version is None or self._classifier is None:
            return None
        return self._version, self._classifier

    def _refresh(self, now: float) -> None:
        with self.engine.connect() as conn:
            wanted = model_state.shadow_version(conn)
        self._checked_at = now
        if wanted == self._version:
            return
        if wanted == self._failed and now - self._failed_at < self.retry_seconds:
            return
        if wanted is None:
            self._version = self._classifier = None
            return
        try:
            classifier = self.registry.load(wanted)
        except ModelLoadError as exc:
            # A shadow that cannot load must never stop the live decisions: log, retry later.
            log.error(
                "shadow model %s not loaded (next try in %.0f s): %s",
                wanted,
                self.retry_seconds,
                exc,
            )
            self._failed, self._failed_at = wanted, now
            self._version = self._classifier = None
            return
        self._failed = None
        log.info("shadow model %s loaded", wanted)
        self._version, self._classifier = wanted, classifier

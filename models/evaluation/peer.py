"""The peer model: alt-profanity-check (one "offensive" probability), if installed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

# Categories where one "offensive language" probability is a fair comparison.
PEER_CATEGORIES = ("toxicity", "insult", "obscene", "identity_attack")


class Peer:
    name = "alt-profanity-check"

    def __init__(self, module) -> None:
        self._module = module
        self.version = _dist_version() or getattr(module, "__version__", None)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        return np.asarray(self._module.predict_prob(list(texts)), dtype=float)

    def fitted_parts(self) -> tuple[Any, Any] | None:
        """(vectorizer, model) the peer scores with, or None where the package hides them."""
        inner = getattr(self._module, "profanity_check", self._module)
        parts = getattr(inner, "vectorizer", None), getattr(inner, "model", None)
        return None if None in parts else parts

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Same shape as Classifier.score, for the speed measurement."""
        return [{"offensive": float(p)} for p in self.predict(texts)]


def _dist_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("alt-profanity-check")
    except PackageNotFoundError:
        return None


def load_peer() -> Peer | None:
    """The peer, or None when alt-profanity-check is not installed (the report says so)."""
    try:
        import profanity_check
    except Exception:
        return None
    return Peer(profanity_check)

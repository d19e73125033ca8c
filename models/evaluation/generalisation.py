"""The report's generalisation part: the functional suite and leave-one-source-out.

Both are printed beside a baseline measured in the same run: the suite beside the peer
(alt-profanity-check, its one "offensive" probability read as each category it covers), and
leave-one-source-out beside the same recipe without the parts issue 20 added (synthetic
sentences and concept markers), so the table shows what they are worth on unseen sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from models.evaluation.functional import run_suite
from models.evaluation.loso import leave_one_source_out
from models.evaluation.peer import PEER_CATEGORIES, Peer

# The recipe as it was before the synthetic sentences and the concept markers.
BASELINE_RECIPE = {"synthetic_weight": 0.0, "mark_concepts": False}


class PeerScorer:
    """The peer with Classifier.score's shape, for the suite's decisions."""

    def __init__(self, peer: Peer) -> None:
        self.peer = peer

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        return [{c: float(p) for c in PEER_CATEGORIES} for p in self.peer.predict(list(texts))]


def functional(clf, peer: Peer | None, linear=None) -> dict:
    """The suite through `clf` (the served scorer), the peer and, when given, the linear model
    alone (a version with an encoder: what the encoder adds)."""
    out = {
        "ours": run_suite(clf).to_dict(),
        "peer": run_suite(PeerScorer(peer)).to_dict() if peer else None,
    }
    if linear is not None:
        out["linear"] = run_suite(linear).to_dict()
    return out


def loso(data_dir: Path, recipe: dict | None) -> dict:
    """Leave-one-source-out for the model's recipe and for the baseline recipe."""
    recipe = dict(recipe or {})
    return {
        "ours": leave_one_source_out(data_dir, params=recipe),
        "baseline": leave_one_source_out(data_dir, params={**recipe, **BASELINE_RECIPE}),
    }

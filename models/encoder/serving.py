"""What a worker scores with: the linear model, with the version's encoder blended in if it has one.

A version trained with `models train --encoder` carries `<version>/encoder/`; the worker then
scores every comment with both tiers (models/encoder/blend.py). An encoder that fails to load
(a checksum, a missing file, no onnxruntime) is logged and the linear model scores alone: the
linear tier is the fallback, never a reason to stop deciding.
"""

from __future__ import annotations

import logging
from pathlib import Path

from models.encoder import artifacts
from models.encoder.blend import TwoTier

log = logging.getLogger(__name__)


def load_tiers(classifier, version_dir: Path) -> tuple[object, str | None]:
    """(what a worker scores with, why the version's encoder was not loaded or None).

    The reason is None both when the encoder loaded and when the version has none.
    """
    try:
        if artifacts.info(version_dir) is None:
            return classifier, None
        scorer, blend, _ = artifacts.load(version_dir)
    except (artifacts.EncoderLoadError, ImportError) as exc:
        log.error("encoder of %s not loaded; the linear model scores alone: %s", version_dir, exc)
        return classifier, str(exc)
    return TwoTier(classifier, scorer, blend), None


def with_encoder(classifier, version_dir: Path):
    """The two tiers when the version has an encoder that loads, else the classifier alone."""
    return load_tiers(classifier, version_dir)[0]

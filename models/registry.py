"""Saving and loading trained classifiers: root/<version>/model.pickle.gz + model.json.

The catalogue of versions (ids, folders, sidecars) is `models.catalogue`, which needs no
scikit-learn; `Registry` is a catalogue that can also save and load. Following scikit-learn's
persistence advice, every artifact carries the library versions and data fingerprint it was
built with, and loading refuses a checksum or version mismatch rather than risk silently
different predictions. Which version is active is not kept
here: the service records that in its database.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import pickle
import platform
import secrets
from datetime import UTC, datetime

import joblib
import numpy
import scipy
import sklearn

from models.catalogue import (
    LEGACY_MODEL_FILE,
    MODEL_FILE,
    SIDECAR_FILE,
    Catalogue,
    ModelLoadError,
)
from models.classifier import Classifier
from models.training import TrainingResult

__all__ = ["MODEL_FILE", "SIDECAR_FILE", "ModelLoadError", "Registry", "library_versions"]

# Versions that must match exactly for a pickled pipeline to behave the same.
CHECKED_LIBRARIES = ("sklearn", "numpy")


def library_versions() -> dict[str, str]:
    return {
        "sklearn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
        "python": platform.python_version(),
    }


class Registry(Catalogue):
    """The catalogue, plus saving a training result and loading a version (checked first)."""

    def save(self, result: TrainingResult) -> str:
        now = datetime.now(UTC)
        version = f"{now:%Y-%m-%dT%H%M%S}-{secrets.token_hex(3)}"
        target = self.root / version
        target.mkdir(parents=True, exist_ok=False)
        model_path = target / MODEL_FILE
        # Level 3: as small as joblib's compress=3 was (22 MB for the default model), fast to read.
        payload = pickle.dumps(result.classifier, protocol=pickle.HIGHEST_PROTOCOL)
        artifact = gzip.compress(payload, compresslevel=3, mtime=0)
        model_path.write_bytes(artifact)
        meta = result.metadata
        sidecar = {
            "version": version,
            "created_at": meta.get("created_at", now.isoformat(timespec="seconds")),
            "saved_at": now.isoformat(timespec="seconds"),
            "libraries": library_versions(),
            "categories": list(result.classifier.categories),
            "data_fingerprint": meta.get("data_fingerprint"),
            "sources": meta.get("sources", {}),
            "metrics": meta.get("metrics", {}),
            "sha256": hashlib.sha256(artifact).hexdigest(),
            "training": {k: v for k, v in meta.items() if k not in ("sources", "metrics")},
        }
        (target / SIDECAR_FILE).write_text(json.dumps(sidecar, indent=2, default=str))
        return version

    def load(self, version: str, expected_sha256: str | None = None) -> Classifier:
        """The version's classifier; with expected_sha256 (the digest the service recorded when
        the version was registered), the artifact must have exactly that digest."""
        info = self.info(version)
        model_path = self.model_path(version)
        if not model_path.is_file():
            raise ModelLoadError(f"model version {version!r}: {MODEL_FILE} is missing")
        running = library_versions()
        for lib in CHECKED_LIBRARIES:
            saved = info.get("libraries", {}).get(lib)
            if saved != running[lib]:
                raise ModelLoadError(
                    f"model version {version!r} was saved with {lib} {saved}, "
                    f"but this process runs {lib} {running[lib]}; retrain or install {lib}=={saved}"
                )
        # Read once: the bytes checked are the bytes unpickled (a file replaced between a check
        # and a second read would otherwise be loaded unchecked).
        artifact = model_path.read_bytes()
        digest = hashlib.sha256(artifact).hexdigest()
        if expected_sha256 is not None and digest != expected_sha256:
            raise ModelLoadError(
                f"model version {version!r}: {model_path.name} has sha256 {digest}, not the "
                f"{expected_sha256} recorded when the version was registered; refusing to load "
                "a replaced artifact"
            )
        if digest != info.get("sha256"):
            raise ModelLoadError(
                f"model version {version!r}: checksum mismatch "
                f"(sidecar {info.get('sha256')}, file {digest}); refusing to load"
            )
        try:
            if model_path.name == LEGACY_MODEL_FILE:
                clf = joblib.load(io.BytesIO(artifact))
            else:
                clf = pickle.loads(gzip.decompress(artifact))
        except Exception as exc:  # a corrupt pickle can raise almost anything
            raise ModelLoadError(f"model version {version!r}: cannot unpickle: {exc}") from exc
        if not isinstance(clf, Classifier):
            raise ModelLoadError(f"model version {version!r} does not hold a Classifier")
        return clf

"""Versioned storage of trained classifiers: root/<version>/model.joblib + model.json.

Following scikit-learn's persistence advice, every artifact carries the library versions
and data fingerprint it was built with, and loading refuses a checksum or version mismatch
rather than risk silently different predictions. Which version is active is not kept
here: the service records that in its database.
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy
import scipy
import sklearn

from models.classifier import Classifier
from models.training import TrainingResult

MODEL_FILE = "model.joblib"
SIDECAR_FILE = "model.json"
_VERSION_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{4,6}-[0-9a-f]{6}$")
# Versions that must match exactly for a pickled pipeline to behave the same.
CHECKED_LIBRARIES = ("sklearn", "numpy")


class ModelLoadError(Exception):
    """A model version cannot be loaded safely (missing, tampered with, or incompatible)."""


def library_versions() -> dict[str, str]:
    return {
        "sklearn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
        "python": platform.python_version(),
    }


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Registry:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _dir(self, version: str) -> Path:
        # Only plain version ids: no path separators or "..", so nothing outside root loads.
        if not isinstance(version, str) or not _VERSION_RE.match(version):
            raise ModelLoadError(f"not a model version id: {version!r}")
        path = (self.root / version).resolve()
        if path.parent != self.root.resolve():
            raise ModelLoadError(f"model version {version!r} is outside {self.root}")
        return path

    def save(self, result: TrainingResult) -> str:
        now = datetime.now(UTC)
        version = f"{now:%Y-%m-%dT%H%M%S}-{secrets.token_hex(3)}"
        target = self.root / version
        target.mkdir(parents=True, exist_ok=False)
        model_path = target / MODEL_FILE
        joblib.dump(result.classifier, model_path, compress=3)
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
            "sha256": _sha256(model_path),
            "training": {k: v for k, v in meta.items() if k not in ("sources", "metrics")},
        }
        (target / SIDECAR_FILE).write_text(json.dumps(sidecar, indent=2, default=str))
        return version

    def info(self, version: str) -> dict:
        path = self._dir(version) / SIDECAR_FILE
        if not path.is_file():
            raise ModelLoadError(f"model version {version!r} not found in {self.root}")
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise ModelLoadError(
                f"model version {version!r}: unreadable {SIDECAR_FILE}: {exc}"
            ) from exc

    def load(self, version: str) -> Classifier:
        info = self.info(version)
        model_path = self._dir(version) / MODEL_FILE
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
        digest = _sha256(model_path)
        if digest != info.get("sha256"):
            raise ModelLoadError(
                f"model version {version!r}: checksum mismatch "
                f"(sidecar {info.get('sha256')}, file {digest}); refusing to load"
            )
        try:
            clf = joblib.load(model_path)
        except Exception as exc:  # a corrupt pickle can raise almost anything
            raise ModelLoadError(f"model version {version!r}: cannot unpickle: {exc}") from exc
        if not isinstance(clf, Classifier):
            raise ModelLoadError(f"model version {version!r} does not hold a Classifier")
        return clf

    def versions(self) -> list[dict]:
        """Sidecars of every stored version, newest first."""
        if not self.root.is_dir():
            return []
        out = []
        for child in self.root.iterdir():
            if child.is_dir() and _VERSION_RE.match(child.name):
                try:
                    out.append(self.info(child.name))
                except ModelLoadError:
                    continue
        return sorted(out, key=lambda i: (i.get("saved_at", ""), i["version"]), reverse=True)

    def delete(self, version: str) -> None:
        path = self._dir(version)
        if not path.is_dir():
            raise ModelLoadError(f"model version {version!r} not found in {self.root}")
        shutil.rmtree(path)

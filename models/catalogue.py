"""The catalogue of trained versions: ids, folders and sidecars, without scikit-learn.

root/<version>/model.json (the sidecar) describes root/<version>/model.joblib. Reading the
catalogue never unpickles anything, so the web process lists, checks and names versions with
this module alone; `models.registry` adds saving and loading, which need scikit-learn.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

MODEL_FILE = "model.joblib"
SIDECAR_FILE = "model.json"
VERSION_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{4,6}-[0-9a-f]{6}$")


class ModelLoadError(Exception):
    """A model version cannot be loaded safely (missing, tampered with, or incompatible)."""


def is_version_id(value: object) -> bool:
    return isinstance(value, str) and VERSION_RE.match(value) is not None


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Catalogue:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def _dir(self, version: str) -> Path:
        # Only plain version ids: no path separators or "..", so nothing outside root is read.
        if not is_version_id(version):
            raise ModelLoadError(f"not a model version id: {version!r}")
        path = (self.root / version).resolve()
        if path.parent != self.root.resolve():
            raise ModelLoadError(f"model version {version!r} is outside {self.root}")
        return path

    def info(self, version: str) -> dict[str, Any]:
        path = self._dir(version) / SIDECAR_FILE
        if not path.is_file():
            raise ModelLoadError(f"model version {version!r} not found in {self.root}")
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise ModelLoadError(
                f"model version {version!r}: unreadable {SIDECAR_FILE}: {exc}"
            ) from exc

    def versions(self) -> list[dict[str, Any]]:
        """Sidecars of every stored version, newest first."""
        if not self.root.is_dir():
            return []
        out = []
        for child in self.root.iterdir():
            if child.is_dir() and is_version_id(child.name):
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

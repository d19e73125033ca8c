"""The encoder's files beside a linear version: <version>/encoder/.

    encoder.onnx        fp32 export (logits per category)
    encoder.int8.onnx   the same, MatMul weights quantised to int8
    tokenizer.json      the tokenizer it was fine-tuned with
    encoder.json        manifest: categories, lengths, checksums, the blend, figures

Like the linear model's sidecar, the manifest records each file's sha256 and loading refuses a
mismatch. ONNX graphs and tokenizer.json are portable across library versions, so those are
recorded, not enforced.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
from pathlib import Path

from models.encoder.blend import Blend

DIRNAME = "encoder"
MANIFEST = "encoder.json"
FILES = {"fp32": "encoder.onnx", "int8": "encoder.int8.onnx"}
TOKENIZER = "tokenizer.json"


class EncoderLoadError(Exception):
    """The encoder artifacts are missing, tampered with, or unreadable."""


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def library_versions() -> dict[str, str]:
    import onnxruntime
    import tokenizers

    out = {
        "onnxruntime": onnxruntime.__version__,
        "tokenizers": tokenizers.__version__,
        "python": platform.python_version(),
    }
    try:
        import torch

        out["torch"] = torch.__version__
    except ImportError:
        pass
    return out


def encoder_dir(version_dir: Path) -> Path:
    return Path(version_dir) / DIRNAME


def save(staging: Path, version_dir: Path, manifest: dict) -> Path:
    """Move the files in `staging` to <version_dir>/encoder/ and write the manifest.

    The directory appears whole or not at all (a rename), so a reader never sees half of it.
    """
    staging = Path(staging)
    names = [*FILES.values(), TOKENIZER]
    missing = [n for n in names if not (staging / n).is_file()]
    if missing:
        raise FileNotFoundError(f"encoder artifacts missing from {staging}: {missing}")
    doc = {
        **manifest,
        "files": {n: sha256(staging / n) for n in names},
        "libraries": library_versions(),
    }
    (staging / MANIFEST).write_text(json.dumps(doc, indent=2, default=str))
    target = encoder_dir(version_dir)
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return target


def info(version_dir: Path) -> dict | None:
    """The manifest, or None when this version has no encoder."""
    path = encoder_dir(version_dir) / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise EncoderLoadError(f"unreadable {path}: {exc}") from exc


def load(version_dir: Path, variant: str | None = None, threads: int = 1, batch_size: int = 32):
    """(EncoderScorer, Blend, manifest) of a version; EncoderLoadError if they cannot load."""
    from models.encoder.scorer import EncoderScorer

    doc = info(version_dir)
    if doc is None:
        raise EncoderLoadError(f"{version_dir} has no encoder")
    variant = variant or doc.get("serve", "int8")
    if variant not in FILES:
        raise EncoderLoadError(f"unknown encoder variant {variant!r} (one of {sorted(FILES)})")
    root = encoder_dir(version_dir)
    for name in (FILES[variant], TOKENIZER):
        path = root / name
        if not path.is_file():
            raise EncoderLoadError(f"{path} is missing")
        if sha256(path) != doc.get("files", {}).get(name):
            raise EncoderLoadError(f"{path}: checksum mismatch; refusing to load")
    blends = doc.get("blend", {})
    if variant not in blends:
        raise EncoderLoadError(f"{root}: no calibrated blend for the {variant} encoder")
    try:
        scorer = EncoderScorer(
            root / FILES[variant],
            root / TOKENIZER,
            doc["categories"],
            max_len=doc["max_len"],
            batch_size=batch_size,
            threads=threads,
        )
    except Exception as exc:  # onnxruntime raises its own exception types
        raise EncoderLoadError(f"{root}: cannot load the {variant} encoder: {exc}") from exc
    return scorer, Blend.from_dict(blends[variant]), doc

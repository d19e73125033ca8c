"""Fine-tuned encoder weights as fp16 safetensors, split into checksummed chunks.

The device machine hands files back only under size limits (README of the device tool: at most 8
files, 16 MiB each), so the fp16 weights (about 45 MB for all-MiniLM-L6-v2) travel as numbered
chunks of at most 15 MiB, each with its sha256 and one sha256 of the whole.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

CHUNK_BYTES = 15 * 2**20
PREFIX = "encoder.fp16.safetensors."


class ChecksumError(Exception):
    """A chunk, or the reassembled weights, do not have the recorded sha256."""


def fp16_bytes(model) -> bytes:
    """The model's whole state (encoder and head) as fp16 safetensors bytes."""
    import torch
    from safetensors.torch import save

    state = {
        k: (v.detach().to("cpu", torch.float16) if v.is_floating_point() else v.detach().cpu())
        for k, v in model.state_dict().items()
    }
    return save({k: v.contiguous() for k, v in state.items()})


def write(data: bytes, out: Path, limit: int = CHUNK_BYTES) -> dict:
    """Write `data` as out/<PREFIX>000, 001, ...; the record attach checks them against."""
    chunks = []
    for i, start in enumerate(range(0, len(data), limit)):
        part = data[start : start + limit]
        name = f"{PREFIX}{i:03d}"
        (Path(out) / name).write_bytes(part)
        digest = hashlib.sha256(part).hexdigest()
        chunks.append({"name": name, "bytes": len(part), "sha256": digest})
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), "chunks": chunks}


def read(folder: Path, record: dict) -> bytes:
    """The chunks named in `record`, checked one by one and as a whole, joined."""
    parts = []
    for chunk in record["chunks"]:
        path = Path(folder) / chunk["name"]
        if not path.is_file():
            raise ChecksumError(f"{path} is missing")
        part = path.read_bytes()
        digest = hashlib.sha256(part).hexdigest()
        if digest != chunk["sha256"]:
            raise ChecksumError(f"{path}: sha256 {digest}, not the recorded {chunk['sha256']}")
        parts.append(part)
    data = b"".join(parts)
    if hashlib.sha256(data).hexdigest() != record["sha256"]:
        raise ChecksumError("the reassembled weights do not have the recorded sha256")
    return data


def load_into(model, data: bytes) -> None:
    """Load fp16 safetensors bytes into `model` (its own dtype, every key required)."""
    from safetensors.torch import load

    state = load(data)
    own = model.state_dict()
    model.load_state_dict({k: v.to(own[k].dtype) for k, v in state.items()}, strict=True)

"""Tokenising for the encoder, the same at training and at serving time (no PyTorch here)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer


def load_tokenizer(path: Path, max_len: int) -> Tokenizer:
    """A tokenizer.json that truncates to `max_len` tokens and pads to a batch's longest."""
    return configure(Tokenizer.from_file(str(path)), max_len)


def configure(tok: Tokenizer, max_len: int) -> Tokenizer:
    """`tok` (changed in place) truncating to `max_len` tokens, padding to a batch's longest."""
    tok.no_padding()
    tok.enable_truncation(max_length=max_len)
    pad_id = tok.token_to_id("[PAD]")
    tok.enable_padding(pad_id=0 if pad_id is None else pad_id, pad_token="[PAD]")
    return tok


def prepare(text: str) -> str:
    """What the encoder reads: the comment with its whitespace runs made single spaces."""
    return " ".join(text.split())


def encode(tok: Tokenizer, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(input_ids, attention_mask), int64 arrays of shape (len(texts), longest)."""
    if not texts:
        return np.zeros((0, 1), dtype=np.int64), np.zeros((0, 1), dtype=np.int64)
    out = tok.encode_batch([prepare(t) for t in texts])
    ids = np.array([e.ids for e in out], dtype=np.int64)
    mask = np.array([e.attention_mask for e in out], dtype=np.int64)
    return ids, mask


def lengths(tok: Tokenizer, texts: Sequence[str]) -> np.ndarray:
    """Token count of each text after truncation (for grouping texts of similar length)."""
    saved = tok.padding
    tok.no_padding()
    try:
        return np.array([len(e.ids) for e in tok.encode_batch([prepare(t) for t in texts])])
    finally:
        if saved:
            tok.enable_padding(**saved)

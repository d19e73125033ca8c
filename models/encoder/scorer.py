"""Score comments with an exported encoder on the CPU: ONNX Runtime and `tokenizers` only.

Comments are scored in batches of similar length (sorted, then put back in order), so a
short comment is not padded to the longest one in the request.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from models.encoder import tokens


class EncoderScorer:
    def __init__(
        self,
        onnx_path: Path,
        tokenizer_path: Path,
        categories: Sequence[str],
        max_len: int = 64,
        batch_size: int = 32,
        threads: int = 1,
    ) -> None:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(onnx_path), opts, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = tokens.load_tokenizer(tokenizer_path, max_len)
        self.categories = tuple(categories)
        self.max_len = max_len
        self.batch_size = batch_size

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """Raw logits, shape (len(texts), len(categories))."""
        out = np.zeros((len(texts), len(self.categories)), dtype=np.float32)
        if not texts:
            return out
        order = np.argsort([len(t) for t in texts], kind="stable")
        for s in range(0, len(order), self.batch_size):
            idx = order[s : s + self.batch_size]
            ids, mask = tokens.encode(self.tokenizer, [texts[i] for i in idx])
            out[idx] = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Uncalibrated sigmoid of the logits (the blend calibrates them against labels)."""
        return 1.0 / (1.0 + np.exp(-self.logits(texts)))

"""Export a fine-tuned encoder to ONNX (fp32) and quantise it dynamically to int8."""

from __future__ import annotations

import warnings
from pathlib import Path

import torch

from models.encoder.bert import MultiLabelEncoder

INPUTS = ("input_ids", "attention_mask")
OUTPUT = "logits"
OPSET = 17


def export_onnx(model: MultiLabelEncoder, path: Path) -> Path:
    """Write `model` (logits per category) to `path`; batch size and length are dynamic."""
    model = model.to("cpu").eval()
    ids = torch.ones((2, 8), dtype=torch.int64)
    mask = torch.ones((2, 8), dtype=torch.int64)
    mask[1, 5:] = 0
    dynamic = {name: {0: "batch", 1: "tokens"} for name in INPUTS}
    dynamic[OUTPUT] = {0: "batch"}
    with warnings.catch_warnings():
        # The TorchScript exporter is deprecated in favour of dynamo, which needs onnxscript;
        # this graph is plain (no control flow), which the TorchScript exporter handles.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (ids, mask),
            str(path),
            input_names=list(INPUTS),
            output_names=[OUTPUT],
            dynamic_axes=dynamic,
            opset_version=OPSET,
            dynamo=False,
        )
    return Path(path)


def quantise_int8(source: Path, target: Path) -> Path:
    """Dynamic int8 quantisation of every MatMul's weights and of the embedding tables
    (Gather): 86 MB -> 22 MB for all-MiniLM-L6-v2; the tables alone were 35 MB of it, and
    quantising them changed held-out ROC-AUC by under 0.002 (scripts/bench_encoder.py)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(source),
        str(target),
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul", "Gather"],
    )
    return Path(target)

"""A tiny, randomly initialised encoder and its own tokenizer, built here (nothing downloaded)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch  # requirements-train.txt (make test installs it)

from tests.helpers.encoder import (
    TOY_CATEGORIES,
    build_tokenizer,
    tiny_config,
    toy_auc,
    toy_rows,
    toy_training_rows,
)


@pytest.fixture(scope="session")
def toy_tokenizer_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = [t for t, _ in toy_rows(500, seed=1)]
    path = tmp_path_factory.mktemp("toy-tokenizer") / "tokenizer.json"
    build_tokenizer(corpus).save(str(path))
    return path


@pytest.fixture(scope="session")
def toy_trained(toy_tokenizer_file):
    """(model, tokenizer, held-out AUC before fine-tuning, FineTuneReport) on the toy task."""
    from models.encoder.bert import MultiLabelEncoder
    from models.encoder.finetune import FineTuneOptions, fine_tune
    from models.encoder.tokens import load_tokenizer

    tok = load_tokenizer(toy_tokenizer_file, 16)
    torch.manual_seed(0)
    model = MultiLabelEncoder(tiny_config(tok.get_vocab_size()), TOY_CATEGORIES)
    before = toy_auc(model, tok, toy_rows(300, seed=3))
    opts = FineTuneOptions(max_len=16, batch_size=16, epochs=4, learning_rate=1e-3, threads=1)
    report = fine_tune(model, tok, toy_training_rows(), opts)
    return model, tok, before, report


@pytest.fixture(scope="session")
def tiny_pretrained(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """A directory laid out like the weights package: config.json, model.safetensors
    (random weights) and tokenizer.json (trained here on a sample of the training rows)."""
    from safetensors.torch import save_file

    from models.categories import CATEGORIES
    from models.encoder.bert import MultiLabelEncoder
    from models.encoder.rows import load_rows

    rows = load_rows(data_dir, max_rows_per_source=60)
    tok = build_tokenizer([r.text for r in rows.train], vocab_size=2000)
    cfg = tiny_config(tok.get_vocab_size())
    torch.manual_seed(0)
    model = MultiLabelEncoder(cfg, CATEGORIES)
    root = tmp_path_factory.mktemp("tiny-pretrained")
    (root / "config.json").write_text(json.dumps({**cfg.to_dict(), "hidden_act": "gelu"}))
    save_file(
        {k: v.contiguous() for k, v in model.bert.state_dict().items()}, root / "model.safetensors"
    )
    tok.save(str(root / "tokenizer.json"))
    return root

"""Fine-tuning a tiny, randomly initialised encoder (the code path the real one takes)."""

from __future__ import annotations

import numpy as np
import torch

from models.encoder.bert import MultiLabelEncoder
from models.encoder.finetune import FineTuneOptions, fine_tune, masked_loss
from tests.helpers.encoder import TOY_CATEGORIES, tiny_config, toy_auc, toy_rows, toy_training_rows


def test_a_fine_tuned_tiny_encoder_learns_a_word_order_task(toy_trained):
    """Same words in both classes, only the order differs: bag-of-words sees nothing."""
    model, tok, before, report = toy_trained
    after = toy_auc(model, tok, toy_rows(300, seed=3))
    assert before < 0.7
    assert after > 0.95
    assert report.steps == report.planned_steps > 0
    assert report.rows_seen == 4 * 2000
    assert not report.stopped_by_budget
    assert not model.training


def test_the_time_budget_stops_training_early(toy_trained):
    tok = toy_trained[1]
    model = MultiLabelEncoder(tiny_config(tok.get_vocab_size()), TOY_CATEGORIES)
    opts = FineTuneOptions(
        max_len=16, batch_size=8, epochs=100, time_budget_s=1.0, learning_rate=1e-3, threads=1
    )
    seen = []
    report = fine_tune(model, tok, toy_training_rows(200), opts, lambda s, f: seen.append(f))
    assert report.stopped_by_budget
    assert 0 < report.steps < 100 * 25
    assert seen[0] == 0.0 and seen == sorted(seen) and seen[-1] <= 1.0


def test_unlabelled_categories_add_nothing_to_the_loss():
    logits = torch.tensor([[5.0, -3.0], [0.0, 9.0]])
    w = torch.ones(2)
    pw = torch.ones(2)
    only = masked_loss(logits, torch.tensor([[1.0, np.nan], [np.nan, np.nan]]), w, pw)
    alone = masked_loss(logits[:1, :1], torch.tensor([[1.0]]), w[:1], pw[:1])
    assert torch.isclose(only, alone)

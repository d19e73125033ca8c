"""ONNX export gives PyTorch's scores; the int8 graph runs and keeps the ranking."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from models.encoder.export import export_onnx, quantise_int8
from models.encoder.finetune import torch_logits
from models.encoder.scorer import EncoderScorer
from tests.helpers.encoder import TOY_CATEGORIES, toy_rows

CATS = TOY_CATEGORIES


@pytest.fixture(scope="module")
def exported(tmp_path_factory, toy_trained):
    model, tok, _, _ = toy_trained
    root = tmp_path_factory.mktemp("onnx")
    fp32 = export_onnx(model, root / "encoder.onnx")
    int8 = quantise_int8(fp32, root / "encoder.int8.onnx")
    return model, tok, fp32, int8


# Lengths from 3 to 16+ tokens, so batches are padded and the longest one truncated.
TEXTS = [t for t, _ in toy_rows(40, seed=5)] + ["vermin", "they " * 30, "", "unseen words here"]


def test_onnx_scores_equal_torch_scores(exported, toy_tokenizer_file):
    model, tok, fp32, _ = exported
    expected = torch_logits(model, tok, TEXTS, max_len=16)
    scorer = EncoderScorer(fp32, toy_tokenizer_file, CATS, max_len=16, batch_size=7)
    np.testing.assert_allclose(scorer.logits(TEXTS), expected, atol=1e-4, rtol=1e-4)


def test_scores_do_not_depend_on_the_batch(exported, toy_tokenizer_file):
    _, _, fp32, _ = exported
    one = EncoderScorer(fp32, toy_tokenizer_file, CATS, max_len=16, batch_size=1)
    many = EncoderScorer(fp32, toy_tokenizer_file, CATS, max_len=16, batch_size=32)
    np.testing.assert_allclose(one.logits(TEXTS), many.logits(TEXTS), atol=1e-4)


def test_int8_runs_is_smaller_and_keeps_the_ranking(exported, toy_tokenizer_file):
    _, _, fp32, int8 = exported
    held_out = toy_rows(300, seed=6)
    texts, y = [t for t, _ in held_out], [y for _, y in held_out]
    full = EncoderScorer(fp32, toy_tokenizer_file, CATS, max_len=16).logits(texts)[:, 0]
    quant = EncoderScorer(int8, toy_tokenizer_file, CATS, max_len=16).logits(texts)[:, 0]
    assert int8.stat().st_size < fp32.stat().st_size
    assert np.corrcoef(full, quant)[0, 1] > 0.99
    assert roc_auc_score(y, quant) > roc_auc_score(y, full) - 0.02
    assert roc_auc_score(y, quant) > 0.9


def test_no_texts_give_an_empty_matrix(exported, toy_tokenizer_file):
    scorer = EncoderScorer(exported[2], toy_tokenizer_file, CATS, max_len=16)
    assert scorer.logits([]).shape == (0, 2)

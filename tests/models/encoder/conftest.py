"""A tiny, randomly initialised encoder and its own tokenizer, built here (nothing downloaded)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import torch  # requirements-train.txt (make test installs it)
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from tokenizers.trainers import WordPieceTrainer

from models.encoder.bert import BertConfig

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
TINY = {
    "hidden_size": 64,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "intermediate_size": 128,
    "max_position_embeddings": 128,
    "hidden_dropout_prob": 0.0,
    "attention_probs_dropout_prob": 0.0,
}

# The toy task: both classes use the same words; only their order tells them apart, which
# no bag-of-words model can see. Label 1 when the group word comes before "vermin".
GROUPS = ["they", "those", "people", "migrants", "neighbours"]
FILLER = ["are", "all", "just", "really", "like", "the", "some", "so", "very", "not"]


def toy_rows(n: int, seed: int) -> list[tuple[str, int]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = rng.sample(FILLER, 3)
        pair = [rng.choice(GROUPS), "vermin"]
        label = rng.random() < 0.5
        if not label:
            pair.reverse()
        i = rng.randrange(4)
        j = rng.randrange(i + 1, 5)
        words.insert(i, pair[0])
        words.insert(j, pair[1])
        out.append((" ".join(words), int(label)))
    return out


def build_tokenizer(corpus: list[str], vocab_size: int = 400) -> Tokenizer:
    """A BERT-style WordPiece tokenizer trained on `corpus` (lower case, [CLS] ... [SEP])."""
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    tok.train_from_iterator(
        corpus, WordPieceTrainer(vocab_size=vocab_size, special_tokens=SPECIALS)
    )
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    return tok


def tiny_config(vocab_size: int) -> BertConfig:
    return BertConfig(vocab_size=vocab_size, **TINY)


@pytest.fixture(scope="session")
def toy_tokenizer_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = [t for t, _ in toy_rows(500, seed=1)]
    path = tmp_path_factory.mktemp("toy-tokenizer") / "tokenizer.json"
    build_tokenizer(corpus).save(str(path))
    return path


TOY_CATEGORIES = ("identity_attack", "insult")


def toy_training_rows(n: int = 2000):
    """Toy rows, every third without an identity_attack label (partial labels, as in the data)."""
    from models.training import LabelledText

    return [
        LabelledText(t, {"insult": 0.0} if i % 3 == 0 else {"identity_attack": float(y)})
        for i, (t, y) in enumerate(toy_rows(n, seed=2))
    ]


def toy_auc(model, tok, rows) -> float:
    from sklearn.metrics import roc_auc_score

    from models.encoder.finetune import torch_logits

    scores = torch_logits(model, tok, [t for t, _ in rows], max_len=16)[:, 0]
    return float(roc_auc_score([y for _, y in rows], scores))


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

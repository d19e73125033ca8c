"""A tiny encoder's toy task, tokenizer and configuration (nothing downloaded)."""

from __future__ import annotations

import random

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


# Fine-tuning options small enough for a test: real training rows, the tiny encoder, seconds.
TINY_TRAINING = {
    "max_rows_per_source": 60,
    "max_train_rows": 400,
    "calibration_rows": 400,
    "test_rows": 300,
    "max_len": 32,
    "batch_size": 16,
    "learning_rate": 1e-3,
    "threads": 1,
}


def tiny_config(vocab_size: int) -> BertConfig:
    return BertConfig(vocab_size=vocab_size, **TINY)


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

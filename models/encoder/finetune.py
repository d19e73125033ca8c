"""Fine-tune a MultiLabelEncoder on partially labelled rows, within a time budget.

- Loss: binary cross-entropy per category, masked where a row's source gives no label,
  weighted by the row's weight and, like the linear model's ``class_weight="balanced"``, by
  a per-category positive weight (capped, so a rare category does not dominate).
- Batches hold texts of similar length (padding is most of the cost of a short comment).
- Schedule: linear warm-up then linear decay; with a time budget the planned number of
  steps is re-estimated from the measured step time, so the decay ends with the budget.
- A GPU is used when PyTorch sees one (bf16 autocast, fused AdamW); otherwise the CPU.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import torch
from tokenizers import Tokenizer

from models.encoder import tokens
from models.encoder.bert import MultiLabelEncoder, head_bias_from_rates
from models.encoder.rows import label_matrix
from models.training import LabelledText

Progress = Callable[[str, float], None]


@dataclass
class FineTuneOptions:
    max_len: int = 64
    batch_size: int = 32
    epochs: float = 1.0
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup: float = 0.06  # share of the planned steps
    time_budget_s: float | None = None  # the training loop stops by then
    pos_weight_cap: float = 20.0
    seed: int = 0
    device: str | None = None  # None: "cuda" when available, else "cpu"
    threads: int | None = None  # CPU threads for PyTorch (None: its default)
    # bf16 autocast of the forward pass (the loss, the weights and AdamW stay fp32); None: on
    # cuda only. bf16 needs no loss scaling, unlike fp16.
    autocast: bool | None = None


@dataclass
class FineTuneReport:
    device: str
    steps: int
    planned_steps: int
    rows_seen: int
    seconds: float
    stopped_by_budget: bool
    last_loss: float
    rows_per_second: float
    autocast: str | None = None  # "bfloat16" when the forward pass ran under autocast

    def to_dict(self) -> dict:
        return asdict(self)


def pick_device(requested: str | None = None) -> torch.device:
    if requested:
        return torch.device(requested)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _batches(lengths: np.ndarray, batch_size: int, rng: random.Random) -> list[np.ndarray]:
    """Shuffled batches of similar-length rows: sort within chunks of 50 batches."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * 50
    out = []
    for s in range(0, len(order), chunk):
        part = sorted(order[s : s + chunk], key=lambda i: lengths[i])
        out += [np.array(part[j : j + batch_size]) for j in range(0, len(part), batch_size)]
    rng.shuffle(out)
    return out


def _positive_weights(y: np.ndarray, w: np.ndarray, cap: float) -> np.ndarray:
    known = ~np.isnan(y)
    pos = np.array([(w * (y[:, k] == 1)).sum() for k in range(y.shape[1])])
    neg = np.array([(w * (known[:, k] & (y[:, k] == 0))).sum() for k in range(y.shape[1])])
    return np.clip(neg / np.maximum(pos, 1e-9), 1.0, cap)


def masked_loss(
    logits: torch.Tensor, y: torch.Tensor, w: torch.Tensor, pos_weight: torch.Tensor
) -> torch.Tensor:
    known = ~torch.isnan(y)
    target = torch.nan_to_num(y, nan=0.0)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(
        logits.float(), target, pos_weight=pos_weight, reduction="none"
    )
    weight = known.float() * w[:, None]
    return (loss * weight).sum() / weight.sum().clamp(min=1e-9)


def _lr_factor(step: int, planned: int, warmup: float) -> float:
    warm = max(1, int(planned * warmup))
    if step < warm:
        return (step + 1) / warm
    return max(0.0, (planned - step) / max(1, planned - warm))


def fine_tune(
    model: MultiLabelEncoder,
    tokenizer: Tokenizer,
    rows: Sequence[LabelledText],
    options: FineTuneOptions | None = None,
    progress: Progress | None = None,
) -> FineTuneReport:
    """Train `model` in place on `rows`; returns what was done (the model ends in eval mode)."""
    opt = options or FineTuneOptions()
    say = progress or (lambda stage, frac: None)
    if opt.threads:
        torch.set_num_threads(opt.threads)
    torch.manual_seed(opt.seed)
    rng = random.Random(opt.seed)
    device = pick_device(opt.device)
    model.to(device).train()

    texts = [r.text for r in rows]
    y_all = label_matrix(rows, model.categories)
    w_all = np.array([r.weight for r in rows], dtype=np.float32)
    pos_weight = _positive_weights(y_all, w_all, opt.pos_weight_cap)
    # Start each logit at the balanced loss's best constant, pw * r / (pw * r + 1 - r).
    rates = []
    for k in range(y_all.shape[1]):
        col = y_all[:, k]
        r = float(np.nanmean(col)) if (~np.isnan(col)).any() else 0.5
        rates.append(pos_weight[k] * r / (pos_weight[k] * r + 1 - r) if 0 < r < 1 else 0.5)
    head_bias_from_rates(model, rates)
    pos_weight_t = torch.tensor(pos_weight, dtype=torch.float32, device=device)

    tok = tokens.configure(tokenizer, opt.max_len)
    lengths = tokens.lengths(tok, texts)
    schedule: list[np.ndarray] = []
    epochs_left = opt.epochs
    while epochs_left > 0:
        epoch = _batches(lengths, opt.batch_size, rng)
        schedule += epoch[: max(1, math.ceil(len(epoch) * min(1.0, epochs_left)))]
        epochs_left -= 1.0
    planned = len(schedule)

    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim < 2 or "LayerNorm" in name else decay).append(p)
    optimiser = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": opt.weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=opt.learning_rate,
        # One kernel for all parameters on a GPU, where a step is otherwise launch-bound.
        fused=True if device.type == "cuda" else None,
    )
    use_amp = device.type == "cuda" if opt.autocast is None else opt.autocast
    started = time.monotonic()
    step, seen, last_loss, stopped = 0, 0, float("nan"), False
    frac = 0.0
    say("fine-tuning", 0.0)
    for idx in schedule:
        if opt.time_budget_s is not None:
            elapsed = time.monotonic() - started
            if step >= 5:  # re-fit the plan to the budget from the measured step time
                planned = min(
                    len(schedule), max(step + 1, int(opt.time_budget_s / (elapsed / step)))
                )
            if elapsed >= opt.time_budget_s or step >= planned:
                stopped = True
                break
        for group in optimiser.param_groups:
            group["lr"] = opt.learning_rate * _lr_factor(step, planned, opt.warmup)
        ids, mask = tokens.encode(tok, [texts[i] for i in idx])
        ids_t = torch.from_numpy(ids).to(device)
        mask_t = torch.from_numpy(mask).to(device)
        y = torch.from_numpy(y_all[idx]).to(device)
        w = torch.from_numpy(w_all[idx]).to(device)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_amp):
            logits = model(ids_t, mask_t)
        loss = masked_loss(logits, y, w, pos_weight_t)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        last_loss = float(loss.detach())
        seen += len(idx)
        step += 1
        # The plan is re-fitted to the measured step time, so step / planned can fall back when
        # a step was quick; the progress shown never goes backwards.
        frac = max(frac, step / max(1, planned))
        if opt.time_budget_s:
            frac = max(frac, (time.monotonic() - started) / opt.time_budget_s)
        say("fine-tuning", min(1.0, frac))
    seconds = time.monotonic() - started
    model.eval()
    return FineTuneReport(
        device=str(device),
        steps=step,
        planned_steps=planned,
        rows_seen=seen,
        seconds=round(seconds, 1),
        stopped_by_budget=stopped,
        last_loss=round(last_loss, 4),
        rows_per_second=round(seen / seconds, 1) if seconds else 0.0,
        autocast="bfloat16" if use_amp else None,
    )


@torch.no_grad()
def torch_logits(
    model: MultiLabelEncoder,
    tokenizer: Tokenizer,
    texts: Sequence[str],
    max_len: int,
    batch: int = 64,
) -> np.ndarray:
    """The model's logits in PyTorch (for checking an export against)."""
    model.eval()
    device = next(model.parameters()).device
    tok = tokens.configure(tokenizer, max_len)
    out = []
    for s in range(0, len(texts), batch):
        ids, mask = tokens.encode(tok, texts[s : s + batch])
        out.append(model(torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device)))
    if not out:
        return np.zeros((0, len(model.categories)), dtype=np.float32)
    return torch.cat(out).float().cpu().numpy()

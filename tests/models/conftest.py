"""A tiny classifier trained once per test session for the models tests."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data"
if not DATA_DIR.is_dir():
    DATA_DIR = Path("/work/shared/data")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA_DIR.is_dir():
        pytest.skip("shared data directory not present")
    return DATA_DIR


@pytest.fixture(scope="session")
def small_result(data_dir: Path):
    from models.training import train

    return train(data_dir, max_rows_per_source=400, seed=0)


@pytest.fixture(scope="session")
def small_classifier(small_result):
    return small_result.classifier

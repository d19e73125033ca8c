"""Ops tests get a registry of their own (a copy of the session model plus small versions)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers.apps import DATA_DIR


@pytest.fixture(scope="session")
def model_dir(model_dir: tuple[Path, str], tmp_path_factory) -> tuple[Path, str]:
    """The session model, copied so the versions these tests add do not reach other tests."""
    root, version = model_dir
    copy = tmp_path_factory.mktemp("ops-models")
    shutil.copytree(root / version, copy / version)
    return copy, version


@pytest.fixture(scope="session")
def tiny_version(model_dir: tuple[Path, str]) -> str:
    """A deliberately worse version: 30 rows per source and none of the synthetic sentences.

    With them, 30 rows per source would be mostly synthetic sentences, which the functional
    suite rewards: such a version can beat a real one on the suite while far worse on data.
    """
    from models.registry import Registry
    from models.training import train

    result = train(DATA_DIR, max_rows_per_source=30, seed=0, params={"synthetic_weight": 0.0})
    return Registry(model_dir[0]).save(result)

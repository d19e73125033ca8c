import json
from pathlib import Path

import pytest

from models.registry import ModelLoadError, Registry


@pytest.fixture(scope="module")
def saved(tmp_path_factory, small_result):
    root = tmp_path_factory.mktemp("registry")
    registry = Registry(root)
    return registry, registry.save(small_result)


def test_save_writes_model_and_sidecar(saved) -> None:
    registry, version = saved
    info = registry.info(version)
    assert (registry.root / version / "model.joblib").is_file()
    assert info["version"] == version and len(info["sha256"]) == 64
    assert {"sklearn", "numpy", "scipy", "joblib", "python"} <= set(info["libraries"])
    assert info["sources"] and info["metrics"] and info["data_fingerprint"]


def test_load_returns_a_working_classifier(saved, small_classifier) -> None:
    registry, version = saved
    loaded = registry.load(version)
    assert loaded.score_one("idiot") == small_classifier.score_one("idiot")


def test_versions_lists_newest_first(tmp_path: Path, small_result) -> None:
    registry = Registry(tmp_path)
    first, second = registry.save(small_result), registry.save(small_result)
    listed = [v["version"] for v in registry.versions()]
    assert set(listed) == {first, second}
    registry.delete(first)
    assert [v["version"] for v in registry.versions()] == [second]


def _copy(registry: Registry, version: str, tmp_path: Path) -> Registry:
    import shutil

    shutil.copytree(registry.root / version, tmp_path / version)
    return Registry(tmp_path)


def test_tampered_model_is_refused(saved, tmp_path: Path) -> None:
    copy = _copy(*saved, tmp_path)
    with (copy.root / saved[1] / "model.joblib").open("ab") as fh:
        fh.write(b"x")
    with pytest.raises(ModelLoadError, match="checksum"):
        copy.load(saved[1])


def test_library_version_mismatch_names_both_versions(saved, tmp_path: Path) -> None:
    copy = _copy(*saved, tmp_path)
    sidecar = copy.root / saved[1] / "model.json"
    info = json.loads(sidecar.read_text())
    info["libraries"]["sklearn"] = "0.0.1"
    sidecar.write_text(json.dumps(info))
    with pytest.raises(ModelLoadError, match=r"0\.0\.1.*this process runs sklearn"):
        copy.load(saved[1])


@pytest.mark.parametrize("version", ["../etc", "/tmp/x", "nope", ""])
def test_only_versions_inside_root_load(saved, version: str) -> None:
    with pytest.raises(ModelLoadError):
        saved[0].load(version)

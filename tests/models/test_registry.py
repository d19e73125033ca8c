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
    assert (registry.root / version / "model.pickle.gz").is_file()
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
    with (copy.root / saved[1] / "model.pickle.gz").open("ab") as fh:
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


def test_a_version_saved_before_the_pickle_format_still_loads(
    saved, tmp_path: Path, small_classifier
) -> None:
    """Versions trained before model.pickle.gz keep their model.joblib, checksum and all."""
    import joblib

    from models.catalogue import sha256

    copy = _copy(*saved, tmp_path)
    folder = copy.root / saved[1]
    (folder / "model.pickle.gz").unlink()
    joblib.dump(saved[0].load(saved[1]), folder / "model.joblib", compress=3)
    sidecar = folder / "model.json"
    sidecar.write_text(
        json.dumps({**json.loads(sidecar.read_text()), "sha256": sha256(folder / "model.joblib")})
    )
    assert copy.model_path(saved[1]) == folder / "model.joblib"
    loaded = copy.load(saved[1])
    assert loaded.score_one("idiot") == small_classifier.score_one("idiot")

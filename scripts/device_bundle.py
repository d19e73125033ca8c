"""What one device call needs beside the working tree: the ignored folder .device/.

    .device/data.tar.gz                 the trainable sources' files (never an evaluation-only set)
    .device/pretrained/config.json      the pretrained encoder, its weights in fp16 (the fp32
    .device/pretrained/model.safetensors  file is 90 MB, over what a call may carry)
    .device/pretrained/tokenizer.json
    .device/wheels/*.whl                pure-Python packages models/ imports that the image lacks
    .device/bundle.json                 sha256 of each file, sources, data fingerprint

The folder is transient: it is git-ignored, carried by the device call (`carry: [".device"]`)
and rebuilt by `prepare`; no data ever goes into git.
"""

from __future__ import annotations

import ast
import gzip
import importlib.metadata
import json
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Collection
from pathlib import Path

from models import datasets
from models.encoder import weights
from models.encoder.artifacts import sha256
from models.encoder.rows import trainable_sources

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / ".device"
MANIFEST = "bundle.json"
DATA = "data.tar.gz"
PRETRAINED = "pretrained"
WHEELS = "wheels"
CALL_BYTES = 64 * 2**20  # what one call carries: the working tree and the carried paths

# The device image's Python packages (the device tool's KINDS.md, as read on 2026-11-17): a
# package models/ imports that is not among them travels as a wheel.
_IMAGE_PACKAGES = """
    absl-py accelerate aiofiles aiohappyeyeballs aiohttp aiosignal annotated-doc anyio attrs
    botorch build certifi charset-normalizer chex click cloudpickle cmake colorama contourpy
    coverage cuda-bindings cuda-core cuda-pathfinder cuda-toolkit cupy-cuda13x cycler cython
    diffrax e3nn einops equinox etils execnet filelock flatbuffers flax fonttools formulaic
    frozenlist fsspec gpytorch grpcio h11 h5py hf-xet httpcore httpx huggingface-hub humanize
    hypothesis idna imageio iniconfig interface-meta jax jax-cuda13-pjrt jax-cuda13-plugin jaxlib
    jaxtyping jinja2 joblib kiwisolver lazy-loader lightning lightning-utilities linear-operator
    lineax llvmlite lxml markdown markdown-it-py markupsafe matplotlib mdurl meson ml-dtypes
    mpi4py mpmath msgpack multidict multipledispatch mypy-extensions nanobind narwhals networkx
    ninja numba numba-cuda numpy numpyro nvidia-ml-py onnx onnx-ir onnxruntime onnxscript
    opencv-python-headless optax opt-einsum opt-einsum-fx optimistix orbax-checkpoint packaging
    pandas pathspec patsy peft pillow pip pluggy portalocker prometheus-client propcache protobuf
    psutil pyarrow pybind11 py-cpuinfo pygments pyparsing pyproject-hooks pyre-extensions pytest
    pytest-benchmark pytest-cov pytest-mock pytest-timeout pytest-xdist python-dateutil
    pytorch-lightning pyyaml regex requests rich sacrebleu safetensors scikit-build-core
    scikit-image scikit-learn scipy seaborn sentencepiece sentence-transformers setuptools
    shellingham simplejson six sortedcontainers statsmodels sympy tabulate tensorboard
    tensorboard-data-server tensorstore threadpoolctl tifffile tiktoken timm tokenizers toolz
    torch torchaudio torchdiffeq torch-geometric torchmetrics torchvision tqdm transformers
    treescope triton typer typing-extensions typing-inspect urllib3 uvloop wadler-lindig werkzeug
    wheel wrapt xarray xxhash yarl zipp"""
DEVICE_PACKAGES = frozenset(_IMAGE_PACKAGES.split())


def tree_bytes(root: Path = ROOT) -> int:
    """Bytes of the working tree a call sends: tracked and untracked files git does not ignore."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    paths = (root / name.decode() for name in listed if name)
    return sum(p.stat().st_size for p in paths if p.is_file() and not p.is_symlink())


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def imported_distributions(folder: Path = ROOT / "models") -> dict[str, str]:
    """{distribution: installed version} of every third-party module imported under `folder`."""
    tops: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                tops.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                tops.add(node.module.split(".")[0])
    by_module = importlib.metadata.packages_distributions()
    out = {}
    for top in sorted(tops - set(sys.stdlib_module_names) - {"models"}):
        for dist in by_module.get(top, ()):
            out[dist] = importlib.metadata.version(dist)
    return out


def missing_on_device(dists: dict[str, str]) -> dict[str, str]:
    return {d: v for d, v in dists.items() if _canonical(d) not in DEVICE_PACKAGES}


def _pure(dist: str) -> bool:
    wheel = importlib.metadata.distribution(dist).read_text("WHEEL") or ""
    return "Root-Is-Purelib: true" in wheel


def fetch_wheels(dists: dict[str, str], target: Path) -> list[str]:
    """Download each (pure-Python) distribution's wheel at the installed version into `target`."""
    compiled = [d for d in dists if not _pure(d)]
    if compiled:
        raise SystemExit(f"not pure Python, cannot travel as a 3.12 wheel from here: {compiled}")
    if not dists:
        return []
    target.mkdir(parents=True, exist_ok=True)
    # As the device tool's README says: binary only, for the image's Python 3.12 on x86-64.
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
    cmd += ["--python-version", "3.12", "--implementation", "cp"]
    cmd += ["--platform", "manylinux_2_28_x86_64", "--platform", "manylinux2014_x86_64"]
    cmd += ["-d", str(target), *(f"{d}=={v}" for d, v in sorted(dists.items()))]
    subprocess.run(cmd, check=True)
    return sorted(p.name for p in target.glob("*.whl"))


def write_data(data_dir: Path, names: Collection[str], target: Path) -> list[str]:
    """A gzip tarball of the files training on `names` reads (repeatable: no times or owners)."""
    files = datasets.files_read(names)

    def plain(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
        info.mode = 0o644
        return info

    with (
        target.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as gz,
        tarfile.open(fileobj=gz, mode="w") as tar,
    ):
        for rel in sorted(files):
            tar.add(str(Path(data_dir) / rel), arcname=rel, filter=plain)
    return files


def write_pretrained(source: weights.Pretrained, target: Path) -> None:
    """config.json and tokenizer.json as they are, the weights converted to fp16."""
    from safetensors.torch import load_file, save_file

    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source.config, target / "config.json")
    shutil.copyfile(source.tokenizer, target / "tokenizer.json")
    state = load_file(str(source.weights))
    half = {k: (v.half() if v.is_floating_point() else v).contiguous() for k, v in state.items()}
    save_file(half, str(target / "model.safetensors"))


def prepare(
    data_dir: Path,
    target: Path = BUNDLE,
    pretrained_dir: Path | None = None,
    wheels: bool = True,
    limit: int | None = None,
) -> dict:
    """Rebuild `target`; its manifest. SystemExit when it and the working tree are more than
    one call carries (or the folder is over `limit` bytes)."""
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    names = trainable_sources(Path(data_dir))
    if not names:
        raise SystemExit(f"no trainable sources in {data_dir}")
    files = write_data(Path(data_dir), names, target / DATA)
    pre = weights.locate(pretrained_dir)
    write_pretrained(pre, target / PRETRAINED)
    needed = missing_on_device(imported_distributions()) if wheels else {}
    fetched = fetch_wheels(needed, target / WHEELS)
    paths = sorted(p for p in target.rglob("*") if p.is_file())
    doc = {
        "sources": names,
        "data_files": files,
        "data_fingerprint": datasets.fingerprint(Path(data_dir), names),
        "base_model": pre.name,
        "wheels": fetched,
        "files": {str(p.relative_to(target)): sha256(p) for p in paths},
        "bytes": {str(p.relative_to(target)): p.stat().st_size for p in paths},
    }
    (target / MANIFEST).write_text(json.dumps(doc, indent=2))
    doc["total_bytes"] = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    doc["tree_bytes"] = tree_bytes()
    room = CALL_BYTES - doc["tree_bytes"] if limit is None else limit
    if doc["total_bytes"] > room:
        raise SystemExit(
            f"{target} holds {doc['total_bytes'] / 2**20:.1f} MiB, over the "
            f"{room / 2**20:.1f} MiB a call can carry beside the working tree"
        )
    return doc


def check(bundle: Path) -> dict:
    """The bundle's manifest, after checking every file it names (SystemExit on a mismatch)."""
    doc = json.loads((Path(bundle) / MANIFEST).read_text())
    for rel, digest in doc["files"].items():
        if sha256(Path(bundle) / rel) != digest:
            raise SystemExit(f"{bundle / rel}: checksum mismatch; run prepare again")
    return doc


def unpack(bundle: Path, work: Path) -> Path:
    """The data tarball extracted under work/data; that folder."""
    data = Path(work) / "data"
    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    with tarfile.open(Path(bundle) / DATA, "r:gz") as tar:
        tar.extractall(data, filter="data")
    return data


def install_wheels(bundle: Path, work: Path) -> Path | None:
    """pip install the carried wheels into work/site (no index) and put it on sys.path.

    None when there are none, or pip failed: the fine-tune imports none of them (they serve
    models/ modules off its path), so a failed install is reported, not fatal.
    """
    found = sorted((Path(bundle) / WHEELS).glob("*.whl"))
    if not found:
        return None
    site = Path(work) / "site"
    cmd = [sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--no-compile"]
    cmd += ["--no-cache-dir", "--upgrade", "--target", str(site), *map(str, found)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        print(f"wheels not installed: {done.stderr.strip()}", file=sys.stderr)
        return None
    sys.path.append(str(site))  # after site-packages: never shadows the image's own packages
    return site

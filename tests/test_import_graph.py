"""The layers' boundaries, read from the source: who may import whom (every import, also the ones
inside functions). models decides and imports neither service nor workers; workers run jobs and
reach into service only for storage, transport, webhooks, settings and the metrics they report."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What workers/ may import from service/: exact module names, or packages with all below them.
WORKERS_MAY_IMPORT = (
    "service",  # create_app only: the worker builds its settings and connections as the web does
    "service.config",
    "service.storage.*",
    "service.transport.*",
    "service.webhooks.*",
    "service.ops.metrics",  # the counters it reports
    # The ops worker runs the same train / gate / promote code as the CLI; it is held to storage
    # and models below, so it opens no way around this list.
    "service.ops.model_ops",
)
MODEL_OPS_MAY_IMPORT = ("service.storage.*",)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every import in the file; `from a import b` names a.b when b is one."""
    package = module_name(path).rsplit(".", 0 if path.name == "__init__.py" else 1)[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield node.lineno, full if is_module(full) else base


def allowed(name: str, rules: tuple[str, ...]) -> bool:
    for rule in rules:
        if rule.endswith(".*"):
            if name == rule[:-2] or name.startswith(rule[:-1]):
                return True
        elif name == rule:
            return True
    return False


def violations(folder: str, banned: tuple[str, ...], rules: tuple[str, ...] = ()) -> list[str]:
    """Imports under `folder` of a module below one of `banned` that no rule allows."""
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for line, name in imports(path):
            top = name.split(".")[0]
            if top in banned and not allowed(name, rules):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return found


def test_models_import_neither_service_nor_workers_nor_io_frameworks() -> None:
    banned = ("service", "workers", "flask", "redis", "rq", "sqlalchemy")
    assert violations("models", banned) == []


def test_workers_import_only_storage_transport_webhooks_config_and_metrics_from_service() -> None:
    assert violations("workers", ("service",), WORKERS_MAY_IMPORT) == []


def test_the_model_operations_workers_share_with_the_cli_use_only_storage_and_models() -> None:
    path = "service/ops/model_ops.py"
    found = [
        f"{path}:{line} imports {name}"
        for line, name in imports(ROOT / path)
        if name.split(".")[0] in ("service", "workers", "flask", "redis", "rq")
        and not allowed(name, MODEL_OPS_MAY_IMPORT)
    ]
    assert found == []


def test_the_check_sees_imports_inside_functions() -> None:
    """The graph is only as good as its reader: an import inside a function counts too."""
    sample = ROOT / "workers" / "runtime.py"
    names = {name for _, name in imports(sample)}
    assert "service.transport.worker_models" in names  # imported inside start_model_watch
    assert "service" in names  # create_app, imported inside current()
    assert allowed("service.storage.db", WORKERS_MAY_IMPORT)
    assert not allowed("service.api.comments", WORKERS_MAY_IMPORT)
    assert not allowed("service.ops.health", WORKERS_MAY_IMPORT)


def shared_from_tests(name: str) -> bool:
    """Whether a test module may import this: tests share code through tests.helpers only, so
    no test module depends on another's internals or on a conftest's (pytest owns those)."""
    return (
        name.split(".")[0] != "tests"
        or name == "tests.helpers"
        or name.startswith("tests.helpers.")
    )


def test_test_modules_share_helpers_only_through_tests_helpers() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        for line, name in imports(path)
        if not shared_from_tests(name)
    ]
    assert found == []


def test_the_tests_check_refuses_test_modules_and_conftests() -> None:
    assert shared_from_tests("tests.helpers.apps")
    assert shared_from_tests("service.storage.db")
    assert not shared_from_tests("tests.conftest")
    assert not shared_from_tests("tests.moderation.conftest")
    assert not shared_from_tests("tests.service.test_comments_api")
    assert not shared_from_tests("tests.helpers_elsewhere")

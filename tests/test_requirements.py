"""requirements.txt holds what the service needs to run, and nothing for tests or tooling."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_ONLY = {"pytest", "hypothesis", "schemathesis", "ruff", "playwright"}


def pinned(name: str) -> set[str]:
    """Distribution names in a requirements file (following -r), lower case, extras dropped."""
    names = set()
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            names |= pinned(line[3:].strip())
        elif line:
            names.add(re.split(r"[\[=<>~! ]", line, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def third_party_imports(*folders: str) -> set[str]:
    tops = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    tops |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    tops.add(node.module.split(".")[0])
    ours = {"service", "workers", "models", "scripts", "tests"}
    return {t for t in tops if t not in ours and t not in sys.stdlib_module_names}


def test_a_production_install_pulls_no_test_or_tooling_package() -> None:
    assert pinned("requirements.txt") & DEV_ONLY == set()
    assert pinned("requirements-dev.txt") >= DEV_ONLY


def test_every_package_the_service_workers_and_models_import_is_a_runtime_requirement() -> None:
    runtime = pinned("requirements.txt")
    dists = packages_distributions()
    missing = {
        top: dists.get(top, [top])
        for top in third_party_imports("service", "workers", "models")
        if not {d.lower().replace("_", "-") for d in dists.get(top, [top])} & runtime
    }
    # Optional extras, imported lazily: the evaluation report's peer and plots
    # (requirements-eval.txt) and the encoder tier's training (requirements-train.txt).
    extras = pinned("requirements-eval.txt") | pinned("requirements-train.txt")
    optional = {
        top
        for top, names in missing.items()
        if {n.lower().replace("_", "-") for n in names} & extras
    } | {"profanity_check"}  # alt-profanity-check's module name
    assert {t for t in missing if t not in optional} == set(), missing

"""The tests' tree mirrors the packages: the tests of service/webhooks/ are in
tests/service/webhooks/, so a reader finds a module's tests where the module is."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Folders that are no package's, and why.
NOT_A_PACKAGE = {
    "tests/helpers": "what several test modules share (see its __init__)",
    "tests/service/moderation/browser": "the moderator pages in a real browser (Playwright)",
}


def test_every_test_folder_is_named_after_a_package() -> None:
    folders = {
        path.parent.relative_to(ROOT).as_posix()
        for path in (ROOT / "tests").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    strays = [
        folder
        for folder in sorted(folders - {"tests"} - set(NOT_A_PACKAGE))
        if not (ROOT / folder.removeprefix("tests/") / "__init__.py").is_file()
    ]
    assert strays == []

"""/readyz and /metrics show which model version each worker process holds, so ops see a
promote reach every worker, or see which one could not load it and why."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask

from service.storage import model_state


def _until(check: Callable[[], dict | None], timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found is not None:
            return found
        time.sleep(0.2)
    raise AssertionError("condition not reached")


def test_readyz_shows_the_version_each_worker_holds(app: Flask, worker_process, model_dir) -> None:
    client = app.test_client()
    _, version = model_dir

    def models_when(condition: Callable[[dict], bool]) -> Callable[[], dict | None]:
        def check() -> dict | None:
            models = client.get("/readyz").get_json()["checks"]["worker"].get("models")
            return models if models and condition(models) else None

        return check

    models = _until(models_when(lambda m: m["reporting"] == 1))
    assert models["versions"] == {version: 1} and models["behind"] == 0
    assert f'moderation_worker_models{{version="{version}"}} 1.0' in client.get("/metrics").text

    # Active in the database, but its files never reached this worker's host.
    missing = "2026-01-01T000000-abcdef"
    with app.extensions["db_engine"].begin() as conn:
        model_state.activate(conn, missing)
    models = _until(models_when(lambda m: m["behind"] == 1 and m["errors"]))
    assert models["versions"] == {version: 1}  # still deciding with the one it has
    assert missing in models["errors"][0]["error"]
    assert client.get("/readyz").status_code == 200  # it still decides comments

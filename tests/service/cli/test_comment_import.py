"""`flask comments import FILE --site SITE`: an archive stored and queued once, even if resumed."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from service.storage import db
from tests.helpers.apps import PROJECT_ROOT, make_site, work_queue, worker_env
from tests.helpers.batches import machine_decisions
from tests.helpers.comments import ABUSIVE, CIVIL, comment_body


def archive(n: int, start: int = 0) -> list[str]:
    texts = [CIVIL, ABUSIVE]
    return [
        json.dumps(comment_body(f"old-{i}", f"{texts[i % 2]} ({i})", author={"id": f"u{i % 5}"}))
        for i in range(start, start + n)
    ]


def stored_ids(app: Flask, site_id: str) -> list[str]:
    with app.extensions["db_engine"].connect() as conn:
        return list(
            conn.scalars(
                sa.select(db.comments.c.external_id).where(db.comments.c.site_id == site_id)
            )
        )


def run_import(app: Flask, path: Path, site_id: str, *args: str):
    runner = app.test_cli_runner()
    return runner.invoke(args=["comments", "import", str(path), "--site", site_id, *args])


def test_bad_lines_are_reported_and_a_fixed_file_resumes_without_duplicates(server_app, tmp_path):
    site_id, _ = make_site(server_app)
    lines = archive(30)
    broken = [*lines[:10], "{not json", json.dumps({"id": "x", "text": ""}), *lines[10:]]
    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join(broken) + "\n")
    first = run_import(server_app, path, site_id, "--chunk-size", "7")
    assert first.exit_code == 1
    assert first.stderr.startswith("importing")  # the progress bar (its label, off a terminal)
    assert "line 11: not valid JSON" in first.stderr
    assert "line 12: Some fields are missing or wrong. text: is required" in first.stderr
    assert "imported 30, skipped 0 already stored" in first.stdout
    # The fixed file again: only the line that was fixed is new.
    fixed = [*lines, json.dumps(comment_body("x", CIVIL))]
    path.write_text("\n".join(fixed) + "\n")
    second = run_import(server_app, path, site_id)
    assert second.exit_code == 0, second.output
    assert "imported 1, skipped 30 already stored" in second.stdout
    ids = stored_ids(server_app, site_id)
    assert sorted(ids) == sorted({*(f"old-{i}" for i in range(30)), "x"})
    work_queue(server_app)
    assert sorted(machine_decisions(server_app).values()) == [1] * 31


def test_csv_columns_become_the_comment_fields(app: Flask, tmp_path):
    site_id, key = make_site(app)
    path = tmp_path / "archive.csv"
    path.write_text(
        "id,text,article_id,article.title,author_id,author_name,store_text\n"
        f'k1,"{CIVIL}",a1,Budget vote,u1,Ann,\n'
        'k2,"two\nlines, one comment",a1,,u2,,false\n'
    )
    result = run_import(app, path, site_id)
    assert result.exit_code == 0, result.output
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    one = client.get("/v1/comments?external_id=k1", headers=headers).json
    assert (one["article"]["title"], one["author"]["name"]) == ("Budget vote", "Ann")
    two = client.get("/v1/comments?external_id=k2", headers=headers).json
    assert two["text_state"] == "not_stored"


def test_an_import_killed_part_way_resumes_with_every_comment_once(server_app, tmp_path):
    """Killed while reading (a FIFO holds it after two chunks), Redis's queue lost too: the
    resumed run stores only what is missing and queues the stored, still pending ones again."""
    site_id, _ = make_site(server_app)
    fifo = tmp_path / "feed.jsonl"
    os.mkfifo(fifo)
    command = [sys.executable, "-m", "flask", "--app", "service", "comments", "import"]
    args = [str(fifo), "--site", site_id, "--format", "jsonl", "--chunk-size", "10"]
    proc = subprocess.Popen(
        [*command, *args], cwd=PROJECT_ROOT, env=worker_env(server_app), stderr=subprocess.PIPE
    )
    lines = archive(40)
    try:
        with fifo.open("w") as feed:  # blocks until the importer opens it
            feed.write("\n".join(lines[:25]) + "\n")
            feed.flush()
            deadline = time.monotonic() + 60
            while len(stored_ids(server_app, site_id)) < 20:
                assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "the first two chunks were not stored"
                time.sleep(0.05)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
    finally:
        with contextlib.suppress(OSError):
            proc.kill()
    assert len(stored_ids(server_app, site_id)) == 20  # the third chunk was never complete
    server_app.extensions["redis"].flushdb()
    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join(lines) + "\n")
    resumed = run_import(server_app, path, site_id)
    assert resumed.exit_code == 0, resumed.output
    assert "imported 20, skipped 20 already stored" in resumed.stdout
    assert sorted(stored_ids(server_app, site_id)) == sorted(f"old-{i}" for i in range(40))
    work_queue(server_app)
    assert sorted(machine_decisions(server_app).values()) == [1] * 40


def test_an_unknown_site_is_refused_before_reading(app: Flask, tmp_path):
    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join(archive(3)) + "\n")
    result = run_import(app, path, "site_nope")
    assert result.exit_code == 2
    assert "no site 'site_nope'" in result.output

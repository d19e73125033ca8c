"""`make run`: the whole stack on one machine, with embedded Redis and SQLite by default.

Trains the default model when none is active, makes a demo site (its key is kept in the instance
folder so a second run can show it again), then runs gunicorn, a scoring worker, a webhook worker
and an ops worker (model jobs) until Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from service import create_app
from service.cli.sites import create_site_record
from service.storage import model_state

PORT = int(os.environ.get("PORT", "8000"))


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # Ctrl-C, and SIGTERM from whoever runs us (a service manager, `kill`), stop everything;
    # also when started from a shell that had set SIGINT to be ignored.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    app = create_app()
    instance = Path(app.instance_path)
    with app.app_context():
        with app.extensions["db_engine"].connect() as conn:
            active = model_state.active_version(conn)
        if active is None:
            print("No active model: training the default one (a few minutes)...", flush=True)
            _flask("models", "train", "--activate")
        key = _demo_key(app, instance)
    # Plain http on localhost: the moderator session cookie must not be https-only here.
    env = dict(
        os.environ, MODERATION_INSTANCE_PATH=str(instance), MODERATION_SESSION_COOKIE_SECURE="false"
    )

    # Each child in a session of its own: Ctrl-C reaches only this process, which then stops
    # them with one SIGTERM each. Reached by the terminal's SIGINT too, gunicorn's workers got
    # SIGINT and their master's SIGQUIT at once and could hang until killed 30 s later.
    def start(*args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", *args], env=env, start_new_session=True)

    procs = [
        # Scoring and webhook deliveries in pools of their own, as the Procfile runs them: a slow
        # receiver then never delays a decision (scripts/bench_webhook_starvation.py).
        start("workers", "--queues", "comments"),
        start("workers", "--queues", "webhooks"),
        # Model jobs (admin API, `models train --background`) run on the ops queue.
        start("workers", "--ops"),
        # As the Procfile runs it.
        start(
            "gunicorn", "--worker-class", "gthread", "--workers", "3", "--threads", "4",
            "--keep-alive", "5", "--bind", f"127.0.0.1:{PORT}", "service:create_app()",
        ),
    ]  # fmt: skip
    time.sleep(2)
    print(
        f"\nModeration service: http://127.0.0.1:{PORT}/\n"
        f"Demo site key: {key}\n"
        "Try:\n"
        f"  curl -s -X POST 'http://127.0.0.1:{PORT}/v1/comments?wait=2000' \\\n"
        f"    -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' \\\n"
        """    -d '{"id": "c1", "text": "You are an idiot", "article": {"id": "a1"}, """
        """"author": {"id": "u1"}}'\n"""
        "Ctrl-C stops everything.",
        flush=True,
    )
    try:
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        p.wait(timeout=30)
    return 0


def _flask(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "service", *args], check=True)


def _demo_key(app, instance: Path) -> str:
    path = instance / "demo-site-key"
    if path.exists():
        return path.read_text().strip()
    _site_id, key = create_site_record("Demo News")
    path.write_text(key)
    path.chmod(0o600)
    return key


if __name__ == "__main__":
    sys.exit(main())

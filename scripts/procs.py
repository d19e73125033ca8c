"""Processes the fault, scale-out and speed runs start and stop: Redis, gunicorn, workers.

Shared by scripts/chaos.py, scripts/bench.py and the tests that really stop a server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Callable[[], bool], timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(interval)


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class RedisServer:
    """A redis-server of our own on a free port, keeping nothing on disk (a restart loses all)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.proc = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--loglevel", "warning"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: answers(self.port), 10, f"redis-server on port {self.port}")
        return self

    def kill(self) -> None:
        """SIGKILL: the server vanishes with everything it held."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        wait_until(lambda: not answers(self.port), 10, "redis-server to stop")

    def restart(self) -> None:
        self.kill()
        self.start()


def start_worker(env: dict[str, str], *args: str, log: Path | None = None) -> subprocess.Popen:
    """`python -m workers`; its log goes to `log` (appended) or nowhere."""
    out = log.open("ab") if log else subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "-m", "workers", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=out,
        stderr=out,
    )


def start_gunicorn(env: dict[str, str], port: int, workers: int = 2) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"),
            *("--workers", str(workers), "--graceful-timeout", "10", "--log-level", "warning"),
            # As the Procfile runs it: threads, and keep-alive, so clients reuse connections.
            *("--worker-class", "gthread", "--threads", "4", "--keep-alive", "5"),
            "service:create_app()",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # The master listens before its workers have booted the app: wait for an app answer.
    wait_until(lambda: healthy(port) or proc.poll() is not None, 60, f"gunicorn on {port}")
    if proc.poll() is not None:
        raise RuntimeError(f"gunicorn exited with {proc.returncode}")
    return proc


def healthy(port: int) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def stop(proc: subprocess.Popen, timeout: float = 30) -> int:
    """SIGTERM (graceful), then SIGKILL if it does not stop in time; the exit code."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait()


def child_env(**settings: str) -> dict[str, str]:
    """This environment plus MODERATION_* settings (given without the prefix)."""
    env = dict(os.environ)
    env.update({f"MODERATION_{name}": str(value) for name, value in settings.items()})
    return env

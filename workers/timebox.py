"""A time cap on a block of scoring work, so that one hostile comment cannot hold a worker.

Threads cannot cap it: Python's regex engine keeps the GIL while it matches, so a runaway pattern
in any thread stops every thread of the process until it returns. It does check for signals,
though, so a SIGALRM delivered to the main thread interrupts it. `capped` therefore works in the
main thread only (where RQ runs jobs, and where the sync-scoring process serves); elsewhere it
runs the block without a cap. An outer timer already set (RQ's own `job_timeout`, which uses the
same SIGALRM) keeps running and is re-armed with what is left of it afterwards.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator

__all__ = ["TimedOut", "capped"]


class TimedOut(BaseException):
    """The block ran past its cap. A BaseException, so no `except Exception` in the models
    (evidence is "a nicety") swallows it and carries on with the runaway work."""


@contextlib.contextmanager
def capped(seconds: float | None) -> Iterator[None]:
    """Raise TimedOut inside the block once it has run `seconds`; None or 0: no cap."""
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    started = time.monotonic()
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, 0)
    if outer_delay and outer_delay <= seconds:
        # The outer timer fires first; it stays in charge.
        signal.setitimer(signal.ITIMER_REAL, outer_delay, outer_interval)
        yield
        return

    def fire(signum: int, frame: object) -> None:
        raise TimedOut(f"ran past {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_delay:
            left = outer_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), outer_interval)

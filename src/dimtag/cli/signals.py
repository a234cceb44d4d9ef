"""Terminating signals turned into an exception, so that a run cut short unwinds: temporary files go, workers stop."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Terminated(BaseException):
    """A terminating signal arrived; unwinding removes temporary files and stops workers."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


# Signals whose default action ends the process; SIGINT already raises KeyboardInterrupt.
TERMINATING = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2") if hasattr(signal, name)
)


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated(signum)


@contextmanager
def signals_unwind() -> Iterator[None]:
    """Turn terminating signals into an exception for the run, so that cleanup code runs.

    Only signals left at their default action are taken, and only in the
    main thread; the previous handlers come back afterwards.
    """
    previous: dict[int, Any] = {}
    try:
        for signum in TERMINATING:
            if signal.getsignal(signum) is signal.SIG_DFL:
                previous[signum] = signal.signal(signum, _raise_terminated)
    except ValueError:  # not the main thread: leave signals alone
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

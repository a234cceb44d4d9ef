"""The run's two text streams: report lines on stdout, messages and dimtag's log records on stderr."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from .._escape import printable


def print_line(line: str) -> None:
    """One line of a report on stdout, file names escaped; nothing when stdout is closed."""
    if sys.stdout is not None:
        sys.stdout.write(printable(line) + "\n")


def say(line: str) -> None:
    """One line on stderr, if there is a stderr (``2>&-`` closes it)."""
    if sys.stderr is not None:
        sys.stderr.write(printable(line) + "\n")


def silence_stdout() -> None:
    """Point stdout at /dev/null so that the flush at exit does not fail again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout is not a real file (tests capture it)
        pass


class _ErrorLines(logging.Handler):
    """Print this module's log records as ``dimtag: error: …`` lines on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        prefix = "dimtag: error: " if record.levelno >= logging.ERROR else ""
        say(f"{prefix}{record.getMessage()}")


@contextmanager
def cli_logging(verbose_learning: bool) -> Iterator[None]:
    """Route dimtag's log records to stderr for this run only (the host's logging is left as it was)."""
    handler = _ErrorLines()
    package = logging.getLogger("dimtag")
    previous = (package.level, package.propagate)
    package.addHandler(handler)
    package.setLevel(logging.INFO if verbose_learning else logging.WARNING)
    package.propagate = False
    try:
        yield
    finally:
        package.removeHandler(handler)
        package.setLevel(previous[0])
        package.propagate = previous[1]

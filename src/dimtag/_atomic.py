"""Atomic file writes: a temporary file beside the target, renamed on success.

This is the one place dimtag writes files that a user keeps (CLI output,
labels.csv, model files). A target that is a symlink is written through
(the link stays); a target that exists but is not a regular file (a device
such as ``/dev/null``, a FIFO) is written directly, since replacing it would
destroy it. New files follow the umask; existing ones keep their mode.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal, overload

__all__ = ["atomic_write", "TEMP_PREFIX", "remove_stale_temps"]

#: Temporary files are named ``.<target>.<random>.tmp`` beside the target.
TEMP_PREFIX = "."
_TEMP_SUFFIX = ".tmp"


def _umask() -> int:
    # os.umask() can only be read by setting it, which would change the
    # host's process state for a moment; Linux reports it in /proc.
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


@overload
def atomic_write(
    path: str | os.PathLike[str], check: Callable[[str], object] | None = ..., *, binary: Literal[False] = ...
) -> Any: ...
@overload
def atomic_write(path: str | os.PathLike[str], check: Callable[[str], object] | None = ..., *, binary: Literal[True]) -> Any: ...


@contextmanager
def atomic_write(
    path: str | os.PathLike[str], check: Callable[[str], object] | None = None, *, binary: bool = False
) -> Iterator[IO[Any]]:
    """Yield a handle (UTF-8 text, or bytes with ``binary=True``); the target changes only if the block succeeds.

    ``check`` is called with the closed temporary file's path before the
    rename; if it raises, the target is left untouched. On any failure,
    interruptions included, the temporary file is removed.
    """
    target = Path(os.path.realpath(path))
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        # A device or FIFO: nothing to make atomic, and renaming over it would replace it.
        if binary:
            with open(target, "wb") as raw:
                yield raw
        else:
            with open(target, "w", encoding="utf-8", newline="") as text:
                yield text
        return
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.name}.", suffix=_TEMP_SUFFIX, dir=target.parent)
    try:
        mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
        if binary:
            with os.fdopen(fd, "wb") as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
        if check is not None:
            check(tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def remove_stale_temps(path: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files that an interrupted write to ``path`` left behind.

    Returns the files removed.
    """
    target = Path(os.path.realpath(path))
    removed = []
    for stale in target.parent.glob(f"{TEMP_PREFIX}{target.name}.*{_TEMP_SUFFIX}"):
        try:
            stale.unlink()
            removed.append(stale)
        except OSError:
            pass
    return removed

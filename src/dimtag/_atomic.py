"""Atomic file writes: a temporary file beside the target, renamed on success."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Callable, Iterator


@contextmanager
def atomic_write(path: str | os.PathLike[str], check: Callable[[str], object] | None = None) -> Iterator[IO[str]]:
    """Yield a UTF-8 text handle; the target is replaced only if the block succeeds.

    ``check`` is called with the closed temporary file's path before the
    rename; if it raises, the target is left untouched. On any failure,
    interruptions included, the temporary file is removed.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        if check is not None:
            check(tmp)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise

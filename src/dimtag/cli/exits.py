"""How a run ends: its exit codes, and the error of a command line that cannot work."""

from __future__ import annotations

from ..errors import DimtagError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(DimtagError):
    """A command line that cannot work, found before any work starts."""

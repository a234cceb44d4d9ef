"""The one family of errors dimtag raises for bad input, files and models.

Every error a user can cause derives from :class:`DimtagError`, so that a
caller (and the command line, once, in ``main``) can catch them together
while programming errors still surface as tracebacks.
"""

from __future__ import annotations

__all__ = ["DimtagError", "DocumentError", "ModelError", "LabelsError", "ReportError", "RubricError"]


class DimtagError(Exception):
    """Base class of the errors caused by input, files or models."""


class DocumentError(DimtagError, ValueError):
    """A document that cannot be read: missing, undecodable, binary, too large or unsupported."""


class ModelError(DimtagError, RuntimeError):
    """A model file that is missing, corrupt, truncated, invalid or not the one recorded."""


class LabelsError(DimtagError, ValueError):
    """A labels file or an update file that breaks the schema; the message names file and line."""


class ReportError(DimtagError, ValueError):
    """A report that cannot be made: no document to report on, or a required aspect the model does not have."""


class RubricError(ReportError):
    """A reviewer's rubric file that cannot be used: bad TOML, an unknown key, a value out of range; names file and line."""

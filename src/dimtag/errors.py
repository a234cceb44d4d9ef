"""The one family of errors dimtag raises for bad input, files and models.

Every error a user can cause derives from :class:`DimtagError`, so that a
caller (and the command line, once, in ``main``) can catch them together
while programming errors (an argument of the wrong type: ``TypeError``)
still surface as tracebacks. Each is also the built-in exception its kind
of error has always been (``ValueError`` for a bad value), so code that
catches those keeps working.
"""

from __future__ import annotations

__all__ = [
    "DimtagError", "DocumentError", "ModelError", "LabelsError", "ReportError", "RubricError", "TextError", "ParameterError",
    "NotFittedError",
]


class DimtagError(Exception):
    """Base class of the errors caused by input, files or models."""


class DocumentError(DimtagError, ValueError):
    """A document that cannot be read: missing, undecodable, binary, too large or unsupported."""


class ModelError(DimtagError, RuntimeError):
    """A model file that is missing, corrupt, truncated, invalid or not the one recorded."""


class LabelsError(DimtagError, ValueError):
    """Training labels that break the schema.

    In a labels file or an update file the message names file and line; for
    labels given to :meth:`dimtag.Tagger.fit`, the item's index.
    """


class TextError(DimtagError, ValueError):
    """A text :func:`dimtag.tag` cannot take: nothing to tag in it, or longer than it accepts."""


class ParameterError(DimtagError, ValueError, TypeError):
    """An estimator parameter with an unknown name, a wrong type or a value out of range.

    Also ``ValueError`` and ``TypeError``, as scikit-learn's
    ``InvalidParameterError`` is.
    """


class NotFittedError(DimtagError, ValueError, AttributeError):
    """A :class:`dimtag.Tagger` used before :meth:`~dimtag.Tagger.fit` or :meth:`~dimtag.Tagger.load`.

    Also ``ValueError`` and ``AttributeError``, as scikit-learn's
    ``NotFittedError`` is, so that scikit-learn's tools recognise it.
    """


class ReportError(DimtagError, ValueError):
    """A report that cannot be made: no document to report on, or a required aspect the model does not have."""


class RubricError(ReportError):
    """A reviewer's rubric file that cannot be used: bad TOML, an unknown key, a value out of range; names file and line."""

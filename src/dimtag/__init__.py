"""dimtag: tag the sentences of Chinese self-criticism materials with six dimensions.

The core (this package) needs numpy only. The learning tools (labels,
training, evaluation, curation) are in :mod:`dimtag.learn` and need the
``train`` extra.

>>> from dimtag import tag
>>> tag("落实全面从严治党主体责任不到位。")
<Dimension.INTEGRITY: 'integrity'>
"""

from __future__ import annotations

from importlib import metadata as _metadata
from typing import Any

from .cleaning import CleanedText, Dropped, clean, clean_document
from .dimensions import Dimension
from .document import RECORD_FIELDS, TaggedDocument, TaggedSentence, tag_document, tag_file
from .errors import DimtagError, DocumentError, LabelsError, ModelError
from .framework import Framework
from .model_file import ModelMetadata
from .reading import read_document
from .roles import Role
from .segmentation import Segment, segment
from .tagger import Explanation, Tagger, explain, role, scores, tag


def report(sources: Any, **options: Any) -> Any:
    """Review a folder of materials: coverage, concreteness and copying.

    Imports :mod:`dimtag.reporting` on call (``import dimtag`` stays light);
    see :func:`dimtag.reporting.report` for the parameters. Returns a
    :class:`dimtag.reporting.Report`; ``.write("r.xlsx" | "r.html" | "r.csv")``
    writes it.
    """
    from .reporting import report as _report

    return _report(sources, **options)


try:
    __version__ = _metadata.version("dimtag")
except _metadata.PackageNotFoundError:  # running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "CleanedText",
    "Dimension",
    "DimtagError",
    "DocumentError",
    "Dropped",
    "Explanation",
    "Framework",
    "LabelsError",
    "ModelError",
    "ModelMetadata",
    "RECORD_FIELDS",
    "Role",
    "Segment",
    "TaggedDocument",
    "TaggedSentence",
    "Tagger",
    "__version__",
    "clean",
    "clean_document",
    "explain",
    "read_document",
    "report",
    "role",
    "scores",
    "segment",
    "tag",
    "tag_document",
    "tag_file",
]

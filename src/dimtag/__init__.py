"""dimtag: tag the sentences of Chinese self-criticism materials with six dimensions.

The core (this package) needs numpy only. The learning tools (labels,
training, evaluation, curation) are in :mod:`dimtag.learn` and need the
``train`` extra.

>>> from dimtag import tag
>>> tag("落实全面从严治党主体责任不到位。")
<Dimension.INTEGRITY: 'integrity'>
"""

from __future__ import annotations

from typing import Any

from ._version import __version__
from .cleaning import CleanedText, Dropped, clean, clean_document
from .dimensions import Dimension
from .document import RECORD_FIELDS, TaggedDocument, TaggedSentence, tag_document, tag_file
from .errors import DimtagError, DocumentError, LabelsError, ModelError, NotFittedError, ParameterError, TextError
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
    "NotFittedError",
    "ParameterError",
    "RECORD_FIELDS",
    "Role",
    "Segment",
    "TaggedDocument",
    "TaggedSentence",
    "Tagger",
    "TextError",
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

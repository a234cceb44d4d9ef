"""dimtag: tag the sentences of Chinese self-criticism materials with six dimensions.

>>> from dimtag import tag
>>> tag("落实全面从严治党主体责任不到位。")
<Dimension.INTEGRITY: 'integrity'>
"""

from __future__ import annotations

from importlib import metadata as _metadata

from .cleaning import clean
from .dimensions import Dimension
from .document import TaggedDocument, TaggedSentence, tag_document
from .reading import DocumentError, read_document
from .segmentation import Segment, segment
from .tagger import Explanation, ModelError, Tagger, explain, scores, tag

try:
    __version__ = _metadata.version("dimtag")
except _metadata.PackageNotFoundError:  # running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "Dimension",
    "DocumentError",
    "Explanation",
    "ModelError",
    "Segment",
    "TaggedDocument",
    "TaggedSentence",
    "Tagger",
    "__version__",
    "clean",
    "explain",
    "read_document",
    "scores",
    "segment",
    "tag",
    "tag_document",
]

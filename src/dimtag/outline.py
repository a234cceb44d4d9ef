"""What a file's reader knows about the lines of its text, for the segmenter.

The reader of a file format (:mod:`dimtag.reading`) writes these marks and
the segmenter (:mod:`dimtag.segmentation`) reads them; both import the type
from here, below them, so neither depends on the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["OutlineMark"]


@dataclass(frozen=True)
class OutlineMark:
    """What a reader (such as the .docx reader) knows about one line of the text.

    Attributes
    ----------
    start : int
        Offset of the line's first character.
    kind : {"title", "heading", "list", "header", "aspect", "row", "cell"}
        A title, a heading (Word heading style or outline level), an
        automatically numbered paragraph, a table header row, a table's
        category (a merged row, or a cell of its 方面 column), a table row,
        or one cell of a table read by column.
    level : int
        The heading level (1 = top), the list level (0 = top), or for a
        cell the number of its table row (the cells of a row share it).
    role : {"problem", "cause", "measure", "positive"} or None
        For a cell, the role its column's header names (问题, 原因, 整改措施).
    """

    start: int
    kind: Literal["title", "heading", "list", "header", "aspect", "row", "cell"]
    level: int = 0
    role: str | None = None

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
    kind : {"title", "heading", "list", "header", "row"}
        A title, a heading (Word heading style or outline level), an
        automatically numbered paragraph, a table header row, a table row.
    level : int
        The heading level (1 = top) or the list level (0 = top).
    """

    start: int
    kind: Literal["title", "heading", "list", "header", "row"]
    level: int = 0

"""A reviewer's report over a folder of materials: coverage, concreteness, copying.

Not imported by ``import dimtag``; :func:`dimtag.report` imports it on call.
Writing ``.xlsx`` needs the ``report`` extra (openpyxl, and pandas for
:meth:`Report.frames`); HTML and CSV need nothing more than the core.

Modules: :mod:`.points` (a document's points, and what each does and
covers), :mod:`.coverage`, :mod:`.concreteness`, :mod:`.shingles` and
:mod:`.copying`, :mod:`.report` (the tables), :mod:`.columns` (the tables'
columns and Chinese names), and the writers :mod:`.xlsx`, :mod:`.html`,
:mod:`.csvfiles`, which take tables.
"""

from __future__ import annotations

from .columns import Column, Table
from .copying import CopiedPassage, CopyResult, SharedFormula, SharedPassage, find_copies
from .coverage import DEFAULT_EXPECT, parse_dimensions
from .points import Point, points_of
from .report import Report, report

__all__ = [
    "DEFAULT_EXPECT",
    "Column",
    "CopiedPassage",
    "CopyResult",
    "Point",
    "Report",
    "SharedFormula",
    "SharedPassage",
    "Table",
    "find_copies",
    "parse_dimensions",
    "points_of",
    "report",
]

"""A reviewer's report over a folder of materials: coverage, concreteness, copying.

Not imported by ``import dimtag``; :func:`dimtag.report` imports it on call.
Writing ``.xlsx`` needs the ``report`` extra (openpyxl); HTML and CSV need
nothing more than the core.

Modules: :mod:`.points` (records to points), :mod:`.coverage`,
:mod:`.concreteness`, :mod:`.copying`, :mod:`.report` (the tables),
:mod:`.columns` (table and column names), and the writers :mod:`.xlsx`,
:mod:`.html`, :mod:`.csvfiles`.
"""

from __future__ import annotations

from .copying import CopiedPassage, CopyResult, SharedFormula, find_copies
from .coverage import DEFAULT_EXPECT, parse_dimensions
from .report import Report, report

__all__ = [
    "DEFAULT_EXPECT",
    "CopiedPassage",
    "CopyResult",
    "Report",
    "SharedFormula",
    "find_copies",
    "parse_dimensions",
    "report",
]

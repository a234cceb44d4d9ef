"""Write a report as an Excel workbook: one sheet per table, Chinese headers and values, frozen and filtered.

Needs the ``report`` extra (openpyxl). openpyxl rather than XlsxWriter: it
both writes and reads .xlsx, so the workbook a user gets is checked by the
same library in the tests, with one dependency; its write-only mode streams
rows, so a folder of thousands of documents fits in memory.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._atomic import atomic_write
from .columns import Table, display

__all__ = ["EXCEL_CELL_MAX", "REPORT_EXTRA_HINT", "fit_cell", "write_xlsx"]

REPORT_EXTRA_HINT = 'pip install "dimtag[report]"'
#: The most characters Excel keeps in one cell; a longer cell is cut there, with a mark saying so.
EXCEL_CELL_MAX = 32_767
# Widths (in characters) of columns that hold text; the others get a width from their heading.
_WIDE = {"text": 80, "text_a": 60, "text_b": 60, "detail": 50, "title": 36, "file": 28, "file_a": 28, "file_b": 28,
         "heading": 30, "headings": 40, "named": 24, "example": 12, "number": 16, "date": 14, "reason": 60, "unsure": 30}


def fit_cell(text: str, limit: int = EXCEL_CELL_MAX) -> str:
    """``text`` as one Excel cell: whole when it fits, else cut with a mark giving its full length.

    Examples
    --------
    >>> fit_cell("学习不够深入。")
    '学习不够深入。'
    >>> cell = fit_cell("学" * 40_000)
    >>> len(cell) == EXCEL_CELL_MAX, cell.endswith("…〔单元格只能存32,767字，此处截断；原文共40,000字，全文见CSV或HTML〕")
    (True, True)
    """
    if len(text) <= limit:
        return text
    mark = f"…〔单元格只能存{limit:,}字，此处截断；原文共{len(text):,}字，全文见CSV或HTML〕"
    return text[: limit - len(mark)] + mark


def write_xlsx(tables: Mapping[str, Table], path: str | os.PathLike[str]) -> Path:
    """Write the workbook atomically; return its path."""
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font, PatternFill
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise ImportError(f"writing .xlsx needs the report extra: {REPORT_EXTRA_HINT}") from None

    book = Workbook(write_only=True)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
    for table in tables.values():
        cols = table.shown()
        sheet = book.create_sheet(table.sheet)
        for i, col in enumerate(cols, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = _WIDE.get(col.id, max(8, 2 * len(col.heading) + 2))
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(table.rows) + 1}"
        header = []
        for col in cols:
            cell = WriteOnlyCell(sheet, value=col.heading)
            cell.font, cell.fill = bold, fill
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            cells: list[Any] = []
            for col in cols:
                value = display(col, row.get(col.id), table.names)
                if value is not None and not isinstance(value, (bool, int, float)):
                    value = fit_cell(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
                    if value.startswith("="):
                        # Text is text: "=…" from a document must never become a formula.
                        value = WriteOnlyCell(sheet, value=value)
                        value.data_type = "s"
                cells.append(value)
            sheet.append(cells)
    with atomic_write(path, binary=True) as fh:
        book.save(fh)
    return Path(path)

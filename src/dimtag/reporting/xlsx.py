"""Write a report as an Excel workbook: one sheet per table, Chinese headers, frozen and filtered.

Needs the ``report`` extra (openpyxl). openpyxl rather than XlsxWriter: it
both writes and reads .xlsx, so the workbook a user gets is checked by the
same library in the tests, with one dependency; its write-only mode streams
rows, so a folder of thousands of documents fits in memory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import atomic_write

if TYPE_CHECKING:
    from .report import Report

__all__ = ["REPORT_EXTRA_HINT", "write_xlsx"]

REPORT_EXTRA_HINT = 'pip install "dimtag[report]"'
# Widths (in characters) of columns that hold text; the others get a width from their heading.
_WIDE = {"text": 80, "text_a": 60, "text_b": 60, "detail": 50, "title": 36, "file": 28, "file_a": 28, "file_b": 28,
         "heading": 30, "named": 24, "example": 12, "number": 16, "date": 14}


def _cell_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def write_xlsx(report: Report, path: str | os.PathLike[str]) -> Path:
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
    for name, (sheet_name, cols) in report.spec.items():
        sheet = book.create_sheet(sheet_name)
        for i, (col, heading) in enumerate(cols, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = _WIDE.get(col, max(8, 2 * len(heading) + 2))
        sheet.freeze_panes = "A2"
        rows = report.tables[name]
        last = get_column_letter(len(cols))
        sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
        header = []
        for _, heading in cols:
            cell = WriteOnlyCell(sheet, value=heading)
            cell.font, cell.fill = bold, fill
            header.append(cell)
        sheet.append(header)
        for row in rows:
            cells: list[Any] = []
            for col, _ in cols:
                value = _cell_value(row.get(col))
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                    if value.startswith("="):
                        # Text is text: "=…" from a document must never become a formula.
                        value = WriteOnlyCell(sheet, value=value)
                        value.data_type = "s"
                cells.append(value)
            sheet.append(cells)
    with atomic_write(path, binary=True) as fh:
        book.save(fh)
    return Path(path)

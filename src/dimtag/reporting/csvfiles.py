"""Write a report's tables as CSV files, one per table: column ids as headers, values as they are."""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping
from pathlib import Path

from .._atomic import atomic_write
from .._escape import csv_escape_row
from .columns import Table

__all__ = ["BOM", "csv_paths", "write_csv_tables"]

#: The byte order mark Excel needs to read UTF-8.
BOM = "\ufeff"


def csv_paths(target: str | os.PathLike[str], tables: Mapping[str, Table]) -> dict[str, Path]:
    """Where each table goes: ``NAME-<table>.csv`` beside ``NAME.csv``, or ``<table>.csv`` in a folder.

    Examples
    --------
    >>> from dimtag.reporting.columns import empty_tables
    >>> tables = empty_tables(["a"])
    >>> str(csv_paths("out/review.csv", tables)["flags"]), str(csv_paths("out/", tables)["flags"])
    ('out/review-flags.csv', 'out/flags.csv')
    """
    path = str(target)
    if path.lower().endswith(".csv"):
        base = Path(path)
        return {name: base.with_name(f"{base.stem}-{name}.csv") for name in tables}
    return {name: Path(path) / f"{name}.csv" for name in tables}


def write_csv_tables(tables: Mapping[str, Table], target: str | os.PathLike[str], *, bom: bool = False) -> list[Path]:
    """Write every table; a folder target is created if missing.

    Cells a spreadsheet would run as a formula (``= + - @``…) are escaped
    as ``dimtag tag --format csv`` escapes them (:func:`dimtag._escape.csv_escape`).
    """
    paths = csv_paths(target, tables)
    next(iter(paths.values())).parent.mkdir(parents=True, exist_ok=True)
    for name, path in paths.items():
        table = tables[name]
        with atomic_write(path) as fh:
            if bom:
                fh.write(BOM)
            writer = csv.DictWriter(fh, fieldnames=[c.id for c in table.columns], extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            writer.writerows(csv_escape_row(row) for row in table.rows)
    return list(paths.values())

"""Write a report's tables as CSV files, one per table."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .._atomic import atomic_write
from .columns import TABLES, TableSpec, columns

if TYPE_CHECKING:
    from .report import Report

__all__ = ["csv_paths", "write_csv_tables"]

#: The byte order mark Excel needs to read UTF-8.
BOM = "\ufeff"


def csv_paths(target: str | os.PathLike[str], spec: TableSpec = TABLES) -> dict[str, Path]:
    """Where each table goes: ``NAME-<table>.csv`` beside ``NAME.csv``, or ``<table>.csv`` in a folder.

    Examples
    --------
    >>> str(csv_paths("out/review.csv")["flags"])
    'out/review-flags.csv'
    >>> str(csv_paths("out/")["flags"])
    'out/flags.csv'
    """
    path = str(target)
    if path.lower().endswith(".csv"):
        base = Path(path)
        return {name: base.with_name(f"{base.stem}-{name}.csv") for name in spec}
    return {name: Path(path) / f"{name}.csv" for name in spec}


def write_csv_tables(report: Report, target: str | os.PathLike[str], *, bom: bool = False) -> list[Path]:
    """Write every table (column ids as headers); a folder target is created if missing."""
    paths = csv_paths(target, report.spec)
    next(iter(paths.values())).parent.mkdir(parents=True, exist_ok=True)
    for name, path in paths.items():
        with atomic_write(path) as fh:
            if bom:
                fh.write(BOM)
            writer = csv.DictWriter(fh, fieldnames=columns(name, report.spec), extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            writer.writerows(report.tables[name])
    return list(paths.values())

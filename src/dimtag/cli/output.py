"""Where a run writes: the output checked before work starts, written atomically, and the records as text, JSONL or CSV."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .._atomic import atomic_write
from .._escape import csv_escape_row
from ..document import RECORD_FIELDS
from ..errors import DimtagError
from ..framework import Framework
from .console import silence_stdout
from .exits import UsageError


def check_output(path: str | None, inputs: Sequence[str] = ()) -> None:
    """Refuse an output path that cannot work, before any work starts."""
    if path is None:
        if sys.stdout is None:
            raise UsageError("standard output is closed; give --output FILE")
        return
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{path}: is a directory; give a file name for the output")
    if not target.parent.exists() and str(target.parent) not in ("", "."):
        raise UsageError(f"{path}: directory {target.parent} does not exist")
    real = os.path.realpath(path)
    for item in inputs:
        if item != "-" and not os.path.isdir(item) and os.path.realpath(item) == real:
            raise UsageError(f"{path}: the output would replace the input {item}")


def check_out_folder(path: str) -> None:
    """Refuse an output folder (``--out``) that is a file or has no parent folder, before any work starts."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError(f"{path}: exists and is not a directory; give a folder for --out")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise UsageError(f"{path}: directory {parent} does not exist")


class _OutputError(DimtagError):
    """Writing the output failed (a full disk)."""


@contextmanager
def writing(path: str | None) -> Iterator[None]:
    """Report a failed write of the output (``None``: stdout) as one error naming it."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        if exc.filename is not None:  # about some other file
            raise
        if path is None:
            silence_stdout()  # what is left in its buffer would fail again at exit
        raise _OutputError(f"{path or 'standard output'}: {exc.strerror or exc}") from None


@contextmanager
def open_output(path: str | None) -> Iterator[IO[str]]:
    """Yield stdout, or a temp file moved onto ``path`` only on success."""
    with writing(path):
        if path is None:
            yield sys.stdout
            sys.stdout.flush()
            return
        with atomic_write(path) as fh:
            yield fh


class RecordWriter:
    """Tagged records, one a line: tab-separated text, JSONL, or CSV headed by the record fields."""

    def __init__(self, out: IO[str], fmt: str, bom: bool = False):
        self.out, self.fmt = out, fmt
        self.csv = csv.DictWriter(out, fieldnames=RECORD_FIELDS, lineterminator="\n") if fmt == "csv" else None
        if self.csv:
            if bom:
                out.write("\ufeff")
            self.csv.writeheader()

    def write(self, record: dict[str, Any]) -> None:
        if self.csv:
            self.csv.writerow(csv_escape_row(record))
        elif self.fmt == "jsonl":
            self.out.write(json.dumps({k: record[k] for k in RECORD_FIELDS}, ensure_ascii=False) + "\n")
        else:
            dim = f"{record['dimension']} {record['dimension_zh'] or ''}".rstrip() if record["dimension"] else "-"
            self.out.write(
                f"{record['file']}:{record['index']}\t{record['role']}\t{dim}\t{record['score']:.2f}\t{record['by']}\t{record['text']}\n"
            )


def summary_table(per_doc: dict[str, Counter[str]], out: IO[str], framework: Framework) -> None:
    """Counts per label (the model's, in its order) and abstentions, per document and in total.

    Columns are headed by the label ids for the six dimensions, by the display names for another framework's labels.
    """
    columns = [*framework.labels, "none"]
    heads = [c if framework.builtin or c == "none" else str(framework.name(c)).replace(" ", "_") for c in columns]
    cell = max([14, *(len(h) for h in heads)])
    total: Counter[str] = Counter()
    width = max([len("TOTAL")] + [len(n) for n in per_doc])
    out.write(f"{'document':<{width}}  " + "  ".join(f"{h:>{cell}}" for h in heads) + f"  {'items':>6}\n")
    for name, counts in list(per_doc.items()) + [("TOTAL", None)]:
        counts = total if counts is None else counts
        if name != "TOTAL":
            total.update(counts)
        out.write(f"{name:<{width}}  " + "  ".join(f"{counts.get(c, 0):>{cell}}" for c in columns) + f"  {sum(counts.values()):>6}\n")

"""Label sets in the formats ``dimtag train`` reads, and the folds they can be cross-validated by.

Formats (:data:`READERS`; :func:`reader_for` picks one by name or file):

- ``labels``: the full ``labels.csv`` schema (``text, dimension, source,
  origin`` …, see docs/labeling.md), grouped by seed document and writer;
- ``csv`` / ``tsv``: a plain table with a text column and a label column
  (``--text-col``, ``--label-col``), optionally a role (``--role-col``) and
  a group (``--group-col``: the document or writer each row comes from);
- ``jsonl``: one JSON object per line with the same keys.

A plain label set has no seed documents or writers. With a group column,
cross-validation holds one group out at a time; without one, each label's
rows are dealt round-robin into :data:`STRATIFIED_FOLDS` folds (stratified
K-fold, deterministic). The model's metadata says which
(:attr:`LabelSet.folds`).

Readers for other formats (Label Studio, doccano exports) plug in by adding
a function to :data:`READERS`: it takes the path and the :class:`Columns`
and returns :class:`Row` tuples.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..dimensions import LABELS, NONE_LABEL
from ..errors import LabelsError
from ..fitting import MIN_ITEMS_PER_LABEL
from .labels import REQUIRED_COLUMNS, LabeledItem, check_item, items_of, read_table, read_utf8

__all__ = [
    "Columns", "Row", "LabelSet", "READERS", "FORMATS", "STRATIFIED_FOLDS", "reader_for", "read_label_set",
    "read_names",
]

#: Folds of the stratified K-fold used when a plain label set has no groups.
STRATIFIED_FOLDS = 5


@dataclass(frozen=True)
class Columns:
    """Which column (or JSON key) holds what, in a plain label set."""

    text: str = "text"
    label: str = "label"
    role: str | None = None
    group: str | None = None


class Row(NamedTuple):
    """One labeled text as a reader found it: its line (or record) number, text, label, role and group."""

    line: int
    text: str
    label: str
    role: str = ""
    group: str = ""


Reader = Callable[[Path, Columns], list[Row]]


def _table_rows(path: Path, columns: Columns, delimiter: str) -> list[Row]:
    table = read_table(path, what="label set", delimiter=delimiter)
    wanted = {"--text-col": columns.text, "--label-col": columns.label, "--role-col": columns.role, "--group-col": columns.group}
    for option, name in wanted.items():
        if name is not None and name not in table.fieldnames:
            raise LabelsError(f"{path}: no column {name!r} (columns: {', '.join(table.fieldnames) or 'none'}); give {option}")
    return [
        Row(line, row.get(columns.text, ""), row.get(columns.label, "").strip(),
            row.get(columns.role, "").strip() if columns.role else "", row.get(columns.group, "").strip() if columns.group else "")
        for line, row in table.rows
    ]


def _csv_rows(path: Path, columns: Columns) -> list[Row]:
    return _table_rows(path, columns, ",")


def _tsv_rows(path: Path, columns: Columns) -> list[Row]:
    return _table_rows(path, columns, "\t")


def _jsonl_rows(path: Path, columns: Columns) -> list[Row]:
    text = read_utf8(path, "label set")
    rows = []
    for number, line in enumerate(io.StringIO(text), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise LabelsError(f"{path}:{number}: not JSON ({exc})") from None
        if not isinstance(record, dict):
            raise LabelsError(f"{path}:{number}: expected a JSON object with {columns.text!r} and {columns.label!r}")
        for key in (columns.text, columns.label):
            if not isinstance(record.get(key), str):
                raise LabelsError(f"{path}:{number}: {key!r} missing or not a string")

        def cell(key: str | None, record: dict[str, object] = record) -> str:
            value = record.get(key) if key else None
            return "" if value is None else str(value).strip()

        rows.append(Row(number, str(record[columns.text]), cell(columns.label), cell(columns.role), cell(columns.group)))
    return rows


#: Format name -> reader. ``labels`` (the full schema) is read by :func:`read_label_set` itself.
READERS: dict[str, Reader] = {"csv": _csv_rows, "tsv": _tsv_rows, "jsonl": _jsonl_rows}
#: Every format ``dimtag train --format`` accepts.
FORMATS = ("labels", *READERS)


def reader_for(path: str | os.PathLike[str], format: str | None = None) -> str:
    """The format to read a label set with: the one given, else by the file's name and header.

    ``.jsonl`` / ``.ndjson`` are JSONL, ``.tsv`` / ``.tab`` TSV; a CSV whose
    header has the ``labels.csv`` columns (``text, dimension, source,
    origin``) is ``labels``, any other CSV ``csv``.

    Raises
    ------
    LabelsError
        A format no reader knows.
    """
    if format is not None:
        if format not in FORMATS:
            raise LabelsError(f"unknown label set format {format!r} (known: {', '.join(FORMATS)})")
        return format
    suffix = Path(path).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".tsv", ".tab"):
        return "tsv"
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            header = next(csv.reader([fh.readline()]), [])
    except OSError as exc:
        raise LabelsError(f"{path}: cannot read the label set: {exc.strerror or exc}") from None
    return "labels" if set(REQUIRED_COLUMNS) <= {h.strip() for h in header} else "csv"


@dataclass(frozen=True)
class LabelSet:
    """Labeled items ready to train on, and how they are cross-validated.

    Attributes
    ----------
    items : list of LabeledItem
    path : Path
    format : str
    folds : str
        How cross-validation splits the items, for the model's metadata.
    stratified : bool
        Whether the folds are stratified K folds (no groups) rather than groups held out.
    """

    items: list[LabeledItem]
    path: Path
    format: str
    folds: str
    stratified: bool = False

    def check_trainable(self) -> None:
        """Refuse a plain set with fewer than two labels, or a label too thin for the folds, naming the row.

        A ``labels.csv`` set is checked fold by fold when it is cross-validated
        (:func:`dimtag.learn.cv.check_folds` names the seed document or writer).

        Raises
        ------
        LabelsError
        """
        if self.format != "labels":
            _check_enough(self.path, self.items, grouped=not self.stratified)


def read_label_set(
    path: str | os.PathLike[str], format: str | None = None, columns: Columns = Columns(), *,
    labels: Sequence[str] | None = None,
) -> LabelSet:
    """Read and check a label set in any format :func:`reader_for` knows.

    Parameters
    ----------
    path : str or Path
    format : str, optional
        Default: from the file (see :func:`reader_for`).
    columns : Columns
        The columns (keys) of a plain table or JSONL.
    labels : sequence of str, optional
        The labels the set may use (those given display names); by default
        any, except that a set using some of the six dimensions may use only
        them (a misspelt dimension is refused, not trained as a new label).

    Raises
    ------
    LabelsError
        A row that cannot be read, or a label outside ``labels``; the message
        names the file and the row. (:meth:`LabelSet.check_trainable` checks
        that the labels can train.)
    """
    path = Path(path)
    fmt = reader_for(path, format)
    if fmt == "labels":
        items = items_of(read_table(path), any_label=True)
        folds = "grouped: leave-one-seed-document-out and leave-one-writer-out (labels.csv schema)"
    else:
        rows = READERS[fmt](path, columns)
        items = _plain_items(path, rows, columns)
        folds = (f"grouped by column {columns.group!r}: one group held out at a time" if columns.group
                 else f"stratified {STRATIFIED_FOLDS}-fold: each label's rows dealt round-robin (no --group-col)")
    _check_labels(path, items, labels)
    return LabelSet(items, path, fmt, folds, stratified=fmt != "labels" and columns.group is None)


def _plain_items(path: Path, rows: list[Row], columns: Columns) -> list[LabeledItem]:
    """Rows as items the grouped CV reads: each group (or stratified fold) is a "writer"."""
    dealt: Counter[str] = Counter()
    items: list[LabeledItem] = []
    first_seen: dict[str, int] = {}
    for row in rows:
        if columns.group is not None and not row.group:
            raise LabelsError(f"{path}:{row.line}: empty {columns.group!r} (the group column)")
        if row.group:
            group = f"group:{row.group}"
        else:
            group = f"fold{dealt[row.label] % STRATIFIED_FOLDS + 1}"
            dealt[row.label] += 1
        cells = {"text": row.text, "dimension": row.label, "source": "authored", "origin": "authored", "writer": group,
                 "role": row.role}
        item = check_item(cells, path, row.line, any_label=True)
        if item.text in first_seen:
            raise LabelsError(f"{path}:{row.line}: text already on line {first_seen[item.text]}: {item.text[:40]!r}")
        first_seen[item.text] = row.line
        items.append(item)
    return items


def _lines(items: Sequence[LabeledItem], most: int = 5) -> str:
    shown = ", ".join(str(it.line) for it in items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def _check_labels(path: Path, items: Sequence[LabeledItem], declared: Sequence[str] | None) -> None:
    if declared is not None:
        allowed = set(declared) | {NONE_LABEL}
        for it in items:
            if it.dimension not in allowed:
                raise LabelsError(f"{path}:{it.line}: label {it.dimension!r} has no display name (labels: {', '.join(declared)})")
        return
    builtin = set(LABELS) - {NONE_LABEL}
    if any(it.dimension in builtin for it in items):
        for it in items:
            if it.dimension not in LABELS:
                raise LabelsError(
                    f"{path}:{it.line}: unknown dimension {it.dimension!r} among the six dimensions (allowed: {', '.join(LABELS)}); "
                    "to train another framework that reuses some of their ids, declare its labels with --names"
                )


def _check_enough(path: Path, items: Sequence[LabeledItem], grouped: bool) -> None:
    """Refuse fewer than two labels, or a label too thin for every fold to train on it, naming its rows."""
    by_label: dict[str, list[LabeledItem]] = defaultdict(list)
    for it in items:
        by_label[it.dimension].append(it)
    real = [label for label in by_label if label != NONE_LABEL]
    if not items:
        raise LabelsError(f"{path}: no labeled rows")
    if len(by_label) < 2 or not real:
        only = next(iter(by_label))
        raise LabelsError(f"{path}:{items[0].line}: every row has the label {only!r}; training needs at least two labels")
    for label, mine in by_label.items():
        # The largest share of a label one fold holds out; the rest must still give the classifier
        # MIN_ITEMS_PER_LABEL items, which its own calibration splits five ways.
        if grouped:
            held = max(Counter(it.group for it in mine).values())
            how = "the folds hold one group out at a time"
        else:
            held = -(-len(mine) // STRATIFIED_FOLDS)
            how = f"stratified {STRATIFIED_FOLDS}-fold cross-validation holds a fifth out"
        if len(mine) - held < MIN_ITEMS_PER_LABEL:
            raise LabelsError(
                f"{path}:{mine[0].line}: label {label!r} has {len(mine)} rows (lines {_lines(mine)}); {how}, and every "
                f"training part needs at least {MIN_ITEMS_PER_LABEL} rows of each label: add rows of {label!r} or leave it out"
            )


def read_names(path: str | os.PathLike[str]) -> dict[str, str]:
    """Display names of labels from a two-column CSV or TSV: ``id,name`` per row (a header ``id,name`` is skipped).

    Raises
    ------
    LabelsError
        A row without two cells, an id given twice, or two ids with one name; the message names the row.
    """
    path = Path(path)
    text = read_utf8(path, "names file")
    delimiter = "\t" if "\t" in text.split("\n", 1)[0] else ","
    names: dict[str, str] = {}
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if len(cells) != 2 or not all(cells):
            raise LabelsError(f"{path}:{number}: expected two cells, a label id and its display name")
        label, name = cells
        if number == 1 and (label.lower(), name.lower()) in (("id", "name"), ("label", "name")):
            continue
        if label in names:
            raise LabelsError(f"{path}:{number}: {label!r} named twice")
        if name in names.values():
            raise LabelsError(f"{path}:{number}: {name!r} already names another label")
        names[label] = name
    if not names:
        raise LabelsError(f"{path}: no names")
    return names

"""Reading and validating ``labels.csv``, the hand-labeled training data."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .._escape import csv_unescape
from ..dimensions import LABELS, NONE_LABEL
from ..errors import LabelsError
from ..model_file import file_sha256
from ..roles import OTHER, ROLES

__all__ = [
    "LabeledItem",
    "LabelsError",
    "read_labels",
    "read_utf8",
    "read_table",
    "items_of",
    "CsvTable",
    "check_item",
    "file_sha256",
    "REQUIRED_COLUMNS",
    "COLUMNS",
    "ORIGINS",
    "SEED_WRITER",
    "LABEL_ID",
]

#: Columns every labels file must have.
REQUIRED_COLUMNS = ("text", "dimension", "source", "origin")
#: Columns dimtag writes, in order.
COLUMNS = ("text", "dimension", "role", "source", "origin", "writer", "section", "kind", "heading")
#: Where an item comes from: cut from a seed document, written by one of our
#: writers, or cut from another real document through ``dimtag suggest``.
ORIGINS = ("seed", "authored", "collected")
#: The ``writer`` of seed rows.
SEED_WRITER = "seed"
_SECTIONS = ("problem", "cause", "measure", "positive", "other", "")
_KINDS = ("item", "heading", "")


@dataclass(frozen=True)
class LabeledItem:
    """One row of ``labels.csv``."""

    text: str
    dimension: str
    source: str
    origin: str
    writer: str = ""
    role: str = ""
    section: str = ""
    kind: str = ""
    heading: str = ""
    line: int = 0

    @property
    def group(self) -> str:
        """The cross-validation group: the source document for seed and
        collected items, the writer for written ones."""
        return f"writer:{self.writer}" if self.origin == "authored" else f"doc:{self.source}"


@dataclass
class CsvTable:
    """A CSV file as read: its header, its rows with their line numbers, and how it was written.

    Cells are unescaped (see :mod:`dimtag._escape`): a cell dimtag wrote as
    ``'=…`` reads back as ``=…``.
    """

    path: Path
    fieldnames: list[str]
    rows: list[tuple[int, dict[str, str]]]
    bom: bool = False
    newline: str = "\n"
    encoding: str = "utf-8"


def read_utf8(path: str | Path, what: str) -> str:
    """The text of a UTF-8 file (a byte order mark allowed), or one LabelsError naming the file and ``what`` it is."""
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise LabelsError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise LabelsError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None


def read_table(
    path: str | os.PathLike[str], encodings: Sequence[str] = ("utf-8",), *, what: str = "labels file", delimiter: str = ",",
) -> CsvTable:
    """Read a CSV strictly; every problem is a :class:`LabelsError` that names the file.

    Parameters
    ----------
    path : str or Path
    encodings : sequence of str
        Tried in order after UTF-8 with a BOM (which is always accepted).
    what : str
        What the file is, for messages.
    delimiter : str
        ``,`` for CSV, a tab for TSV.

    Raises
    ------
    LabelsError
        The file cannot be read (missing, a directory), is in none of the
        encodings, has an unterminated quote or a malformed quoted field, a
        field over the csv module's limit, or a NUL character.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LabelsError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None
    bom = data.startswith(b"\xef\xbb\xbf")
    text = None
    if bom:
        encoding = "utf-8"
        text = _decode(path, data[3:], "utf-8")
    else:
        for encoding in encodings:
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            text = _decode(path, data, encodings[0] if encodings else "utf-8", tried=encodings)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise LabelsError(f"{path}:{line}: NUL character; the file is binary or damaged")
    first_end = text.find("\n")
    newline = "\r\n" if first_end > 0 and text[first_end - 1] == "\r" else "\n"
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter)
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        fieldnames = [csv_unescape(f) for f in reader.fieldnames or []]
        reader.fieldnames = fieldnames
        for row in reader:
            if None in row:
                raise LabelsError(f"{path}:{reader.line_num}: more cells than the header has columns")
            rows.append((reader.line_num, {k: csv_unescape(v or "") for k, v in row.items()}))
    except csv.Error as exc:
        # line_num is where the reader stopped: the end of the file for an unterminated quote.
        raise LabelsError(f"{path}:{reader.line_num}: malformed CSV ({exc}); check the quotes around that line") from None
    return CsvTable(path, fieldnames, rows, bom, newline, encoding)


def _decode(path: Path, data: bytes, encoding: str, tried: Sequence[str] = ()) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        names = " or ".join(name.upper() for name in tried or (encoding,))
        raise LabelsError(f"{path}: not {names} ({exc.reason} at byte {exc.start}); save it as UTF-8 CSV") from None


def read_labels(path: str | os.PathLike[str]) -> list[LabeledItem]:
    """Read and validate a labels file.

    Parameters
    ----------
    path : str or Path
        A UTF-8 CSV (with or without BOM) with at least the columns
        ``text, dimension, source, origin``.

    Returns
    -------
    list of LabeledItem

    Raises
    ------
    LabelsError
        On a file that cannot be read or parsed, a missing column, an
        unknown label, origin, section or kind, an empty text, or a text
        that appears twice. The message gives the file and the line.
    """
    return items_of(read_table(path))


def items_of(table: CsvTable, name: str | os.PathLike[str] | None = None, *, any_label: bool = False) -> list[LabeledItem]:
    """Validate a table read by :func:`read_table` as labels; messages name ``name`` (default its path).

    With ``any_label`` the ``dimension`` column may hold any label id (a
    label set of another framework); otherwise one of :data:`dimtag.dimensions.LABELS`.
    """
    shown = Path(name) if name is not None else table.path
    missing = [c for c in REQUIRED_COLUMNS if c not in table.fieldnames]
    if missing:
        raise LabelsError(
            f"{shown}: missing column(s) {', '.join(missing)}; a plain table of texts and labels trains with "
            "dimtag train --format csv --text-col TEXT --label-col LABEL"
        )
    items = [_item(shown, line, row, any_label) for line, row in table.rows]
    first_seen: dict[str, int] = {}
    for item in items:
        if item.text in first_seen:
            raise LabelsError(f"{shown}:{item.line}: text already on line {first_seen[item.text]}: {item.text[:40]!r}")
        first_seen[item.text] = item.line
    return items


#: What a label id may look like in a label set of another framework: no spaces, commas or quotes.
LABEL_ID = re.compile(r"^[^\s,;\"'<>]{1,64}$")


def _item(path: str | os.PathLike[str], line: int, row: Mapping[str, str | None], any_label: bool = False) -> LabeledItem:
    def get(name: str) -> str:
        return (row.get(name) or "").strip()

    item = LabeledItem(
        text=get("text"),
        dimension=get("dimension"),
        source=get("source"),
        origin=get("origin"),
        writer=get("writer") or (SEED_WRITER if get("origin") == "seed" else ""),
        role=get("role"),
        section=get("section"),
        kind=get("kind"),
        heading=get("heading"),
        line=line,
    )
    checks = (
        (bool(item.text), "empty text"),
        (bool(LABEL_ID.match(item.dimension)) if any_label else item.dimension in LABELS,
         f"label {item.dimension!r} is not a label id (1 to 64 characters, no spaces, commas or quotes)" if any_label
         else f"unknown dimension {item.dimension!r} (allowed: {', '.join(LABELS)})"),
        (item.origin in ORIGINS, f"unknown origin {item.origin!r} (allowed: {', '.join(ORIGINS)})"),
        (bool(item.source), "empty source"),
        (item.origin != "authored" or item.source == "authored", "authored items must have source 'authored'"),
        (item.origin != "authored" or bool(item.writer), "authored items need a writer id"),
        (item.section in _SECTIONS, f"unknown section {item.section!r}"),
        (item.role in ROLES or not item.role, f"unknown role {item.role!r} (allowed: {', '.join(ROLES)})"),
        (not item.role or (item.role == OTHER) == (item.dimension == NONE_LABEL),
         f"role {item.role!r} with dimension {item.dimension!r}: an item has no dimension (none) exactly when its role is other"),
        (item.kind in _KINDS, f"unknown kind {item.kind!r}"),
    )
    for ok, message in checks:
        if not ok:
            raise LabelsError(f"{path}:{line}: {message}")
    return item


def check_item(row: Mapping[str, str | None], name: str | os.PathLike[str], line: int, *, any_label: bool = False) -> LabeledItem:
    """Validate one row as a labels item; errors name ``name:line`` (``any_label``: see :func:`items_of`)."""
    return _item(name, line, row, any_label)

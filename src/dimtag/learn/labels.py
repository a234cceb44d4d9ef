"""Reading and validating ``labels.csv``, the hand-labeled training data."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..dimensions import LABELS
from ..errors import LabelsError
from ..model_file import file_sha256

__all__ = [
    "LabeledItem",
    "LabelsError",
    "read_labels",
    "file_sha256",
    "REQUIRED_COLUMNS",
    "COLUMNS",
    "ORIGINS",
    "SEED_WRITER",
]

#: Columns every labels file must have.
REQUIRED_COLUMNS = ("text", "dimension", "source", "origin")
#: Columns dimtag writes, in order.
COLUMNS = ("text", "dimension", "source", "origin", "writer", "section", "kind", "heading")
#: Where an item comes from: cut from a seed document, written by one of our
#: writers, or cut from another real document through ``dimtag suggest``.
ORIGINS = ("seed", "authored", "collected")
#: The ``writer`` of seed rows.
SEED_WRITER = "seed"
_SECTIONS = ("problem", "cause", "measure", "other", "")
_KINDS = ("item", "heading", "")


@dataclass(frozen=True)
class LabeledItem:
    """One row of ``labels.csv``."""

    text: str
    dimension: str
    source: str
    origin: str
    writer: str = ""
    section: str = ""
    kind: str = ""
    heading: str = ""
    line: int = 0

    @property
    def group(self) -> str:
        """The cross-validation group: the source document for seed and
        collected items, the writer for written ones."""
        return f"writer:{self.writer}" if self.origin == "authored" else f"doc:{self.source}"


def read_labels(path: str | Path) -> list[LabeledItem]:
    """Read and validate a labels file.

    Parameters
    ----------
    path : str or Path
        A UTF-8 CSV with at least the columns ``text, dimension, source, origin``.

    Returns
    -------
    list of LabeledItem

    Raises
    ------
    LabelsError
        On a missing column, an unknown label, origin, section or kind, an
        empty text, or a text that appears twice. The message gives the line.
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise LabelsError(f"{path}: missing column(s) {', '.join(missing)}")
            items = [_item(path, reader.line_num, row) for row in reader]
    except UnicodeDecodeError as exc:
        raise LabelsError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    first_seen: dict[str, int] = {}
    for item in items:
        if item.text in first_seen:
            raise LabelsError(f"{path}:{item.line}: text already on line {first_seen[item.text]}: {item.text[:40]!r}")
        first_seen[item.text] = item.line
    return items


def _item(path: Path, line: int, row: dict[str, str | None]) -> LabeledItem:
    def get(name: str) -> str:
        return (row.get(name) or "").strip()

    item = LabeledItem(
        text=get("text"),
        dimension=get("dimension"),
        source=get("source"),
        origin=get("origin"),
        writer=get("writer") or (SEED_WRITER if get("origin") == "seed" else ""),
        section=get("section"),
        kind=get("kind"),
        heading=get("heading"),
        line=line,
    )
    checks = (
        (bool(item.text), "empty text"),
        (item.dimension in LABELS, f"unknown dimension {item.dimension!r} (allowed: {', '.join(LABELS)})"),
        (item.origin in ORIGINS, f"unknown origin {item.origin!r} (allowed: {', '.join(ORIGINS)})"),
        (bool(item.source), "empty source"),
        (item.origin != "authored" or item.source == "authored", "authored items must have source 'authored'"),
        (item.origin != "authored" or bool(item.writer), "authored items need a writer id"),
        (item.section in _SECTIONS, f"unknown section {item.section!r}"),
        (item.kind in _KINDS, f"unknown kind {item.kind!r}"),
    )
    for ok, message in checks:
        if not ok:
            raise LabelsError(f"{path}:{line}: {message}")
    return item

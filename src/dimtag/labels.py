"""Reading and validating ``labels.csv``, the hand-labeled training data."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from .dimensions import LABELS

__all__ = ["LabeledItem", "LabelsError", "read_labels", "file_sha256", "REQUIRED_COLUMNS", "COLUMNS"]

#: Columns every labels file must have.
REQUIRED_COLUMNS = ("text", "dimension", "source", "origin")
#: Columns dimtag writes, in order.
COLUMNS = ("text", "dimension", "source", "origin", "section", "kind", "heading")
_ORIGINS = ("seed", "authored")
_SECTIONS = ("problem", "cause", "measure", "other", "")
_KINDS = ("item", "heading", "")


class LabelsError(ValueError):
    """A labels file that breaks the schema; the message names file and line."""


@dataclass(frozen=True)
class LabeledItem:
    """One row of ``labels.csv``."""

    text: str
    dimension: str
    source: str
    origin: str
    section: str = ""
    kind: str = ""
    heading: str = ""
    line: int = 0


def file_sha256(path: str | Path) -> str:
    """Return the hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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
        with open(path, encoding="utf-8", newline="") as fh:
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
        section=get("section"),
        kind=get("kind"),
        heading=get("heading"),
        line=line,
    )
    checks = (
        (bool(item.text), "empty text"),
        (item.dimension in LABELS, f"unknown dimension {item.dimension!r} (allowed: {', '.join(LABELS)})"),
        (item.origin in _ORIGINS, f"unknown origin {item.origin!r} (allowed: seed, authored)"),
        (bool(item.source), "empty source"),
        (item.origin != "authored" or item.source == "authored", "authored items must have source 'authored'"),
        (item.section in _SECTIONS, f"unknown section {item.section!r}"),
        (item.kind in _KINDS, f"unknown kind {item.kind!r}"),
    )
    for ok, message in checks:
        if not ok:
            raise LabelsError(f"{path}:{line}: {message}")
    return item

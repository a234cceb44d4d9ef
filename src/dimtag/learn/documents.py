"""Annotated documents: the ⟦…⟧ source format, the gold units it gives, and their alignment to tagged items.

A source is a document as it would appear, one paragraph a line, with an
annotation in ⟦ ⟧ after every sentence and heading (see
``data/documents/ANNOTATION_BRIEF.md``):

- ``⟦other⟧``, or ``⟦ROLE DIM⟧`` / ``⟦ROLE DIM pN⟧`` after a sentence, where ROLE
  is problem, cause, measure or positive and DIM a label;
- ``⟦H⟧``, ``⟦H PART⟧``, ``⟦H DIM⟧`` or ``⟦H PART DIM⟧`` after a heading.

A line with no annotation continues its sentence on the next line (a line
broken mid-sentence, as in web copies). :func:`parse_annotated` returns the
raw text (annotations removed) and the gold units with their offsets in it;
:func:`align` maps the items a tagger cut from that text to the gold units,
by position on the letters, digits and ideographs of both, so cleaning,
punctuation width and numbering that one side adds or drops do not matter.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..dimensions import LABELS, NONE_LABEL
from ..errors import LabelsError
from ..roles import OTHER, ROLES

__all__ = [
    "GoldUnit", "AnnotatedDocument", "parse_annotated", "read_corpus", "SECOND_COLUMNS", "read_second_reading",
    "second_document", "text_key", "align", "unit_of_item",
]

_NOTE = re.compile(r"⟦([^⟧]*)⟧")
_POINT = re.compile(r"^p(\d+)$")
_PARTS = tuple(r for r in ROLES if r != OTHER)


@dataclass(frozen=True)
class GoldUnit:
    """One annotated sentence or heading.

    Attributes
    ----------
    text : str
        The unit as written (a line broken inside it is joined without the break).
    start, end : int
        Its span in :attr:`AnnotatedDocument.text`.
    kind : {"item", "heading"}
    role : str or None
        The item's role; for a heading, the part it opens (or None).
    dimension : str or None
        The item's dimension (None for ``other``); for a heading, the one it names.
    point : str or None
        ``pN`` for the sentences of enumerated point N.
    part : str or None
        The part (role) named by the last part heading above the unit.
    heading_dimension : str or None
        The dimension named by the last heading above the unit that names one,
        within the current part.
    """

    text: str
    start: int
    end: int
    kind: str
    role: str | None
    dimension: str | None
    point: str | None = None
    part: str | None = None
    heading_dimension: str | None = None


@dataclass
class AnnotatedDocument:
    """A parsed source: its raw text, its gold units, and what its index says about it."""

    name: str
    writer: str
    text: str
    units: list[GoldUnit]
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def items(self) -> list[GoldUnit]:
        return [u for u in self.units if u.kind == "item"]

    @property
    def styles(self) -> list[str]:
        return [s.strip() for s in self.meta.get("styles", "").split(",") if s.strip()]


def _parse_note(note: str, where: str, labels: Sequence[str]) -> tuple[str, str | None, str | None, str | None]:
    """(kind, role, dimension, point) of one annotation."""
    words = note.split()
    if not words:
        raise ValueError(f"{where}: empty annotation")
    if words[0] == "H":
        part = next((w for w in words[1:] if w in _PARTS), None)
        dim = next((w for w in words[1:] if w in labels), None)
        extra = [w for w in words[1:] if w not in (part, dim)]
        if extra:
            raise ValueError(f"{where}: unknown word(s) {extra} in heading annotation ⟦{note}⟧")
        return "heading", part, dim, None
    role, rest = words[0], words[1:]
    if role not in ROLES:
        raise ValueError(f"{where}: unknown role {role!r} in ⟦{note}⟧ (allowed: {', '.join(ROLES)}, H)")
    point = next((w for w in rest if _POINT.match(w)), None)
    dims = [w for w in rest if w != point]
    if role == OTHER:
        if dims:
            raise ValueError(f"{where}: ⟦{note}⟧: other takes no dimension")
        return "item", role, None, point
    if len(dims) != 1 or dims[0] not in labels or dims[0] == NONE_LABEL:
        raise ValueError(f"{where}: ⟦{note}⟧: {role} needs one dimension of {', '.join(x for x in labels if x != NONE_LABEL)}")
    return "item", role, dims[0], point


def parse_annotated(source: str, name: str = "<source>", writer: str = "", labels: Sequence[str] = LABELS) -> AnnotatedDocument:
    """Parse an annotated source into its raw text and gold units.

    Raises
    ------
    ValueError
        An annotation that does not parse, or one that follows no text, naming the line.

    Examples
    --------
    >>> doc = parse_annotated("一、存在的问题⟦H problem⟧\\n一是学习不深。⟦problem theory p1⟧以上发言。⟦other⟧")
    >>> doc.text
    '一、存在的问题\\n一是学习不深。以上发言。'
    >>> [(u.kind, u.role, u.dimension, u.part) for u in doc.units]
    [('heading', 'problem', None, None), ('item', 'problem', 'theory', 'problem'), ('item', 'other', None, 'problem')]
    """
    out: list[str] = []
    units: list[GoldUnit] = []
    pos = 0
    # The current unit's pieces, as (start, text): a unit may run over a broken line.
    pending: list[tuple[int, str]] = []
    part: str | None = None
    heading_dim: str | None = None
    lines = source.replace("\r\n", "\n").split("\n")
    for number, line in enumerate(lines, 1):
        cursor = 0
        for match in _NOTE.finditer(line):
            piece = line[cursor : match.start()]
            out.append(piece)
            pending.append((pos, piece))
            pos += len(piece)
            cursor = match.end()
            kind, role, dim, point = _parse_note(match.group(1), f"{name}:{number}", labels)
            joined = "".join(t for _, t in pending)
            if not joined.strip():
                raise ValueError(f"{name}:{number}: annotation ⟦{match.group(1)}⟧ follows no text")
            first = next((a, t) for a, t in pending if t.strip())
            last = next((a, t) for a, t in reversed(pending) if t.strip())
            start = first[0] + len(first[1]) - len(first[1].lstrip())
            end = last[0] + len(last[1].rstrip())
            pending = []
            text = "".join(t.strip() for t in joined.split("\n"))
            units.append(GoldUnit(text, start, end, kind, role, dim, point, part, heading_dim))
            if kind == "heading":
                if role is not None:
                    part, heading_dim = role, dim
                elif dim is not None:
                    heading_dim = dim
        tail = line[cursor:]
        out.append(tail)
        pending.append((pos, tail))
        pos += len(tail)
        if number < len(lines):
            out.append("\n")
            pending.append((pos, "\n"))
            pos += 1
    if any(t.strip() for _, t in pending):
        raise ValueError(f"{name}: the text after the last annotation has none")
    return AnnotatedDocument(name, writer, "".join(out), units)


def read_corpus(directory: str | Path) -> list[AnnotatedDocument]:
    """Every annotated source under ``directory/<writer>/``, with its ``index.tsv`` row, sorted by name."""
    docs = []
    for folder in sorted(p for p in Path(directory).iterdir() if p.is_dir()):
        meta: dict[str, dict[str, str]] = {}
        index = folder / "index.tsv"
        if index.is_file():
            with open(index, encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh, delimiter="\t"):
                    meta[(row.get("file") or "").strip()] = {k: (v or "").strip() for k, v in row.items() if k}
        for path in sorted(folder.glob("*.txt")):
            doc = parse_annotated(path.read_text(encoding="utf-8"), path.name, folder.name)
            doc.meta = meta.get(path.name, {})
            docs.append(doc)
    return docs


#: The columns of a second reading's file, one line per item of its document.
SECOND_COLUMNS = ("n", "role", "dimension")


def read_second_reading(directory: str | Path, documents: Sequence[AnnotatedDocument]) -> dict[str, list[tuple[str, str | None]]]:
    """A second annotator's (role, dimension) for every item of some documents, by document name.

    ``directory`` holds ``<document stem>.tsv`` files (``index.tsv`` says who
    read which, and is skipped here) with the columns of
    :data:`SECOND_COLUMNS`: the item's number (1, 2, … over the document's
    items in order), its role and its dimension (``none`` with ``other``
    and only there). The second reading is made blind to the first, so the
    two measure how far careful readers agree.

    Raises
    ------
    LabelsError
        A file for no known document, a missing or extra item, or a label
        outside the schema, naming file and line.
    """
    by_stem = {Path(d.name).stem: d for d in documents}
    out: dict[str, list[tuple[str, str | None]]] = {}
    for path in sorted(p for p in Path(directory).glob("*.tsv") if p.name != "index.tsv"):
        doc = by_stem.get(path.stem)
        if doc is None:
            raise LabelsError(f"{path}: no annotated document named {path.stem}.txt")
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t"))
        if not rows or tuple(c.strip() for c in rows[0]) != SECOND_COLUMNS:
            raise LabelsError(f"{path}:1: header must be {' '.join(SECOND_COLUMNS)}")
        labels: list[tuple[str, str | None]] = []
        for line, row in enumerate(rows[1:], 2):
            cells = [c.strip() for c in row]
            if len(cells) != len(SECOND_COLUMNS) or cells[0] != str(len(labels) + 1):
                raise LabelsError(f"{path}:{line}: expected item {len(labels) + 1} with a role and a dimension, got {row!r}")
            role, dim = cells[1], cells[2]
            if role not in ROLES or (dim != NONE_LABEL and dim not in LABELS) or (role == OTHER) != (dim == NONE_LABEL):
                raise LabelsError(f"{path}:{line}: role {role!r} with dimension {dim!r} breaks the schema")
            labels.append((role, None if dim == NONE_LABEL else dim))
        if len(labels) != len(doc.items):
            raise LabelsError(f"{path}: {len(labels)} items, but {doc.name} has {len(doc.items)}")
        out[doc.name] = labels
    return out


def second_document(document: AnnotatedDocument, labels: Sequence[tuple[str, str | None]]) -> AnnotatedDocument:
    """``document`` with its items' role and dimension taken from a second reading (headings kept)."""
    items = iter(labels)
    units = []
    for unit in document.units:
        if unit.kind == "item":
            role, dim = next(items)
            unit = replace(unit, role=role, dimension=dim)
        units.append(unit)
    return AnnotatedDocument(document.name, document.writer, document.text, units, dict(document.meta))


def text_key(text: str) -> tuple[str, np.ndarray]:
    """The letters, digits and ideographs of ``text`` (NFKC, lower case), and the index each came from."""
    chars, where = [], []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch).lower():
            if c.isalnum():
                chars.append(c)
                where.append(i)
    return "".join(chars), np.asarray(where, dtype=np.intp)


# A unit this short may also occur elsewhere ("问题"), so it is only looked for near where the previous
# unit ended.
_SHORT_KEY = 8
_NEAR = 50


def align(unit_texts: Sequence[str], text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int] | None]:
    """Find each unit in ``text`` and return, per unit, (best item index, overlap) or None when not found.

    ``spans`` are the items' (start, end) offsets in ``text``; the best item
    is the one overlapping most of the unit (-1 when the unit is found but no
    item overlaps it, for example a heading). Units are looked for in order.
    """
    key, where = text_key(text)
    item_spans = [(int(np.searchsorted(where, a)), int(np.searchsorted(where, b))) for a, b in spans]
    out: list[tuple[int, int] | None] = []
    cursor, skipped = 0, 0
    for unit in unit_texts:
        k, _ = text_key(unit)
        found = key.find(k, cursor) if k else -1
        if found >= 0 and len(k) < _SHORT_KEY and found - cursor > _NEAR + skipped:
            found = -1
        if found < 0:
            skipped += len(k)
            out.append(None)
            continue
        a, b = found, found + len(k)
        cursor, skipped = b, 0
        best, best_overlap = -1, 0
        for j, (start, end) in enumerate(item_spans):
            overlap = min(b, end) - max(a, start)
            if overlap > best_overlap:
                best, best_overlap = j, overlap
        out.append((best, best_overlap))
    return out


def unit_of_item(alignment: Sequence[tuple[int, int] | None], n_items: int) -> list[int]:
    """For each item, the unit that it overlaps most (-1 for none), from :func:`align`'s result."""
    best = [-1] * n_items
    overlap = [0] * n_items
    for u, found in enumerate(alignment):
        if found is None or found[0] < 0:
            continue
        item, size = found
        if size > overlap[item]:
            best[item], overlap[item] = u, size
    return best


def as_dict(unit: GoldUnit) -> dict[str, Any]:
    """A unit as a JSON-ready dict."""
    return {"text": unit.text, "kind": unit.kind, "role": unit.role, "dimension": unit.dimension, "point": unit.point,
            "part": unit.part, "heading_dimension": unit.heading_dimension}

"""Turning a raw document into candidate rows for ``labels.csv``.

It cleans and segments with the library's own code, so the rows are exactly
the items that :func:`dimtag.tag_document` would tag, plus the headings.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import IO, Any

from .._escape import csv_escape_row, printable
from ..dimensions import NONE_LABEL
from ..document import tag_file
from ..tagger import Tagger
from .labels import COLUMNS

__all__ = ["extract_items", "is_seed_document", "write_items"]

#: Where the seed documents live in a source checkout; only their rows are ``origin=seed``.
SEED_FOLDER = ("data", "seeds")


def is_seed_document(path: str | os.PathLike[str]) -> bool:
    """Whether a file is one of the project's seed documents: it sits directly in a ``data/seeds/`` folder.

    Examples
    --------
    >>> is_seed_document("data/seeds/000_x.txt"), is_seed_document("/tmp/new.txt"), is_seed_document("seeds/a.txt")
    (True, False, False)
    """
    parent = Path(os.path.abspath(path)).parent
    return (parent.parent.name, parent.name) == SEED_FOLDER


def extract_items(
    path: str | os.PathLike[str], *, source_name: str | None = None, tagger: Tagger | None = None,
    origin: str | None = None,
) -> list[dict[str, str]]:
    """Return one labels.csv row per item and heading of a document file.

    The ``dimension`` column holds a guess to confirm or correct: the
    document tagger's answer for items (the same decision as
    :func:`dimtag.tag_file`; ``none`` where it abstains), the dimension a
    heading names for headings (``none`` if it names none).

    Parameters
    ----------
    path : str or Path
        The document.
    source_name : str, optional
        The ``source`` column; default the file name.
    tagger : Tagger, optional
        Default: the model of :func:`dimtag.tag`.
    origin : str, optional
        The ``origin`` column. Default: ``seed`` for a document of
        ``data/seeds/`` (:func:`is_seed_document`), ``collected`` for any other
        real document, so that a new document never joins the seed documents
        that evaluation groups by.
    """
    if origin is None:
        origin = "seed" if is_seed_document(path) else "collected"
    doc = tag_file(path, tagger=tagger)
    source_value = source_name or printable(Path(path).name)
    writer = "seed" if origin == "seed" else ""
    return [
        {
            "text": text, "dimension": dimension, "source": source_value, "origin": origin, "writer": writer,
            "section": section, "kind": kind, "heading": heading or "",
        }
        for kind, text, dimension, section, heading in _in_order(doc)
    ]


def _in_order(doc: Any) -> list[tuple[str, str, str, str, str | None]]:
    """Headings and items of a tagged document, in text order, as row tuples."""
    rows: list[tuple[int, tuple[str, str, str, str, str | None]]] = []
    # A heading that makes a claim is also tagged as an item; it is one row, of kind heading, with the item's answer.
    claims = {s.start: s for s in doc if any(h.start == s.start for h in doc.headings)}
    for h in doc.headings:
        claim = claims.get(h.start)
        named = claim.dimension if claim is not None else h.heading_dimension
        rows.append((h.start, ("heading", h.text, str(named) if named else NONE_LABEL, h.section, None)))
    for s in doc:
        if s.start not in claims:
            rows.append((s.start, ("item", s.text, str(s.dimension) if s.dimension else NONE_LABEL, s.section, s.heading)))
    return [r for _, r in sorted(rows, key=lambda r: r[0])]


def write_items(rows: list[dict[str, str]], out: IO[str]) -> None:
    """Write rows as CSV with the labels.csv header; cells a spreadsheet would run as formulas are escaped."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_escape_row(r) for r in rows)

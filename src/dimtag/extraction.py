"""Turning a raw document into candidate rows for ``labels.csv``.

It cleans and segments with the library's own code, so the rows are exactly
the items that :func:`dimtag.tag_document` would tag, plus the headings.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO

from .cleaning import clean
from .dimensions import NONE_LABEL
from .labels import COLUMNS
from .reading import DocumentSource, read_document
from .segmentation import heading_dimension, segment
from .tagger import Tagger, default_tagger

__all__ = ["extract_items", "write_items"]


def extract_items(
    source: DocumentSource, *, source_name: str | None = None, tagger: Tagger | None = None
) -> list[dict[str, str]]:
    """Return one labels.csv row per item and heading of a document.

    The ``dimension`` column holds a guess to confirm or correct: the
    dimension a section heading names, else the model's; part headings and
    the title get ``none``.

    Parameters
    ----------
    source : str, path, bytes or binary file object
        The document.
    source_name : str, optional
        The ``source`` column; default the file name.
    tagger : Tagger, optional
        Default: the shipped model.
    """
    tagger = tagger or default_tagger()
    name, raw = read_document(source)
    segments = segment(clean(raw))
    items = [s for s in segments if s.kind == "item"]
    guesses = iter(tagger.tag([s.text for s in items]) if items else [])
    source_value = source_name or Path(name).name
    rows = []
    for seg in segments:
        if seg.kind == "item":
            guess = next(guesses)
            dimension = (seg.heading_dimension or guess).value
        else:
            named = heading_dimension(seg.text) if seg.kind == "section" else None
            dimension = named.value if named else NONE_LABEL
        rows.append(
            {
                "text": seg.text,
                "dimension": dimension,
                "source": source_value,
                "origin": "seed",
                "section": seg.section,
                "kind": "item" if seg.kind == "item" else "heading",
                "heading": seg.heading or "",
            }
        )
    return rows


def write_items(rows: list[dict[str, str]], out: IO[str]) -> None:
    """Write rows as CSV with the labels.csv header."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)

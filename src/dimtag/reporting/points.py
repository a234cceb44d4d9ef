"""Points: the problems, causes and measures of a document, each counted once.

A point is one problem (or cause, or measure) as its writer enumerated it:
``一是…``, ``1.…``, possibly several sentences. The records of
:meth:`dimtag.TaggedDocument.to_records` are sentences; :func:`point_key` is
the ONE place that says which records make one point.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["Point", "point_key", "points_of"]


@dataclass(frozen=True)
class Point:
    """A problem, cause or measure: one or more consecutive records.

    Attributes
    ----------
    file : str
        The document.
    id : int
        Position among the document's points, from 0.
    section : {"problem", "cause", "measure", "other"}
    dimension : str or None
        The dimension id of the point (see :func:`points_of`).
    start, end : int
        Offsets into the document's cleaned text.
    text : str
        The point's sentences, joined.
    records : tuple of int
        The ``index`` of each record in the point.
    """

    file: str
    id: int
    section: str
    dimension: str | None
    start: int
    end: int
    text: str
    records: tuple[int, ...]


def point_key(record: dict[str, Any]) -> Hashable:
    """Which point a record belongs to: records with equal keys in a row make one point.

    The segmenter's ``point`` id (see :class:`dimtag.TaggedSentence`); a record
    outside any enumerated point (``point`` is None) is a point of its own.
    """
    point = record.get("point")
    key: Hashable = ("item", record["index"]) if point is None else ("point", point)
    return key


def points_of(records: Iterable[dict[str, Any]]) -> list[Point]:
    """Group one document's records into points, in document order.

    A point's dimension is the one its records share when a heading gave it;
    otherwise the dimension most of its records have (the first one on a
    tie); None when none of its records has one.

    Examples
    --------
    >>> records = [
    ...     {"file": "a", "index": 0, "start": 0, "end": 4, "section": "problem", "dimension": "theory",
    ...      "by": "model", "text": "学习不够。"},
    ...     {"file": "a", "index": 1, "start": 5, "end": 9, "section": "problem", "dimension": None,
    ...      "by": "model", "text": "以上发言。"},
    ... ]
    >>> [(p.id, p.dimension, p.text) for p in points_of(records)]
    [(0, 'theory', '学习不够。'), (1, None, '以上发言。')]
    """
    groups: list[list[dict[str, Any]]] = []
    last: Hashable = object()
    for record in records:
        key = point_key(record)
        if groups and key == last:
            groups[-1].append(record)
        else:
            groups.append([record])
        last = key
    return [_point(i, group) for i, group in enumerate(groups)]


def _point(i: int, group: list[dict[str, Any]]) -> Point:
    by_heading = [r["dimension"] for r in group if r.get("by") == "heading" and r["dimension"]]
    votes = Counter(r["dimension"] for r in group if r["dimension"])
    dimension = by_heading[0] if by_heading else (max(votes, key=lambda d: votes[d]) if votes else None)
    first = group[0]
    return Point(
        first["file"], i, first["section"], dimension, first["start"], group[-1]["end"],
        "".join(r["text"] for r in group), tuple(r["index"] for r in group),
    )

"""Points: the problems, causes, measures and strengths of a document, each counted once.

A point is one problem (or cause, measure, strength) as its writer
enumerated it: ``一是…``, ``1.…``, possibly several sentences; the
segmenter's ``point`` id says which items make one (an item outside any
enumeration is a point of its own). :func:`points_of` builds them from a
:class:`~dimtag.TaggedDocument`; what a point does (its role) and which
aspect it covers are decided where items are decided, in
:mod:`dimtag.decision` (:func:`~dimtag.decision.decide_point` and
:func:`~dimtag.decision.governed_aspects`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from ..decision import decide_point, governed_aspects
from ..document import TaggedDocument, TaggedSentence
from ..lexicon import dimension_named
from ..roles import Role
from ..tagger import Label

__all__ = ["Point", "aspect_of", "points_of"]


@dataclass(frozen=True)
class Point:
    """A problem, cause, measure or strength: one or more consecutive items of a document.

    Attributes
    ----------
    file : str
        The document.
    id : int
        Position among the document's points, from 0.
    role : Role
        What the point does (see :func:`dimtag.decision.decide_point`).
    dimension : Dimension or str or None
        The aspect the point covers; None when its role is ``other`` or
        nothing gives it one.
    aspect : Dimension or str or None
        The aspect heading the writer put it under, when that heading
        governs it (see the module docstring).
    start, end : int
        Offsets into the document's cleaned text.
    text : str
        The point's items, joined.
    items : tuple of int
        The ``index`` of each item in the point.
    role_score : float
        The mean probability of the items' roles: how sure the reading of
        what the point does is.
    """

    file: str
    id: int
    role: Role
    dimension: Label | None
    aspect: Label | None
    start: int
    end: int
    text: str
    items: tuple[int, ...]
    role_score: float


def aspect_of(item: TaggedSentence, labels: Sequence[Label]) -> tuple[tuple[str, ...], Label | None]:
    """The innermost heading over ``item`` that names one of ``labels``: its chain, and the label.

    ``((), None)`` when no heading over the item names an aspect.

    Examples
    --------
    >>> from dimtag import Dimension, tag_document
    >>> doc = tag_document("一、存在的问题\\n（四）担当作为方面\\n一是遇到矛盾绕着走。")
    >>> aspect_of(doc[0], list(Dimension))
    (('一、存在的问题', '（四）担当作为方面'), <Dimension.RESPONSIBILITY: 'responsibility'>)
    """
    by_id = {str(label): label for label in labels}
    for depth in range(len(item.headings), 0, -1):
        named = dimension_named(item.headings[depth - 1])
        if named is not None and named.value in by_id:
            return item.headings[:depth], by_id[named.value]
    return (), None


def _groups(items: Sequence[TaggedSentence]) -> list[list[TaggedSentence]]:
    """Consecutive items with the same point id; an item outside any point is a group of its own.

    A point whose last items all play another role than the rest (measures
    written after the last problem, which the segmenter reads as part of
    it) is split there, and the tail is one point a run of items with the
    same dimension.
    """
    groups: list[list[TaggedSentence]] = []
    last: Hashable = object()
    for s in items:
        key: Hashable = ("item", s.index) if s.point is None else ("point", s.point)
        if groups and key == last:
            groups[-1].append(s)
        else:
            groups.append([s])
        last = key
    return [part for group in groups for part in _split_tail(group)]


def _split_tail(group: list[TaggedSentence]) -> list[list[TaggedSentence]]:
    """``group`` split before each tail of items that all play one role, other than the role of what precedes them."""
    parts: list[list[TaggedSentence]] = []
    while True:
        speaking = [i for i, s in enumerate(group) if s.role.speaks]
        if not speaking:
            break
        tail_role = group[speaking[-1]].role
        cut = speaking[-1]
        for i in reversed(speaking):
            if group[i].role != tail_role:
                break
            cut = i
        head = group[:cut]
        if cut == speaking[0] or decide_point(head)[0] == tail_role:
            break
        parts[:0] = _by_dimension(group[cut:])
        group = head
    return [group, *parts]


def _by_dimension(items: list[TaggedSentence]) -> list[list[TaggedSentence]]:
    """A split-off tail as points: runs of items with the same dimension (an item with none joins the run before)."""
    runs: list[list[TaggedSentence]] = []
    for s in items:
        if runs and (s.dimension is None or s.dimension == runs[-1][0].dimension):
            runs[-1].append(s)
        else:
            runs.append([s])
    return runs


def points_of(doc: TaggedDocument, labels: Sequence[Label]) -> list[Point]:
    """Group one document's items into points, in document order, each read by :func:`dimtag.decision.decide_point`.

    ``labels`` are the aspects a heading may name (the model's labels).

    An aspect heading governs the points under it whose role is that of its
    first point, or a role that the points under a sibling aspect heading
    (same parent) have too: a document that writes problem, cause and
    measure under each aspect gets all three governed, while measures after
    the last aspect heading of a problem part keep their own dimensions.

    Examples
    --------
    >>> from dimtag import Dimension, tag_document
    >>> doc = tag_document("一、存在的问题\\n（一）理论学习方面\\n1.学得不深。\\n2.调研少。", name="a.txt")
    >>> [(p.id, str(p.role), str(p.dimension), str(p.aspect), p.items) for p in points_of(doc, list(Dimension))]
    [(0, 'problem', 'theory', 'theory', (0,)), (1, 'problem', 'theory', 'theory', (1,))]
    """
    groups = _groups(doc.items)
    chains, aspects = zip(*(aspect_of(group[0], labels) for group in groups)) if groups else ((), ())
    given = governed_aspects(chains, aspects, [decide_point(group)[0] for group in groups])
    points = []
    for n, (group, aspect) in enumerate(zip(groups, given)):
        role, dimension = decide_point(group, aspect)
        points.append(Point(
            doc.name, n, role, dimension, aspect, group[0].start, group[-1].end, "".join(s.text for s in group),
            tuple(s.index for s in group), sum(s.role_score for s in group) / len(group),
        ))
    return points

"""Points: the problems, causes, measures and strengths of a document, each counted once.

A point is one problem (or cause, measure, strength) as its writer
enumerated it: ``一是…``, ``1.…``, possibly several sentences; the
segmenter's ``point`` id says which items make one (an item outside any
enumeration is a point of its own). :func:`points_of` builds them from a
:class:`~dimtag.TaggedDocument`, and :func:`point_reading` is the ONE place
that says what a point does (its role) and which aspect it covers.

An aspect heading the writer wrote (``（四）担当作为方面``) is strong evidence
for coverage: the points under it cover that aspect even where the model
reads one of them elsewhere. It governs the roles its points have, not
what follows them: measures written after the last aspect heading
(``下一步，我将…``) are measures with their own dimensions, not problems of
that aspect.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from ..document import TaggedDocument, TaggedSentence
from ..lexicon import dimension_named
from ..roles import Role
from ..tagger import Label

__all__ = ["Point", "aspect_of", "point_reading", "points_of"]


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
        What the point does (see :func:`point_reading`).
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


def point_reading(items: Sequence[TaggedSentence], aspect: Label | None = None) -> tuple[Role, Label | None]:
    """What a point does, and the aspect it covers.

    The role is the one its items' role probabilities add up to most (items
    whose role is ``other`` do not vote; a point of only such items is
    ``other``). The aspect is ``aspect`` (the writer's heading governing the
    point) when given, else the dimension of its title (a short first item
    followed by others), else the dimension most of its items have (the
    first one on a tie), else None.

    Examples
    --------
    >>> from dimtag import Dimension, tag_document
    >>> doc = tag_document("一、存在的问题\\n一是学习不够深入，满足于读文件。")
    >>> point_reading(doc.items)
    (<Role.PROBLEM: 'problem'>, <Dimension.THEORY: 'theory'>)
    >>> point_reading(doc.items, Dimension.RESPONSIBILITY)[1]
    <Dimension.RESPONSIBILITY: 'responsibility'>
    """
    weights: dict[Role, float] = defaultdict(float)
    for s in items:
        if s.role.speaks:
            weights[Role(s.role)] += s.role_score or 1e-9  # a role read with score 0 still outweighs none
    if not weights:
        return Role.OTHER, None
    role = max(weights, key=lambda r: weights[r])  # max keeps the first on a tie: items are in order
    if aspect is not None:
        return role, aspect
    title = items[0] if len(items) > 1 and len(items[0].text) <= _TITLE_CHARS else None
    if title is not None and title.dimension is not None:
        # A short first line (四是工作主动性不够。) is the writer's own summary of the point.
        return role, title.dimension
    votes = Counter(s.dimension for s in items if s.dimension is not None)
    return role, max(votes, key=lambda d: votes[d]) if votes else None


# A point's first item this short, with more after it, is its title: the enumerated titles of the annotated
# documents are 6 to 20 characters; a first sentence of 30 or more already tells an example.
_TITLE_CHARS = 25


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
        if cut == speaking[0] or point_reading(head)[0] == tail_role:
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
    """Group one document's items into points, in document order, each read by :func:`point_reading`.

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
    aspects = [aspect_of(group[0], labels) for group in groups]
    own_roles = [point_reading(group)[0] for group in groups]
    # Each aspect heading (a chain, counted again when it recurs later): the roles under it.
    instance: list[int] = []
    first_role: dict[int, Role] = {}
    roles_under: dict[int, set[Role]] = defaultdict(set)
    parent: dict[int, tuple[str, ...]] = {}
    last_chain: tuple[str, ...] | None = None
    for (chain, _), role in zip(aspects, own_roles):
        if chain != last_chain or not instance:
            instance.append(len(parent))
            parent[len(parent)] = chain[:-1]
        else:
            instance.append(instance[-1])
        last_chain = chain
        if chain and role.speaks:
            first_role.setdefault(instance[-1], role)
            roles_under[instance[-1]].add(role)
    by_parent: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, p in parent.items():
        by_parent[p].append(i)

    def governed(i: int, role: Role) -> bool:
        if role == first_role.get(i):
            return True
        return any(role in roles_under[j] for j in by_parent[parent[i]] if j != i)

    points = []
    for n, (group, (chain, aspect), role, i) in enumerate(zip(groups, aspects, own_roles, instance)):
        given = aspect if chain and role.speaks and governed(i, role) else None
        role, dimension = point_reading(group, given)
        points.append(Point(
            doc.name, n, role, dimension, given, group[0].start, group[-1].end, "".join(s.text for s in group),
            tuple(s.index for s in group), sum(s.role_score for s in group) / len(group),
        ))
    return points

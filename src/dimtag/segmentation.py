"""Reading the structure of a cleaned document: headings, points and items.

A document is read the way its reader reads it:

- **Headings** at every level: parts (一、), sections (（一）), numbered
  topic lines (1.理论学习方面), Word heading styles, bare short lines that
  head a paragraph, inline headings that end with a colon or a full stop
  ("（一）理论学习方面：…"), and ordinal topics ("第二，在政治素质方面，…").
  A heading governs until the next heading of the same or a higher level,
  a part heading, or a closing formula (以上发言，请批评指正).
- **Points**: an enumerated problem (一是…, 1.…, （1）…, ①…, 第一，…, or a
  numbered or bare title line with its paragraph). All items of a point
  share its id, so problems can be counted, not sentences. Deeper
  enumerators inside a point (一是 inside 1.) stay in it.
- **Items**: the sentences to tag (ending in 。！？；), an enumerated point
  kept whole when it is short, or one row of a table.

Segments tile the text: every non-space character of the cleaned text lies
in exactly one segment. Everything is done in one pass over the lines, in
time linear in the text.
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple

from .dimensions import Label
from .errors import DocumentError
from .lexicon import (
    CELL_ROLES,
    Role,
    Section,
    dimension_named,
    is_closing,
    is_signature,
    is_topic,
    role_of,
    section_named,
    table_header_roles,
)
from .outline import OutlineMark
from .vocabulary import (
    CJK_RANGES,
    CLAUSE_END,
    CLOSERS,
    COLON,
    COMMA,
    ENUMERATOR,
    ENUMERATOR_FORMS,
    ENUMERATOR_LEVELS,
    LIST_COMMA,
    OPENS_AFTER,
    PUNCTUATION,
    SEMICOLON,
    SENTENCE_END,
    SPACES,
    table_row_cells,
    with_ascii,
)

__all__ = [
    "Segment",
    "OutlineMark",
    "segment",
    "split_sentences",
    "heading_dimension",
    "section_of",
    "POINT_MAX_CHARS",
    "MAX_DOCUMENT_ITEMS",
    "MAX_ITEM_CHARS",
]

#: A document of more items (sentences, lines, table cells) is refused by
#: :func:`dimtag.tag_document` (``segment(max_items=...)``). Each
#: item costs about 1.2 KB through tagging (benchmarks/dos.py), so this bounds
#: a document's memory at about 150 MB and its time at a few seconds; a long
#: real material has a few thousand items.
MAX_DOCUMENT_ITEMS = 100_000
#: An item is at most this long: a longer run without a sentence end (a page
#: that lost its punctuation) is cut at clause marks into items of one point.
#: Real sentences are under a few hundred characters; the tagger takes 100,000.
MAX_ITEM_CHARS = 10_000
#: An enumerated point up to this many characters stays one item.
POINT_MAX_CHARS = 60
# A heading written inline before its body ("（一）理论学习不够深入。没有…")
# is a short clause; a longer first clause is a sentence that merely starts
# with a marker.
_INLINE_HEADING_MAX = 30
_HEADING_LINE_MAX = 40
_TITLE_MAX = 80
# A bare line heads the paragraph after it when it is this short and that
# paragraph is at least _BARE_BODY_MIN long.
_BARE_MAX = 25
_BARE_BODY_MIN = 30

#: The dimension a heading names (see :func:`dimtag.lexicon.dimension_named`): the default
#: ``heading_label`` of :func:`segment`; a model of another framework reads its own lexicon
#: (:meth:`dimtag.framework.Framework.heading_label`).
heading_dimension = dimension_named
#: What the segmenter asks of a heading: the label it names, or None.
HeadingReader = Callable[[str | None], Label | None]
#: The part of a document a heading opens (see :func:`dimtag.lexicon.section_named`).
section_of = section_named

SegmentKind = Literal["title", "part", "section", "item"]

# Marker styles, and their rank: a lower rank encloses a higher one.
_RANK = ENUMERATOR_LEVELS
_PARAGRAPH_RANK = 99.0
# A marker opens a unit at the start of a line or after a sentence end or a
# colon; a section marker （一） also after any Chinese character, as in a
# document whose line breaks were lost ("一、存在的问题（一）在理论学习方面。").
_MARKER_AT_CUT = re.compile(rf"(?:^|(?<=[{OPENS_AFTER}]))(?:{ENUMERATOR})")
# The same over a whole text, where a line start also opens a unit, and so
# does a marker right after the words a heading ends with, as in a document
# whose line breaks were lost ("（一）理论学习方面一是学得不深。").
# The marker is matched first and what precedes it checked after: one
# pattern with a dozen lookbehinds would be tried at every character.
_MARKER_ANYWHERE = re.compile(ENUMERATOR)
_CUT_BEFORE = frozenset(OPENS_AFTER + SPACES + "\n\r")
_HEADING_END = frozenset(("方面", "问题", "不足", "差距", "措施", "原因", "分析", "剖析", "方向"))


def _opens_unit(text: str, at: int) -> bool:
    """Whether a marker at ``at`` opens a unit: at a line start, after a sentence end, a colon, a heading's last word or a closing bracket."""
    return at == 0 or text[at - 1] in _CUT_BEFORE or text[at - 1] == "）" or text[at - 2 : at] in _HEADING_END
_SECTION_MIDLINE = re.compile(rf"(?<=[{CJK_RANGES}）])(?<!第){ENUMERATOR_FORMS['section']}(?=[{CJK_RANGES}])")
_SENTENCE = re.compile(rf"[^{SENTENCE_END}]*(?:[{SENTENCE_END}]+[{CLOSERS}]*|$)")
_INTERNAL_END = re.compile(f"[{SENTENCE_END}]")
_TITLE_END = re.compile(f"[{SENTENCE_END}{COLON}]")
_CLAUSE_END = re.compile(f"[{SENTENCE_END}{CLAUSE_END}]")
_ANY_PUNCT = re.compile(f"[{PUNCTUATION}]")
_BARE_PUNCT = re.compile(f"[{with_ascii(COMMA + LIST_COMMA + SEMICOLON + COLON)}]")


class Segment(NamedTuple):
    """A piece of a cleaned document (immutable; a named tuple, small and fast to build).

    Attributes
    ----------
    kind : {"title", "part", "section", "item"}
        Headings are ``title``, ``part`` (the top level: 一、, Word Heading
        1) and ``section`` (any heading below); everything to tag is an
        ``item``.
    text : str
        The piece, equal to ``cleaned[start:end]``.
    start, end : int
        Offsets into the cleaned text.
    heading : str or None
        For an item, the innermost heading whose scope holds it; for a
        heading, the heading that encloses it.
    section : {"problem", "cause", "measure", "other"}
        The part of the document, read from its headings.
    heading_dimension : Dimension, str or None
        For an item, the dimension (or label of the model's framework) named
        by the innermost heading of its chain that names one; for a heading,
        the one it names itself.
    headings : tuple of str
        The chain of enclosing headings, outermost first.
    level : int
        For a heading, its depth (1 = outermost); 0 for items and titles.
    style : str
        For a heading or a point's first item, the form of its marker:
        ``part`` 一、, ``section`` （一）, ``numbered`` 1., ``paren`` （1）,
        ``circled`` ①, ``ordinal`` 第一，, ``shi`` 一是, ``bare`` (a short
        line), ``word`` (a Word style), ``list`` (Word numbering), ``table``.
    point : int or None
        For an item, the id of the point (the enumerated problem) it
        belongs to; a paragraph outside enumerations is a point of its own.
        None for items that speak to no dimension by their role.
    point_dimension : Dimension, str or None
        The dimension the point's title names, if it names one.
    role : str
        What the item does: ``content``, or ``intro``, ``lead``,
        ``closing``, ``fact``, ``definition`` (these never speak to a
        dimension).
    scope : int
        The index, among this document's segments, of the heading whose
        scope holds the item (-1 for none).
    row : int or None
        For an item read from a table by column, the id of its table row:
        the problem cell and the measure cell of one row share it (and its
        ``section`` is the role the column's header names). None elsewhere.
    """

    kind: SegmentKind
    text: str
    start: int
    end: int
    heading: str | None = None
    section: Section = "other"
    heading_dimension: Label | None = None
    headings: tuple[str, ...] = ()
    level: int = 0
    style: str = ""
    point: int | None = None
    point_dimension: Label | None = None
    role: Role = "content"
    scope: int = -1
    row: int | None = None


def split_sentences(text: str, offset: int = 0) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` spans of the sentences of one paragraph.

    A sentence ends after 。！？； and any closing quotes or brackets; the
    remainder without an end mark is a sentence too. Spans exclude
    surrounding spaces and are shifted by ``offset``.

    Examples
    --------
    >>> t = "学习不够。工作“不实”；还有"
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['学习不够。', '工作“不实”；', '还有']
    """
    for match in _SENTENCE.finditer(text):
        yield from _stripped_span(text, match.start(), match.end(), offset)


def _stripped_span(text: str, start: int, end: int, offset: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start + offset, end + offset


@dataclass
class _Open:
    """A heading whose scope is open."""

    rank: float
    index: int
    text: str
    named: Label | None


@dataclass
class _Point:
    id: int
    rank: float
    named: Label | None


class _Reader:
    """The state of one pass over a document's lines."""

    def __init__(self, text: str, max_items: float, named: HeadingReader = dimension_named):
        self.text = text
        self.named = named
        self.segments: list[Segment] = []
        self.stack: list[_Open] = []
        self.section: Section = "other"
        self.point: _Point | None = None
        self.next_point = 0
        self.seen_heading = False
        self.closed = False  # after a closing formula, until the next heading
        self.row: int | None = None  # the id of the table row whose cells are being read
        self.rows = 0  # table rows read by column so far
        self.cell_row = -1  # the reader's number of the last such row, in the current table
        self.table_rank = 0.0  # the rank a table's header rows sit under
        self.max_items = max_items
        self.items_left = max_items
        self._scope: tuple[str | None, tuple[str, ...], Label | None, int] | None = None

    # -- the open headings -----------------------------------------------------
    def pop_to(self, rank: float) -> None:
        """Close the scopes of the open headings of ``rank`` or deeper."""
        while self.stack and self.stack[-1].rank >= rank:
            self.stack.pop()
            self._scope = None

    def pop_where(self, style: str) -> None:
        """Close the innermost scopes while their heading has ``style``."""
        while self.stack and self.segments[self.stack[-1].index].style == style:
            self.stack.pop()
            self._scope = None

    def scope(self) -> tuple[str | None, tuple[str, ...], Label | None, int]:
        """What the open headings give an item: heading, chain, named dimension, scope (cached until they change)."""
        if self._scope is None:
            top = self.stack[-1] if self.stack else None
            self._scope = (
                top.text if top else None,
                tuple(h.text for h in self.stack),
                next((h.named for h in reversed(self.stack) if h.named is not None), None),
                top.index if top else -1,
            )
        return self._scope

    # -- headings ------------------------------------------------------------
    def heading(self, start: int, end: int, rank: float, style: str) -> None:
        text = self.text[start:end]
        self.pop_to(rank)
        named = self.named(text)
        outermost = not self.stack
        kind: SegmentKind = "part" if rank <= 1.0 else "section"
        if style == _TABLE_STYLE:
            pass  # a table's header (问题 | 整改措施) names its columns, not a part of the document
        elif outermost:
            self.section = section_named(text)
        elif named is None and section_named(text) != "other" and not (
            # Under a cause or measure part, a sub-heading with a problem word is a cause (（一）警力严重不足)
            # or a measure (（二）针对学习不足), not a new problem part.
            section_named(text) == "problem" and self.section in ("cause", "measure")
        ):
            self.section = section_named(text)
        parent = self.stack[-1].text if self.stack else None
        self.segments.append(
            Segment(kind, text, start, end, heading=parent, section=self.section, heading_dimension=named,
                    headings=tuple(h.text for h in self.stack), level=len(self.stack) + 1, style=style)
        )
        self.stack.append(_Open(rank, len(self.segments) - 1, text, named))
        self._scope = None
        self.point = None
        self.seen_heading = True
        self.closed = False

    def title(self, start: int, end: int) -> None:
        self.segments.append(Segment("title", self.text[start:end], start, end))

    def parent_rank(self) -> float:
        return self.stack[-1].rank if self.stack else 0.0

    # -- points --------------------------------------------------------------
    def open_point(self, rank: float, title: str | None) -> None:
        if self.point is not None and rank > self.point.rank:
            return  # a deeper enumerator inside the point: the same problem
        # A point closes headings of its own rank or deeper (siblings of it).
        self.pop_to(rank)
        self.point = _Point(self.next_point, rank, self.named(title) if title else None)
        self.next_point += 1

    def paragraph(self) -> None:
        """A new line without a marker: it continues an open point, else it is a point of its own."""
        if self.point is None or self.point.rank == _PARAGRAPH_RANK:
            self.point = _Point(self.next_point, _PARAGRAPH_RANK, None)
            self.next_point += 1

    # -- items ---------------------------------------------------------------
    def item(self, start: int, end: int, style: str = "") -> None:
        # A "sentence" longer than any sentence is cut at its last clause mark (or hard) into items of its point.
        while end - start > MAX_ITEM_CHARS:
            cut = max(self.text.rfind(mark, start + 1, start + MAX_ITEM_CHARS) for mark in "，、,")
            cut = cut + 1 if cut > start else start + MAX_ITEM_CHARS
            self._item(start, cut, style)
            start, style = cut, ""
        self._item(start, end, style)

    def _item(self, start: int, end: int, style: str) -> None:
        self.items_left -= 1
        if self.items_left < 0:
            raise DocumentError(
                f"more than {self.max_items:,} items (sentences, lines or table cells) in one document; "
                "split it into documents"
            )
        text = self.text[start:end]
        role: Role = role_of(text, not self.seen_heading)
        if self.closed and role == "content" and is_signature(text):
            role = "closing"  # the name, unit and date after the closing formula
        elif role == "closing" and not self.closed:
            # A closing formula ends every scope.
            self.pop_to(float("-inf"))
            self.point = None
            self.section = "other"
            self.closed = True
        point = self.point if role == "content" else None
        heading, headings, named, scope = self.scope()
        self.segments.append(
            Segment(
                "item", text, start, end, heading, self.section, named, headings, 0, style,
                point.id if point else None, point.named if point else None, role, scope, self.row,
            )
        )

    def items(self, start: int, end: int, whole: bool, style: str = "") -> None:
        """The items of a stretch of text: one if ``whole``, else its sentences."""
        text = self.text
        if whole or _INTERNAL_END.search(text, start, end - 1) is None:
            # One item: the common short case needs no sentence split.
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                self.item(start, end, style)
            return
        first = True
        for a, b in split_sentences(text[start:end], start):
            self.item(a, b, style if first else "")
            first = False


class _Markers:
    """The markers that open units, found lazily in one pass over the text, in order."""

    def __init__(self, text: str):
        at_cut = (
            (m.start(), m.lastgroup or "", m.end()) for m in _MARKER_ANYWHERE.finditer(text) if _opens_unit(text, m.start())
        )
        midline = ((m.start(), "section", m.end()) for m in _SECTION_MIDLINE.finditer(text))
        self._all = heapq.merge(at_cut, midline)
        self._next = next(self._all, None)

    def skip_to(self, start: int) -> None:
        while self._next is not None and self._next[0] < start:
            self._next = next(self._all, None)

    def any_before(self, end: int) -> bool:
        return self._next is not None and self._next[0] < end

    def take_before(self, end: int) -> Iterator[tuple[int, str, int]]:
        last = -1
        while self._next is not None and self._next[0] < end:
            if self._next[0] != last:  # a section marker found by both patterns
                last = self._next[0]
                yield self._next
            self._next = next(self._all, None)


def _units(line: str, start: int, markers: Iterator[tuple[int, str, int]]) -> Iterator[tuple[int, int, str | None, int]]:
    """Split a line at its markers: ``(start, end, style, marker_end)``, offsets in the line, lazily."""
    previous: tuple[int, str | None, int] | None = None
    for a, style, e in markers:
        a, e = a - start, e - start
        if previous is None and a != 0:
            previous = (0, None, 0)
        if previous is not None:
            yield previous[0], a, previous[1], previous[2]
        previous = (a, style, e)
    if previous is None:
        previous = (0, None, 0)
    yield previous[0], len(line), previous[1], previous[2]


def _title_length(unit: str, body_from: int) -> int | None:
    """Length of the heading-like title that opens a unit, or None.

    A first clause that names a topic ("第二，在政治素质方面，…"); else the
    whole unit when it is short and holds no sentence end before its last
    character; else an inline title ending with 。！？；：.
    """
    clause = _CLAUSE_END.search(unit, body_from, _INLINE_HEADING_MAX)
    if clause and clause.start() > body_from and is_topic(unit[body_from : clause.start()]):
        return clause.end()
    if len(unit) <= _HEADING_LINE_MAX and not _INTERNAL_END.search(unit, 0, len(unit) - 1):
        return len(unit)
    stop = _TITLE_END.search(unit, body_from)
    if stop and stop.end() <= _INLINE_HEADING_MAX:
        return stop.end()
    return None


def _is_heading(style: str, unit: str, body_from: int, title: int | None, hinted: bool) -> bool:
    if title is None:
        return False
    if hinted or style in ("part", "section"):
        return True
    text = unit[:title]
    if is_topic(text[body_from:]):
        return True
    # A short numbered line without any punctuation is a heading (1.理论学习).
    return style in ("numbered", "paren") and title == len(unit) and len(unit) <= _INLINE_HEADING_MAX and not _ANY_PUNCT.search(unit, body_from)


def _bare_title(line: str, next_line: str | None) -> bool:
    """A short line that heads the paragraph after it (宗旨意识淡薄。)."""
    return (
        next_line is not None
        and 2 <= len(line) <= _BARE_MAX
        and not _BARE_PUNCT.search(line)
        and not _INTERNAL_END.search(line, 0, len(line) - 1)
        and not is_closing(line)
        and role_of(line, False) == "content"
    )


def segment(
    cleaned: str, outline: Mapping[int, OutlineMark] | None = None, heading_label: HeadingReader = dimension_named, *,
    max_items: int | None = None,
) -> list[Segment]:
    """Split cleaned text into headings and items, in document order.

    Parameters
    ----------
    cleaned : str
        Text from :func:`dimtag.clean`.
    outline : mapping of int to OutlineMark, optional
        What the reader of the file knows about lines, by line start offset
        (Word heading styles, numbering, table rows).
    heading_label : callable, optional
        The label a heading (or a point's title) names, or None: by default
        one of the six dimensions; a model of another framework passes its
        own (:meth:`dimtag.framework.Framework.heading_label`).
    max_items : int, optional
        Refuse a text of more items with :class:`~dimtag.DocumentError`
        (:func:`dimtag.tag_document` passes :data:`MAX_DOCUMENT_ITEMS`).

    Returns
    -------
    list of Segment
        Headings and items; ``cleaned[s.start:s.end] == s.text`` for each.

    Examples
    --------
    >>> segs = segment("一、存在的问题\\n（一）在理论学习方面。一是学得不深。二是用得不够。")
    >>> [(s.kind, s.text) for s in segs]
    [('part', '一、存在的问题'), ('section', '（一）在理论学习方面。'), ('item', '一是学得不深。'), ('item', '二是用得不够。')]
    >>> segs[-1].section, segs[-1].heading_dimension, segs[-1].headings, segs[-1].point
    ('problem', <Dimension.THEORY: 'theory'>, ('一、存在的问题', '（一）在理论学习方面。'), 1)
    """
    outline = outline or {}
    reader = _Reader(cleaned, float("inf") if max_items is None else max_items, heading_label)
    markers = _Markers(cleaned)
    in_table = False
    columns: list[str] | None = None  # the column roles of the table pasted as text being read
    # Lines are read lazily, one ahead: a document refused for its size is refused early.
    for (start, line), ahead in itertools.pairwise(itertools.chain(_lines(cleaned), [(-1, "")])):
        end = start + len(line)
        markers.skip_to(start)
        marked = markers.any_before(end)
        mark = outline.get(start) if outline else None
        table_line = mark is not None and mark.kind in _TABLE_KINDS
        if in_table and not table_line:
            # A table's header rows govern its rows only.
            reader.pop_where(_TABLE_STYLE)
            reader.cell_row = -1
            in_table = False
        elif table_line and not in_table:
            reader.table_rank = reader.parent_rank()
        if mark is not None and _marked_line(reader, start, line, mark):
            in_table = table_line
            continue
        if mark is None:
            if columns is not None:
                cells = table_row_cells(line)
                if cells is not None:
                    _text_row(reader, start, line, cells, columns)
                    continue
                reader.pop_where(_TABLE_STYLE)  # the first line that is no row ends the table
                columns = None
            columns = table_header_roles(line)
            if columns is not None:
                reader.table_rank = reader.parent_rank()
                reader.heading(start, end, reader.table_rank + 0.5, _TABLE_STYLE)
                continue
        if not marked:
            if len(reader.segments) < 2 and _is_title(line) and (
                not reader.segments or (reader.segments[0].kind == "title" and not is_topic(line))
            ):
                # A title, or a second title line before anything else (a site name, a speaker).
                reader.title(start, end)
                continue
            next_line = ahead[1] if ahead[0] >= 0 else None
            if next_line is not None and _bare_title(line, next_line):
                _bare_line(reader, start, line, next_line)
                continue
            reader.paragraph()
            reader.items(start, end, whole=False)
            continue
        _read_line(reader, start, line, _units(line, start, markers.take_before(end)))
    return reader.segments


def _lines(cleaned: str) -> Iterator[tuple[int, str]]:
    """``(start, line)`` of each non-blank line, stripped."""
    pos = 0
    for raw_line in cleaned.split("\n"):
        stripped = raw_line.strip()
        if stripped:
            yield pos + raw_line.find(stripped[0]), stripped
        pos += len(raw_line) + 1


def _is_title(line: str) -> bool:
    return len(line) <= _TITLE_MAX and not _ANY_PUNCT.search(line) and not _MARKER_AT_CUT.match(line)


_TABLE_STYLE = "table"
_TABLE_KINDS = frozenset(("row", "header", "aspect", "cell"))


def _bare_line(reader: _Reader, start: int, line: str, next_line: str) -> None:
    next_marked = _MARKER_AT_CUT.match(next_line) is not None
    if is_topic(line) or (next_marked and not _INTERNAL_END.search(line)):
        section_word = section_named(line) != "other" and reader.named(line) is None
        rank = 0.5 if section_word else reader.parent_rank() + 0.5
        reader.heading(start, start + len(line), rank, "bare")
    elif len(next_line) >= max(_BARE_BODY_MIN, 2 * len(line)):
        reader.open_point(_RANK["bare"], line)
        reader.items(start, start + len(line), whole=True, style="bare")
    else:
        reader.paragraph()
        reader.items(start, start + len(line), whole=False)


def _as_section(role: str | None) -> Section | None:
    """A table cell's role (the outline holds it as a plain str) as a section."""
    return role if role in ("problem", "cause", "measure", "positive") else None  # type: ignore[return-value]


def _marked_line(reader: _Reader, start: int, line: str, mark: OutlineMark) -> bool:
    """Read a line the file's reader has marked; return False to read it as plain text."""
    end = start + len(line)
    if mark.kind == "title":
        reader.title(start, end)
    elif mark.kind == "heading":
        reader.heading(start, end, float(max(mark.level, 1)), "word")
    elif mark.kind == "header":
        reader.heading(start, end, reader.table_rank + 0.5, _TABLE_STYLE)
    elif mark.kind == "aspect":
        reader.heading(start, end, reader.table_rank + 1.0, _TABLE_STYLE)
    elif mark.kind in ("row", "cell"):
        reader.point = None  # every row, and every cell read by column, is a point of its own
        reader.paragraph()
        if mark.kind == "row":
            reader.items(start, end, whole=True, style="table")
            return True
        saved, reader.section = reader.section, _as_section(mark.role) or reader.section
        if mark.level != reader.cell_row:
            reader.cell_row, reader.rows = mark.level, reader.rows + 1
        reader.row = reader.rows - 1
        reader.items(start, end, whole=True, style="table")
        reader.section, reader.row = saved, None
    elif mark.kind == "list":
        rank = _RANK["numbered"] + mark.level
        title = _title_length(line, 0)
        if title is not None and is_topic(line[:title]):
            reader.heading(start, start + title, rank, "list")
            _read_body(reader, start + title, end)
        else:
            reader.open_point(rank, line[:title] if title else None)
            _read_point_body(reader, line, start, 0, "list")
    else:
        return False
    return True


def _text_row(reader: _Reader, start: int, line: str, cells: list[tuple[int, int]], columns: list[str]) -> None:
    """A row of a table pasted as text, read by column as a .docx table is (see :func:`dimtag.reading.read_document`).

    Each problem, cause or measure cell is an item and a point of its own,
    with the role its column names as its section; numbers, deadlines and
    owners stay with the cell before them (a leading number with the cell
    after it), and the row's cells share its row number. A cell beyond the
    header's columns counts as a deadline or owner.
    """
    groups: list[tuple[str, int, int]] = []
    pending: int | None = None  # where a number before the first content cell starts
    for k, (a, b) in enumerate(cells):
        role = columns[k] if k < len(columns) else "meta"
        if a == b:
            continue
        if role == "aspect":
            reader.heading(start + a, start + b, reader.table_rank + 1.0, _TABLE_STYLE)
        elif role in CELL_ROLES:
            groups.append((role, a if pending is None else pending, b))
            pending = None
        elif groups:
            groups[-1] = (groups[-1][0], groups[-1][1], b)
        elif pending is None:
            pending = a
    if not groups:
        reader.point = None
        reader.paragraph()
        if pending is not None:
            reader.items(start + pending, start + len(line), whole=True, style=_TABLE_STYLE)
        return
    reader.row, reader.rows = reader.rows, reader.rows + 1
    saved = reader.section
    for role, a, b in groups:
        reader.point = None  # every cell read by column is a point of its own
        reader.paragraph()
        reader.section = _as_section(role) or saved
        reader.items(start + a, start + b, whole=True, style=_TABLE_STYLE)
    reader.section, reader.row = saved, None


def _read_line(reader: _Reader, start: int, line: str, units: Iterator[tuple[int, int, str | None, int]]) -> None:
    for k, (a, b, style, mend) in enumerate(units):
        unit = line[a:b]
        if style is None:
            if k == 0:
                reader.paragraph()
            reader.items(start + a, start + b, whole=False)
            continue
        body_from = mend - a
        title = _title_length(unit, body_from)
        if _is_heading(style, unit, body_from, title, False):
            assert title is not None
            reader.heading(start + a, start + a + title, _RANK[style], style)
            if title < len(unit):
                reader.paragraph()
                _read_body(reader, start + a + title, start + b)
            continue
        reader.open_point(_RANK[style], unit[:title] if title else None)
        _read_point_body(reader, unit, start + a, body_from, style)


def _read_body(reader: _Reader, start: int, end: int) -> None:
    reader.items(start, end, whole=False)


def _read_point_body(reader: _Reader, unit: str, start: int, body_from: int, style: str) -> None:
    """The items of a point's unit: whole when short; else a colon title, then sentences."""
    if len(unit.strip()) <= POINT_MAX_CHARS and not is_closing(unit):
        reader.items(start, start + len(unit), whole=True, style=style)
        return
    colon = unit.find(COLON, body_from, _INLINE_HEADING_MAX)
    if colon > body_from and not _INTERNAL_END.search(unit, 0, colon):
        reader.items(start, start + colon + 1, whole=True, style=style)
        reader.items(start + colon + 1, start + len(unit), whole=False)
        return
    reader.items(start, start + len(unit), whole=False, style=style)

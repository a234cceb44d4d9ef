"""Splitting a cleaned document into headings and taggable items.

An item is one sentence ending in 。！？；, or one enumerated point (一是…,
1.…) kept whole when it is short. Headings (一、…, （一）…, a title line, an
inline heading such as "（一）在理论学习方面。") are returned as segments of
their own and never as items. Segments tile the text: every non-space
character of the cleaned text lies in exactly one segment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from .dimensions import Dimension

__all__ = [
    "Segment",
    "segment",
    "split_sentences",
    "heading_dimension",
    "section_of",
    "POINT_MAX_CHARS",
]

#: An enumerated point up to this many characters stays one item.
POINT_MAX_CHARS = 60
# A heading written inline before its body ("（一）理论学习不够深入。没有…") is
# a short clause; a longer first clause is a sentence that merely starts with
# a section number.
_INLINE_HEADING_MAX = 30
_HEADING_LINE_MAX = 40

SegmentKind = Literal["title", "part", "section", "item"]
Section = Literal["problem", "cause", "measure", "other"]

_CN_NUM = "一二三四五六七八九十"
_PART_MARK = re.compile(rf"^[{_CN_NUM}]+、")
_SECTION_MARK = re.compile(rf"^（[{_CN_NUM}]+）")
_NUMBERED_MARK = re.compile(r"^(?:\d{1,2}[.、．](?!\d)|（\d{1,2}）)")
_SENT_END = "。！？；"
_CLOSERS = "”’」』）》"
_SENTENCE = re.compile(rf"[^{_SENT_END}]*(?:[{_SENT_END}]+[{_CLOSERS}]*|$)")
# Enumerators that open a point: at the start of a paragraph, or right after
# a sentence end or a colon.
_ENUM = re.compile(
    rf"(?:(?<=^)|(?<=[{_SENT_END}：]))"
    rf"(?:[{_CN_NUM}]{{1,2}}是|第[{_CN_NUM}]{{1,2}}[，、]|\d{{1,2}}[.、．](?!\d)|（\d{{1,2}}）|[①-⑳])"
)
_SENTENCE_PUNCT = re.compile(f"[{_SENT_END}，：]")

_DIMENSION_HEADINGS: dict[Dimension, re.Pattern[str]] = {
    Dimension.THEORY: re.compile(r"理论学习|理论武装|学习方面"),
    Dimension.POLITICS: re.compile(r"政治素质|政治素养|政治品格|政治忠诚|政治建设方面"),
    Dimension.ABILITY: re.compile(r"能力本领|本领能力|能力素质|履职能力|本领方面|能力方面"),
    Dimension.RESPONSIBILITY: re.compile(r"担当作为|担当尽责|责任担当|担当方面"),
    Dimension.WORK_STYLE: re.compile(r"工作作风|作风建设|作风方面|改进作风|转变作风"),
    Dimension.INTEGRITY: re.compile(r"廉洁|廉政建设|清正"),
}
_SECTION_WORDS: tuple[tuple[Section, re.Pattern[str]], ...] = (
    ("cause", re.compile(r"原因|根源|剖析|根子")),
    ("measure", re.compile(r"措施|整改|努力方向|改进|打算|方向|举措")),
    ("problem", re.compile(r"问题|不足|差距|查摆|检视")),
)


@dataclass(frozen=True)
class Segment:
    """A piece of a cleaned document.

    Attributes
    ----------
    kind : {"title", "part", "section", "item"}
        Headings are ``title``, ``part`` (一、) and ``section`` (（一）);
        everything to tag is an ``item``.
    text : str
        The piece, equal to ``cleaned[start:end]``.
    start, end : int
        Offsets into the cleaned text.
    heading : str or None
        For an item, the nearest heading above it.
    section : {"problem", "cause", "measure", "other"}
        The part of the document, read from the part headings.
    heading_dimension : Dimension or None
        The dimension that the item's section heading names, if exactly one.
    """

    kind: SegmentKind
    text: str
    start: int
    end: int
    heading: str | None = None
    section: Section = "other"
    heading_dimension: Dimension | None = None


def heading_dimension(heading: str | None) -> Dimension | None:
    """Return the dimension a heading names, or None if it names none or several.

    Examples
    --------
    >>> heading_dimension("（二）在政治素质方面。")
    <Dimension.POLITICS: 'politics'>
    >>> heading_dimension("（六）对照廉洁自律方面突出问题")
    <Dimension.INTEGRITY: 'integrity'>
    >>> heading_dimension("（二）精神状态方面") is None
    True
    """
    if not heading:
        return None
    named = [d for d, pattern in _DIMENSION_HEADINGS.items() if pattern.search(heading)]
    return named[0] if len(named) == 1 else None


def section_of(part_heading: str) -> Section:
    """Classify a part heading as problem, cause, measure or other.

    Examples
    --------
    >>> section_of("二、产生问题的原因剖析")
    'cause'
    >>> section_of("三、下一步努力方向和改进措施")
    'measure'
    >>> section_of("一、存在的主要问题")
    'problem'
    """
    for name, pattern in _SECTION_WORDS:
        if pattern.search(part_heading):
            return name
    return "other"


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


def _items_of_body(body: str, offset: int) -> Iterator[tuple[int, int]]:
    """Spans of the items of a paragraph body: points kept whole when short."""
    cuts = [m.start() for m in _ENUM.finditer(body)]
    bounds = [0, *[c for c in cuts if c > 0], len(body)]
    for i, (a, b) in enumerate(zip(bounds, bounds[1:])):
        is_point = a in cuts or (i == 0 and 0 in cuts)
        piece = body[a:b]
        if is_point and len(piece.strip()) <= POINT_MAX_CHARS:
            yield from _stripped_span(body, a, b, offset)
        else:
            yield from split_sentences(piece, offset + a)


def _split_heading(line: str, is_first: bool) -> tuple[SegmentKind, int] | None:
    """Return the heading kind and its length at the start of a line, if any."""
    short_line = len(line) <= _HEADING_LINE_MAX and not re.search(f"[{_SENT_END}]", line[:-1])
    if _PART_MARK.match(line):
        return ("part", len(line)) if short_line else _inline(line, "part")
    if _SECTION_MARK.match(line):
        return ("section", len(line)) if short_line else _inline(line, "section")
    no_punct = not _SENTENCE_PUNCT.search(line)
    if _NUMBERED_MARK.match(line) and no_punct and len(line) <= _INLINE_HEADING_MAX:
        return "section", len(line)
    if is_first and no_punct and len(line) <= 80:
        return "title", len(line)
    return None


def _inline(line: str, kind: SegmentKind) -> tuple[SegmentKind, int] | None:
    stop = re.search(f"[{_SENT_END}]", line)
    if stop and stop.end() <= _INLINE_HEADING_MAX:
        return kind, stop.end()
    return None


def segment(cleaned: str) -> list[Segment]:
    """Split cleaned text into headings and items, in document order.

    Parameters
    ----------
    cleaned : str
        Text from :func:`dimtag.clean`.

    Returns
    -------
    list of Segment
        Headings and items; ``cleaned[s.start:s.end] == s.text`` for each.

    Examples
    --------
    >>> segs = segment("一、存在的问题\\n（一）在理论学习方面。一是学得不深。二是用得不够。")
    >>> [(s.kind, s.text) for s in segs]
    [('part', '一、存在的问题'), ('section', '（一）在理论学习方面。'), ('item', '一是学得不深。'), ('item', '二是用得不够。')]
    >>> segs[-1].section, segs[-1].heading_dimension
    ('problem', <Dimension.THEORY: 'theory'>)
    """
    segments: list[Segment] = []
    section: Section = "other"
    part_heading: str | None = None
    section_heading: str | None = None
    pos = 0
    for line in cleaned.split("\n"):
        line_start, pos = pos, pos + len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        head = _split_heading(stripped, is_first=not segments)
        body_from = lead
        if head is not None:
            kind, length = head
            text = stripped[:length]
            start = line_start + lead
            if kind == "part":
                part_heading, section_heading = text, None
                section = section_of(text)
            elif kind == "section":
                section_heading = text
            segments.append(Segment(kind, text, start, start + length, section=section))
            body_from = lead + length
        heading = section_heading or part_heading
        dim = heading_dimension(section_heading)
        body = line[body_from:]
        for a, b in _items_of_body(body, line_start + body_from):
            segments.append(
                Segment("item", cleaned[a:b], a, b, heading=heading, section=section, heading_dimension=dim)
            )
    return segments

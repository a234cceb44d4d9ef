"""Tagging whole documents: read, clean, segment, then tag each item in its context.

:func:`tag_document` takes text (or bytes, or a file object); :func:`tag_file`
takes a path. A string is never looked up on disk. Each item is decided by
:func:`dimtag.decision.decide` with the evidence of the document's structure
(its headings, its point, the other items of its section).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal, overload

import numpy as np

from .cleaning import CleanedText, Dropped, clean_document
from .decision import DEFAULT_PRIOR, PLACES, Context, Decisions, Prior
from .dimensions import Dimension, Label
from .errors import DocumentError
from .features import has_content
from .glyphs import to_simplified
from .lexicon import dimension_named, is_topic, section_named
from .reading import DocumentSource, Source, load_file, load_source
from .roles import OTHER, ROLES, Role
from .segmentation import MAX_DOCUMENT_ITEMS, HeadingReader, OutlineMark, Segment, segment
from .tagger import Tagger, default_tagger

__all__ = [
    "TaggedSentence", "TaggedDocument", "DocumentStructure", "RECORD_FIELDS", "tag_document", "tag_file", "read_structure",
    "structure_context",
]

#: The fields of one record, in the order of the CLI's CSV and JSONL output.
RECORD_FIELDS = (
    "file", "index", "start", "end", "role", "role_score", "dimension", "dimension_zh", "score", "by",
    "model_dimension", "model_score", "point", "section", "heading", "headings", "text",
)

By = Literal["heading", "section", "point", "model"]
#: Separator of the heading chain in records.
HEADING_SEPARATOR = " > "


@dataclass(frozen=True)
class TaggedSentence:
    """One tagged item of a document.

    Attributes
    ----------
    index : int
        Position among the document's items, from 0.
    text : str
        The item, equal to ``document.text[start:end]``.
    start, end : int
        Offsets into the cleaned text (:attr:`TaggedDocument.text`).
    role : Role
        What the item does: ``problem``, ``cause``, ``measure``, ``positive``
        or ``other`` (an introduction, procedure, a fact, a definition,
        commentary, a quotation, a pledge, a closing, page furniture).
    role_score : float
        The probability of that role under the document's evidence.
    dimension : Dimension or None
        The final answer; None exactly when the role is ``other`` or the
        item abstains (its score is under ``min_score``, or it holds
        nothing to tag).
    score : float
        The probability of the final dimension under the combined evidence
        (for an abstention, of the best guess).
    by : {"heading", "section", "point", "model"}
        Which evidence decided: ``heading``, a heading that names the
        dimension; ``point``, the title or the other items of the item's
        point; ``section``, the other items under a heading that names no
        dimension (or, for an abstention, the item's role: introduction,
        closing, …); ``model``, the model reading the item alone.
    model_dimension : Dimension
        The model's own best dimension for the item, whatever decided.
    model_score : float
        Its probability, for the item read alone.
    heading : str or None
        The innermost heading whose scope holds the item.
    section : {"problem", "cause", "measure", "other"}
        The part of the document, from its headings.
    point : int or None
        The id of the point (enumerated problem) the item belongs to: all
        sentences of one problem share it. None for introductions, closings
        and other items that speak to no dimension by their role.
    headings : tuple of str
        The chain of headings whose scope holds the item, outermost first.
    """

    index: int
    text: str
    start: int
    end: int
    role: Role
    role_score: float
    dimension: Label | None
    score: float
    by: By
    model_dimension: Label
    model_score: float
    heading: str | None
    section: str
    point: int | None = None
    headings: tuple[str, ...] = ()

    def to_record(self, names: Mapping[str, str] | None = None) -> dict[str, Any]:
        """A flat dict for JSON or CSV (without ``file``), with ids and display names.

        ``headings`` is joined with `` > ``. ``dimension_zh`` is the label's
        display name from ``names`` (the model's framework), else the
        dimension's Chinese name.
        """
        record = asdict(self)
        record["headings"] = HEADING_SEPARATOR.join(self.headings)
        record["role"] = self.role.value
        record["role_score"] = round(self.role_score, 4)
        record["dimension"] = _label_id(self.dimension)
        record["dimension_zh"] = _display(self.dimension, names)
        record["model_dimension"] = _label_id(self.model_dimension)
        record["score"] = round(self.score, 4)
        record["model_score"] = round(self.model_score, 4)
        return record


def _ordered(record: dict[str, Any]) -> dict[str, Any]:
    return {k: record[k] for k in RECORD_FIELDS}


def _label_id(label: Label | None) -> str | None:
    return None if label is None else str(label)


def _display(label: Label | None, names: Mapping[str, str] | None) -> str | None:
    if label is None:
        return None
    if names and str(label) in names:
        return names[str(label)]
    return label.zh if isinstance(label, Dimension) else str(label)


@dataclass
class TaggedDocument:
    """A tagged document: its items, and the text their offsets index.

    It behaves as a sequence of :class:`TaggedSentence`; a slice is a
    TaggedDocument too, with the same ``name``, ``text`` and ``headings``.

    Attributes
    ----------
    name : str
        The path, or ``<text>``/``<bytes>``/``<stream>`` for other sources.
    text : str
        The cleaned text that the offsets index into.
    items : list of TaggedSentence
        In document order.
    headings : list of Segment
        The headings found (title, part and section headings).
    dropped : list of Dropped
        What cleaning removed from the raw text as page debris (paywall
        markers, adverts, login walls, page metadata and navigation,
        repeated titles, pinyin annotations), with raw offsets and reasons.
    names : dict of str to str
        The display name of each label of the model that tagged it (records'
        ``dimension_zh``).
    """

    name: str
    text: str
    items: list[TaggedSentence] = field(default_factory=list)
    headings: list[Segment] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    _cleaned: CleanedText | None = field(default=None, repr=False, compare=False)
    names: dict[str, str] = field(default_factory=dict)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the raw text that ``text[start:end]`` was cleaned from."""
        if self._cleaned is None:
            raise ValueError("this document keeps no raw offsets")
        return self._cleaned.raw_span(start, end)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[TaggedSentence]:
        return iter(self.items)

    @overload
    def __getitem__(self, index: int) -> TaggedSentence: ...
    @overload
    def __getitem__(self, index: slice) -> TaggedDocument: ...

    def __getitem__(self, index: int | slice) -> TaggedSentence | TaggedDocument:
        if isinstance(index, slice):
            return replace(self, items=self.items[index])
        return self.items[index]

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per item, with ``file`` first (see :data:`RECORD_FIELDS`)."""
        return [_ordered({"file": self.name, **s.to_record(self.names)}) for s in self.items]


def tag_document(
    source: DocumentSource,
    *,
    min_score: float | None = None,
    tagger: Tagger | None = None,
    name: str | None = None,
    prior: Prior = DEFAULT_PRIOR,
) -> TaggedDocument:
    """Clean, segment and tag a whole document.

    Parameters
    ----------
    source : str, bytes or file object
        The document's text, its bytes (``.txt`` in UTF-8, UTF-8 with BOM,
        UTF-16 or UTF-32 with BOM or GB18030, or ``.docx`` with the ``docx``
        extra; see :func:`dimtag.reading.decode_bytes`),
        or a binary or text file object. A str is always text, never a
        path: use :func:`tag_file` for files.
    min_score : float, optional
        Items whose score (the final dimension's probability under the
        combined evidence) is below this abstain (``dimension=None``).
        Default: the threshold chosen at training time from the calibration
        (``tagger.min_score``). With 0, items still abstain where they speak
        to no dimension (``none`` wins, or their role says so) or hold
        nothing to tag.
    tagger : Tagger, optional
        Default: the model of :func:`dimtag.tag`.
    name : str, optional
        The document's name in the result (default: from the source).
    prior : Prior, optional
        How much the structure weighs (see :class:`dimtag.decision.Prior`).

    Returns
    -------
    TaggedDocument

    Examples
    --------
    >>> doc = tag_document("一、存在的问题\\n（二）在政治素质方面。一是政治站位不高。二是政治纪律执行不严。")
    >>> [(s.text, str(s.dimension), s.by, s.point) for s in doc]
    [('一是政治站位不高。', 'politics', 'heading', 0), ('二是政治纪律执行不严。', 'politics', 'heading', 1)]
    >>> doc.text[doc[1].start:doc[1].end]
    '二是政治纪律执行不严。'
    """
    read = load_source(source)
    return _tag_source(read, name or read.name, min_score, tagger, prior)


def tag_file(
    path: str | os.PathLike[str], *, min_score: float | None = None, tagger: Tagger | None = None,
    prior: Prior = DEFAULT_PRIOR,
) -> TaggedDocument:
    """Read a document file and tag it (see :func:`tag_document`).

    Raises
    ------
    DocumentError
        The file is missing, unreadable, undecodable, binary or too large.
    """
    return _tag_source(load_file(path), str(path), min_score, tagger, prior)


def _cleaned_outline(source: Source, cleaned: CleanedText) -> dict[int, OutlineMark]:
    """The outline's marks moved from raw line starts to cleaned line starts."""
    if not source.outline:
        return {}
    text, raw_index = cleaned.text, cleaned.raw_index
    marks = {}
    for mark in source.outline:
        at = int(np.searchsorted(raw_index, mark.start))
        raw_end = source.text.find("\n", mark.start)
        raw_end = len(source.text) if raw_end < 0 else raw_end
        if at >= len(text) or raw_index[at] >= raw_end:
            continue  # the whole line was dropped
        line_start = text.rfind("\n", 0, at) + 1
        marks[line_start] = replace(mark, start=line_start)
    return marks


def _pooled_scope(segments: list[Segment], item: Segment) -> int:
    """The heading whose items pool their evidence: a section (not a part) that names no part of the document.

    A part (一、存在的问题, 三、整改措施) holds every dimension, so its items
    say nothing about each other.
    """
    if item.scope < 0:
        return -1
    heading = segments[item.scope]
    return item.scope if heading.kind == "section" and section_named(heading.text) == "other" else -1


def _context(segments: list[Segment], items: list[Segment], labels: list[Label], heading_proba: np.ndarray | None) -> Context:
    """What the structure says about each item, as arrays for :func:`dimtag.decision.decide`."""
    column = {str(label): i for i, label in enumerate(labels)}

    def index(d: Label | None) -> int:
        return column.get(str(d), -1) if d is not None else -1

    return Context(
        heading=np.array([index(s.heading_dimension) for s in items], dtype=np.intp),
        point_title=np.array([index(s.point_dimension) for s in items], dtype=np.intp),
        point=np.array([-1 if s.point is None else s.point for s in items], dtype=np.intp),
        section=np.array([_pooled_scope(segments, s) for s in items], dtype=np.intp),
        no_dimension=np.array([s.role != "content" for s in items], dtype=bool),
        heading_proba=heading_proba,
        part=np.array([_PART.get(s.section, -1) for s in items], dtype=np.intp),
        place=np.array([_PLACE.get(s.role, 0) for s in items], dtype=np.intp),
        scope=np.array([s.scope for s in items], dtype=np.intp),
        length=np.array([s.end - s.start for s in items], dtype=np.intp),
    )


# The role a part heading names, as an index into ROLES; where the segmenter reads each item.
_PART = {r: i for i, r in enumerate(ROLES) if r != OTHER}
_PLACE = {"content": 0, "intro": 1, "lead": 1, "closing": 2, "fact": 3, "definition": 3}
assert set(_PLACE.values()) == set(range(len(PLACES)))


def _roles(decisions: Decisions, items: list[Segment]) -> tuple[list[Role], list[float]]:
    """Each item's role: the model's; for a model trained without roles, ``other`` where it abstains and
    otherwise the part it stands in (``problem`` outside parts)."""
    if len(decisions.role):
        return [Role(r) for r in decisions.role], [float(x) for x in decisions.role_score]
    roles = [
        Role.OTHER if abstain else Role(seg.section if seg.section != OTHER else Role.PROBLEM.value)
        for abstain, seg in zip(decisions.abstain, items)
    ]
    return roles, [1.0] * len(items)


@dataclass(frozen=True)
class DocumentStructure:
    """A document read, cleaned and segmented, before any model work.

    Attributes
    ----------
    text : str
        The cleaned text.
    items : list of Segment
        The pieces to tag, in document order.
    headings : list of Segment
        The headings.
    segments : list of Segment
        Everything, in order (items' ``scope`` indexes into it).
    dropped : list of Dropped
        What cleaning removed.
    model_text : str
        ``text`` in simplified glyphs, character for character: what the
        structure was read from and what the model reads. Segments keep
        the text as written.
    """

    text: str
    items: list[Segment]
    headings: list[Segment]
    segments: list[Segment]
    dropped: list[Dropped]
    cleaned: CleanedText
    model_text: str = ""

    def model_texts(self, segments: list[Segment]) -> list[str]:
        """What the model reads of each segment: its text in simplified glyphs (see :mod:`dimtag.glyphs`)."""
        source = self.model_text or self.text
        return [source[s.start : s.end] for s in segments]


def read_structure(source: DocumentSource, heading_label: HeadingReader = dimension_named) -> DocumentStructure:
    """Read, clean and segment a document (str is text, as in :func:`tag_document`).

    The learning tools read annotated documents through it, so that the
    document decision is fitted on exactly what :func:`tag_document` sees.
    ``heading_label`` reads the label a heading names (see :func:`dimtag.segment`).
    """
    return _structure(load_source(source), heading_label)


def _structure(source: Source, heading_label: HeadingReader = dimension_named) -> DocumentStructure:
    cleaned = clean_document(source.text, join_lines=not source.paragraphs)
    # Traditional glyphs are read in simplified ones (headings, parts, the model); the text stays as written.
    simple = to_simplified(cleaned.text)
    try:
        segments = segment(simple, _cleaned_outline(source, cleaned), heading_label, max_items=MAX_DOCUMENT_ITEMS)
    except DocumentError as exc:  # too many items: say which document
        raise DocumentError(f"{source.name}: {exc}") from None
    if simple != cleaned.text:
        segments = _as_written(segments, cleaned.text)
    items = [s for s in segments if s.kind == "item"]
    headings = [s for s in segments if s.kind != "item"]
    claims = _claim_items(segments)
    if claims:
        # A claim heads the point below it: one problem, its title line and its paragraph.
        first_point = {}
        for s in items:
            if s.scope >= 0 and s.scope not in first_point:
                first_point[s.scope] = s.point
        claims = [c._replace(point=first_point.get(c.scope)) for c in claims]
        items = sorted(items + claims, key=lambda s: (s.start, s.kind != "item"))
    return DocumentStructure(cleaned.text, items, headings, segments, list(cleaned.dropped), cleaned, simple)


def _as_written(segments: list[Segment], text: str) -> list[Segment]:
    """Segments read from the simplified text, with their texts (and their headings' texts) as written."""
    written = {s.text: text[s.start : s.end] for s in segments if s.kind != "item"}
    return [
        s._replace(
            text=text[s.start : s.end], heading=written.get(s.heading, s.heading) if s.heading else s.heading,
            headings=tuple(written.get(h, h) for h in s.headings),
        )
        for s in segments
    ]


def _claim_items(segments: list[Segment]) -> list[Segment]:
    """Section headings that make a claim ((二)宗旨意识有所淡化。), as items too.

    Such a line heads the sentences under it and is also a statement of its
    own: a reader counts it as a problem (or a measure, or an achievement).
    It stays a heading for the structure; its copy as an item takes the
    dimension of the headings above it as ``heading_dimension`` and the one
    it names itself as ``point_dimension``, its own scope (the items it
    heads) as ``scope``, and (in :func:`_structure`) the point of the first
    item it heads. Topic headings (（二）理论学习方面) make no claim.
    """
    out = []
    stack: list[tuple[int, Label | None]] = []
    for index, seg in enumerate(segments):
        if seg.kind == "item":
            continue
        while stack and stack[-1][0] >= seg.level:
            stack.pop()
        enclosing = next((d for _, d in reversed(stack) if d is not None), None)
        if seg.kind == "section" and has_content(seg.text) and not is_topic(seg.text) and seg.level > 0:
            out.append(seg._replace(
                kind="item", heading_dimension=enclosing, point_dimension=seg.heading_dimension, level=0, scope=index,
                point=None,
            ))
        stack.append((seg.level, seg.heading_dimension))
    return out


def structure_context(structure: DocumentStructure, labels: list[Label]) -> Context:
    """What the structure says about each item, for :meth:`Tagger.decide` (label indices follow ``labels``)."""
    return _context(structure.segments, structure.items, labels, None)


def _tag_source(
    source: Source, name: str, min_score: float | None, tagger: Tagger | None, prior: Prior,
) -> TaggedDocument:
    tagger = tagger or default_tagger()
    framework = tagger.framework_
    # The model's framework says which heading words name which of its labels.
    read = _structure(source, framework.heading_label)
    segments, items, text, cleaned = read.segments, read.items, read.text, read.cleaned
    headings, dropped = read.headings, read.dropped
    names = dict(framework.names)
    if not items:
        return TaggedDocument(name, text, [], headings, dropped, cleaned, names)
    labels = tagger.labels_
    pooled = [_pooled_scope(segments, s) for s in items]
    scopes = sorted(set(pooled) - {-1})
    heading_proba = None
    if scopes and prior.heading_reading and not tagger.has_roles:
        # The model's reading of a section heading that names no dimension is evidence too
        # (weight 0 by default: then the extra model pass is skipped).
        read_p = tagger.predict_proba(read.model_texts([segments[i] for i in scopes]))
        rows = {i: k for k, i in enumerate(scopes)}
        heading_proba = np.full((len(items), read_p.shape[1]), np.nan)
        for j, scope in enumerate(pooled):
            if scope >= 0:
                heading_proba[j] = read_p[rows[scope]]
    context = _context(segments, items, labels, heading_proba)
    decisions = tagger.decide(read.model_texts(items), min_score=min_score, context=context, prior=prior)
    roles, role_scores = _roles(decisions, items)
    tagged = []
    for index, seg in enumerate(items):
        best = int(decisions.best[index])
        dim: Label | None = None if decisions.abstain[index] else labels[best]
        tagged.append(
            TaggedSentence(
                index, seg.text, seg.start, seg.end, roles[index], role_scores[index], dim, float(decisions.score[index]),
                decisions.by[index], labels[int(decisions.model_best[index])],
                float(decisions.model_score[index]), seg.heading, seg.section, seg.point, seg.headings,
            )
        )
    return TaggedDocument(name, text, tagged, headings, dropped, cleaned, names)

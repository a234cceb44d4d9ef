"""Tagging whole documents: clean, segment, then tag each item, heading-aware."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from .cleaning import clean
from .dimensions import Dimension
from .reading import DocumentSource, read_document
from .segmentation import Segment, segment
from .tagger import Tagger, default_tagger

__all__ = ["TaggedSentence", "TaggedDocument", "tag_document"]


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
    dimension : Dimension or None
        None when the model abstains: the item speaks to no dimension (an
        introduction, a procedural or closing formula), or the model's top
        score is under ``min_score``.
    score : float
        The model's probability for ``dimension`` (for an abstention, for
        its best guess).
    by : {"heading", "model"}
        ``heading`` when a section heading names the dimension.
    heading : str or None
        The nearest heading above the item.
    section : {"problem", "cause", "measure", "other"}
        The part of the document, from its part headings.
    """

    index: int
    text: str
    start: int
    end: int
    dimension: Dimension | None
    score: float
    by: Literal["heading", "model"]
    heading: str | None
    section: str

    def to_record(self) -> dict[str, object]:
        """A flat dict for JSON or CSV, with the dimension's id and Chinese name."""
        record = asdict(self)
        record["dimension"] = self.dimension.value if self.dimension else None
        record["dimension_zh"] = self.dimension.zh if self.dimension else None
        record["score"] = round(self.score, 4)
        return record


class TaggedDocument(list):
    """The tagged items of a document: a list of TaggedSentence.

    Attributes
    ----------
    name : str
        The path, or ``<text>``/``<stream>`` for other sources.
    text : str
        The cleaned text that the offsets index into.
    headings : list of Segment
        The headings found (title, part and section headings).
    """

    def __init__(self, items: list[TaggedSentence], name: str, text: str, headings: list[Segment]):
        super().__init__(items)
        self.name = name
        self.text = text
        self.headings = headings


def tag_document(
    source: DocumentSource,
    *,
    min_score: float | None = None,
    tagger: Tagger | None = None,
) -> TaggedDocument:
    """Clean, segment and tag a whole document.

    Parameters
    ----------
    source : str, path, bytes or binary file object
        The document's text, or where to read it (``.txt`` in UTF-8,
        UTF-8 with BOM or GB18030; ``.docx`` with the ``docx`` extra).
    min_score : float, optional
        The model abstains (``dimension=None``) when its top probability
        is below this. Default: the threshold chosen at training time from
        the calibration (``tagger.min_score``); pass 0 never to abstain.
        Heading-given dimensions never abstain.
    tagger : Tagger, optional
        Default: the shipped model.

    Returns
    -------
    TaggedDocument
        A list of :class:`TaggedSentence`, in document order.

    Examples
    --------
    >>> doc = tag_document("一、存在的问题\\n（二）在政治素质方面。一是政治站位不高。二是学习不够。")
    >>> [(s.text, str(s.dimension), s.by) for s in doc]
    [('一是政治站位不高。', 'politics', 'heading'), ('二是学习不够。', 'politics', 'heading')]
    >>> doc.text[doc[1].start:doc[1].end]
    '二是学习不够。'
    """
    tagger = tagger or default_tagger()
    threshold = tagger.min_score if min_score is None else float(min_score)
    name, raw = read_document(source)
    text = clean(raw)
    segments = segment(text)
    items = [s for s in segments if s.kind == "item"]
    headings = [s for s in segments if s.kind != "item"]
    if not items:
        return TaggedDocument([], name, text, headings)
    texts = [s.text for s in items]
    proba, is_none = tagger.predict_proba(texts)
    column = {d: i for i, d in enumerate(tagger.dimensions)}
    tagged = []
    for index, seg in enumerate(items):
        row = proba[index]
        if seg.heading_dimension is not None:
            dim: Dimension | None = seg.heading_dimension
            score, by = row[column[seg.heading_dimension]], "heading"
        else:
            best = int(row.argmax())
            score, by = row[best], "model"
            abstain = bool(is_none[index]) or score < threshold
            dim = None if abstain else tagger.dimensions[best]
        tagged.append(
            TaggedSentence(index, seg.text, seg.start, seg.end, dim, float(score), by, seg.heading, seg.section)  # type: ignore[arg-type]
        )
    return TaggedDocument(tagged, name, text, headings)

"""Tagging whole documents: clean, segment, then tag each item, heading-aware.

:func:`tag_document` takes text (or bytes, or a file object); :func:`tag_file`
takes a path. A string is never looked up on disk.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal, overload

from .cleaning import clean
from .dimensions import Dimension
from .reading import DocumentSource, read_document, read_source
from .segmentation import Segment, segment
from .tagger import Label, Tagger, default_tagger

__all__ = ["TaggedSentence", "TaggedDocument", "RECORD_FIELDS", "tag_document", "tag_file"]

#: The fields of one record, in the order of the CLI's CSV and JSONL output.
RECORD_FIELDS = (
    "file", "index", "start", "end", "dimension", "dimension_zh", "score", "by",
    "model_dimension", "model_score", "section", "heading", "text",
)

By = Literal["heading", "model"]


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
        The final answer; None when the item speaks to no dimension (an
        introduction, a procedural or closing formula), or the model's top
        score is under ``min_score``.
    score : float
        The probability of ``dimension`` (for an abstention, of the model's
        best guess).
    by : {"heading", "model"}
        Which evidence decided: a heading that names the dimension, or the
        model reading the item alone.
    model_dimension : Dimension
        The model's own best dimension for the item, whatever decided.
    model_score : float
        Its probability.
    heading : str or None
        The nearest heading above the item.
    section : {"problem", "cause", "measure", "other"}
        The part of the document, from its part headings.
    """

    index: int
    text: str
    start: int
    end: int
    dimension: Label | None
    score: float
    by: By
    model_dimension: Label
    model_score: float
    heading: str | None
    section: str

    def to_record(self) -> dict[str, Any]:
        """A flat dict for JSON or CSV (without ``file``), with ids and Chinese names."""
        record = asdict(self)
        record["dimension"] = _label_id(self.dimension)
        record["dimension_zh"] = self.dimension.zh if isinstance(self.dimension, Dimension) else None
        record["model_dimension"] = _label_id(self.model_dimension)
        record["score"] = round(self.score, 4)
        record["model_score"] = round(self.model_score, 4)
        return record


def _ordered(record: dict[str, Any]) -> dict[str, Any]:
    return {k: record[k] for k in RECORD_FIELDS}


def _label_id(label: Label | None) -> str | None:
    return None if label is None else str(label)


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
    """

    name: str
    text: str
    items: list[TaggedSentence] = field(default_factory=list)
    headings: list[Segment] = field(default_factory=list)

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
        return [_ordered({"file": self.name, **s.to_record()}) for s in self.items]


def tag_document(
    source: DocumentSource,
    *,
    min_score: float | None = None,
    tagger: Tagger | None = None,
    name: str | None = None,
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
        Items whose best score is below this abstain (``dimension=None``).
        Default: the threshold chosen at training time from the calibration
        (``tagger.min_score``). With 0, items still abstain where the model
        finds they speak to no dimension (``none``) or hold nothing to tag.
        Heading-given dimensions never abstain.
    tagger : Tagger, optional
        Default: the model of :func:`dimtag.tag`.
    name : str, optional
        The document's name in the result (default: from the source).

    Returns
    -------
    TaggedDocument

    Examples
    --------
    >>> doc = tag_document("一、存在的问题\\n（二）在政治素质方面。一是政治站位不高。二是学习不够。")
    >>> [(s.text, str(s.dimension), s.by) for s in doc]
    [('一是政治站位不高。', 'politics', 'heading'), ('二是学习不够。', 'politics', 'heading')]
    >>> doc.text[doc[1].start:doc[1].end]
    '二是学习不够。'
    >>> str(doc[1].model_dimension)
    'theory'
    """
    source_name, raw = read_source(source)
    return _tag_text(raw, name or source_name, min_score, tagger)


def tag_file(
    path: str | os.PathLike[str], *, min_score: float | None = None, tagger: Tagger | None = None
) -> TaggedDocument:
    """Read a document file and tag it (see :func:`tag_document`).

    Raises
    ------
    DocumentError
        The file is missing, unreadable, undecodable, binary or too large.
    """
    return _tag_text(read_document(path), str(path), min_score, tagger)


def _tag_text(raw: str, name: str, min_score: float | None, tagger: Tagger | None) -> TaggedDocument:
    tagger = tagger or default_tagger()
    text = clean(raw)
    segments = segment(text)
    items = [s for s in segments if s.kind == "item"]
    headings = [s for s in segments if s.kind != "item"]
    if not items:
        return TaggedDocument(name, text, [], headings)
    decisions = tagger.decide([s.text for s in items], min_score=min_score)
    labels = tagger.labels_
    column = {str(label): i for i, label in enumerate(labels)}
    tagged = []
    for index, seg in enumerate(items):
        model_best, model_score = int(decisions.best[index]), float(decisions.score[index])
        named = seg.heading_dimension
        if named is not None and named.value in column:
            dim: Label | None = labels[column[named.value]]
            score, by = float(decisions.proba[index, column[named.value]]), "heading"
        else:
            dim = None if decisions.abstain[index] else labels[model_best]
            score, by = model_score, "model"
        tagged.append(
            TaggedSentence(
                index, seg.text, seg.start, seg.end, dim, score, by,  # type: ignore[arg-type]
                labels[model_best], model_score, seg.heading, seg.section,
            )
        )
    return TaggedDocument(name, text, tagged, headings)


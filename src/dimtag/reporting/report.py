"""Build a reviewer's report over a folder of materials: the :class:`Report` and :func:`report`."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..dimensions import Dimension
from ..document import TaggedDocument, tag_file
from ..errors import DocumentError
from ..framework import Framework
from ..tagger import Tagger, default_tagger
from .columns import FLAG_KINDS, PERSON_ZH, SIX, TableSpec, columns, tables_for
from .concreteness import EVIDENCE_KINDS, evidence, genericity
from .copying import find_copies
from .coverage import DEFAULT_EXPECT, coverage, coverage_flags, parse_dimensions
from .points import points_of

__all__ = ["DOCUMENT_SUFFIXES", "Report", "report"]

log = logging.getLogger(__name__)

#: The files a folder contributes to a report.
DOCUMENT_SUFFIXES = (".txt", ".docx")
#: How many of a document's problems are listed as its most generic.
MOST_GENERIC = 3


@dataclass
class Report:
    """A reviewer's report: tables as lists of records, and the texts they point into.

    Attributes
    ----------
    tables : dict of str to list of dict
        ``documents``, ``coverage``, ``flags``, ``concreteness``, ``copying``,
        ``formulas`` and ``sentences`` (see :attr:`spec` for their columns).
        Offsets index each document's cleaned text.
    texts : dict of str to str
        Each document's cleaned text, by file name.
    expect : tuple of str
        The required labels (:class:`Dimension` for the six).
    skipped : list of str
        Files that could not be read (with ``errors="skip"``), with the reason.
    labels : tuple of (str, str)
        The model's labels as (id, display name), in its order.
    notes : list of str
        What the reader of the report should know about how it was made (in
        Chinese), e.g. that the model's headings give no evidence.
    """

    tables: dict[str, list[dict[str, Any]]]
    texts: dict[str, str]
    expect: tuple[str, ...] = DEFAULT_EXPECT
    skipped: list[str] = field(default_factory=list)
    labels: tuple[tuple[str, str], ...] = SIX
    notes: list[str] = field(default_factory=list)

    def __getitem__(self, table: str) -> list[dict[str, Any]]:
        return self.tables[table]

    @property
    def spec(self) -> TableSpec:
        """The tables' sheet names and columns, with one column per label of the model."""
        return tables_for(self.labels)

    def frames(self) -> dict[str, Any]:
        """The tables as pandas DataFrames (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("Report.frames() needs pandas: pip install pandas") from None
        return {name: pd.DataFrame(rows, columns=columns(name, self.spec)) for name, rows in self.tables.items()}

    def write(self, path: str | os.PathLike[str], *, bom: bool = False) -> list[Path]:
        """Write the report; the format follows the name.

        ``.xlsx`` (needs the ``report`` extra), ``.html``, ``.csv`` (one file
        per table beside it: ``NAME-documents.csv`` …), or an existing folder
        or a name ending in ``/`` (``documents.csv`` … inside it). ``bom``
        starts each CSV with the UTF-8 byte order mark that Excel needs.

        Returns
        -------
        list of Path
            The files written.
        """
        target = str(path)
        suffix = Path(target).suffix.lower()
        if suffix == ".xlsx":
            from .xlsx import write_xlsx

            return [write_xlsx(self, target)]
        if suffix in (".html", ".htm"):
            from .html import write_html

            return [write_html(self, target)]
        if suffix == ".csv" or target.endswith(("/", os.sep)) or os.path.isdir(target):
            from .csvfiles import write_csv_tables

            return write_csv_tables(self, target, bom=bom)
        raise ValueError(f"{target}: the report is written as .xlsx, .html, .csv or into a folder")


def _expand(sources: Iterable[Any]) -> list[Any]:
    """Files and documents, with folders replaced by their documents (recursively, sorted)."""
    found: list[Any] = []
    for source in sources:
        if isinstance(source, TaggedDocument):
            found.append(source)
            continue
        path = Path(source)
        if path.is_dir():
            found.extend(
                str(p) for p in sorted(path.rglob("*"))
                if p.suffix.lower() in DOCUMENT_SUFFIXES and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append(str(path))
    return found


def report(
    sources: Iterable[Any],
    *,
    expect: Sequence[str | Dimension] | None = None,
    tagger: Tagger | None = None,
    min_score: float | None = None,
    formula_share: float = 0.25,
    min_copy_chars: int = 40,
    thin_chars: int = 25,
    vague_share: float = 0.25,
    errors: Literal["raise", "skip"] = "raise",
) -> Report:
    """Review a folder of materials: coverage, concreteness and copying.

    Parameters
    ----------
    sources : iterable of path or TaggedDocument
        Files, folders (their ``.txt`` and ``.docx`` files, recursively) or
        documents already tagged.
    expect : sequence of str or Dimension, optional
        The required labels, by id or display name (default: every label of
        the model; the six dimensions for the shipped one).
    tagger, min_score
        As for :func:`dimtag.tag_document`.
    formula_share : float
        A phrase in more than this share of the documents (and in at least
        three) is formula language: listed once, never a copied pair.
    min_copy_chars : int
        A copied passage holds at least this many matching letters, digits
        and Han characters outside formula language.
    thin_chars : int
        A required dimension whose problems hold fewer characters is thin.
    vague_share : float
        A document whose share of concrete problems is below this is vague.
    errors : {"raise", "skip"}
        What to do with a file that cannot be read: raise its
        :class:`~dimtag.DocumentError`, or leave it out and list it in
        :attr:`Report.skipped`.

    Returns
    -------
    Report

    Examples
    --------
    >>> from dimtag import tag_document
    >>> doc = tag_document("一、存在的问题\\n（一）在理论学习方面。一是学习不够深入，比如今年只读了2本书。", name="a.txt")
    >>> r = report([doc])
    >>> r["coverage"][0]["dimension"], r["coverage"][0]["problems"]
    ('theory', 1)
    >>> sorted({f["kind"] for f in r["flags"]})
    ['missing', 'no_measure', 'thin']
    """
    if errors not in ("raise", "skip"):
        raise ValueError("errors must be 'raise' or 'skip'")
    tagger = tagger or default_tagger()
    framework = tagger.framework_
    expected = parse_dimensions(framework.labels if expect is None else expect, framework)
    docs: list[TaggedDocument] = []
    skipped: list[str] = []
    for source in _expand(sources):
        if isinstance(source, TaggedDocument):
            docs.append(source)
            continue
        try:
            docs.append(tag_file(source, min_score=min_score, tagger=tagger))
        except DocumentError as exc:
            if errors == "raise":
                raise
            log.info("%s", exc)
            skipped.append(str(exc))
    return _build(docs, expected, formula_share, min_copy_chars, thin_chars, vague_share, skipped, framework)


#: The report's note when the model's headings give no evidence.
NO_HEADING_LEXICON = "本模型没有标题词表：文档的小标题不作为维度依据，各句的维度只由模型和问题序号判断。"


def _build(
    docs: Sequence[TaggedDocument], expect: tuple[str, ...], formula_share: float, min_copy_chars: int,
    thin_chars: int, vague_share: float, skipped: list[str], framework: Framework,
) -> Report:
    names = framework.names
    labels = framework.labels
    spec = tables_for(tuple(names.items()))
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in spec}
    records = [doc.to_records() for doc in docs]
    points = [points_of(r) for r in records]
    problems = [[p for p in doc_points if p.section == "problem" and p.dimension] for doc_points in points]
    generic = genericity([[p.text for p in probs] for probs in problems])
    copies = find_copies([doc.text for doc in docs], min_chars=min_copy_chars, formula_share=formula_share)
    copied_chars = [0] * len(docs)
    reduced_len = [sum(ch.isalnum() for ch in doc.text) for doc in docs]
    pair_chars: dict[tuple[int, int], int] = {}
    for c in copies.passages:
        pair_chars[(c.doc_a, c.doc_b)] = pair_chars.get((c.doc_a, c.doc_b), 0) + c.chars
        copied_chars[c.doc_a] += c.chars
        copied_chars[c.doc_b] += c.chars

    for d, doc in enumerate(docs):
        doc_flags: list[tuple[str, str | None, str]] = []
        rows = coverage(points[d], expect, labels)
        doc_flags.extend(coverage_flags(rows, expect, thin_chars=thin_chars, names=names))
        for row in rows:
            tables["coverage"].append({
                "file": doc.name, "dimension": str(row.dimension), "dimension_zh": names[str(row.dimension)],
                "required": row.dimension in expect, "problems": row.problems, "causes": row.causes,
                "measures": row.measures, "problem_chars": row.problem_chars,
            })

        evidences = [evidence(p.text) for p in problems[d]]
        # The most generic problems: the formula-like ones, so concrete problems are never listed.
        vague = sorted((i for i, ev in enumerate(evidences) if not ev.concrete), key=lambda i: -generic[d][i])
        most_generic = set(vague[:MOST_GENERIC])
        for i, (p, ev) in enumerate(zip(problems[d], evidences)):
            tables["concreteness"].append({
                "file": doc.name, "point": p.id, "start": p.start, "end": p.end, "dimension": p.dimension,
                "dimension_zh": names.get(p.dimension or "", p.dimension), "concrete": ev.concrete,
                **{kind: "、".join(getattr(ev, kind)) for kind in EVIDENCE_KINDS},
                "person": PERSON_ZH[ev.person], "genericity": generic[d][i], "most_generic": i in most_generic,
                "text": p.text,
            })
        share = sum(ev.concrete for ev in evidences) / len(evidences) if evidences else 0.0
        if evidences and share < vague_share:
            doc_flags.append(("vague", None, f"{len(evidences)}条问题中只有{sum(ev.concrete for ev in evidences)}条有具体事例、数字、时间或具名事项"))
        others = sum(ev.person == "others" for ev in evidences)
        if others:
            doc_flags.append(("about_others", None, f"{others}条问题谈的是“有的同志”等他人"))
        for (a, b), chars in pair_chars.items():
            if d in (a, b):
                other = Path(docs[b if d == a else a].name).name
                doc_flags.append(("copied", None, f"与{other}有{chars}字相同段落"))

        for kind, dim, detail in doc_flags:
            tables["flags"].append({
                "file": doc.name, "kind": kind, "kind_zh": FLAG_KINDS[kind], "dimension": str(dim) if dim else None,
                "dimension_zh": names.get(str(dim), str(dim)) if dim else None, "detail": detail,
            })
        titles = [h.text for h in doc.headings if h.kind == "title"]
        point_of = {index: p.id for p in points[d] for index in p.records}
        tables["documents"].append({
            "file": doc.name, "title": titles[0] if titles else "", "chars": len(doc.text),
            "problems": len(problems[d]), "concrete_share": round(share, 3), "flags": len(doc_flags),
            "copied_chars": copied_chars[d],
            **{f"{r.dimension}_{part}": getattr(r, part) for r in rows for part in ("problems", "causes", "measures")},
        })
        for record in records[d]:
            tables["sentences"].append({**record, "point": record.get("point", point_of.get(record["index"]))})

    for c in copies.passages:
        doc_a, doc_b = docs[c.doc_a], docs[c.doc_b]
        tables["copying"].append({
            "file_a": doc_a.name, "start_a": c.start_a, "end_a": c.end_a, "file_b": doc_b.name, "start_b": c.start_b,
            "end_b": c.end_b, "chars": c.chars, "similarity": c.similarity,
            "containment": round(pair_chars[(c.doc_a, c.doc_b)] / max(1, min(reduced_len[c.doc_a], reduced_len[c.doc_b])), 3),
            "text_a": doc_a.text[c.start_a : c.end_a], "text_b": doc_b.text[c.start_b : c.end_b],
        })
    for f in copies.formulas:
        tables["formulas"].append({"text": f.text, "documents": f.documents, "share": round(f.documents / max(1, len(docs)), 3)})
    notes = [] if framework.reads_headings else [NO_HEADING_LEXICON]
    return Report(tables, {doc.name: doc.text for doc in docs}, expect, skipped, tuple(names.items()), notes)

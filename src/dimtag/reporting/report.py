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
from ..tagger import Tagger, default_tagger
from .columns import FLAG_KINDS, PERSON_ZH, TABLES, columns
from .concreteness import EVIDENCE_KINDS, evidence, genericity
from .copying import CopiedPassage, SharedFormula, find_copies
from .coverage import DEFAULT_EXPECT, coverage, coverage_flags, parse_dimensions
from .points import Point, points_of

__all__ = [
    "DOCUMENT_SUFFIXES", "Report", "copying_rows", "document_paths", "document_rows", "document_title", "formula_rows",
    "problem_texts", "report",
]

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
        ``formulas`` and ``sentences`` (see :data:`dimtag.reporting.columns.TABLES`
        for their columns). Offsets index each document's cleaned text.
    texts : dict of str to str
        Each document's cleaned text, by file name.
    expect : tuple of Dimension
        The required dimensions.
    skipped : list of str
        Files that could not be read (with ``errors="skip"``), with the reason.
    """

    tables: dict[str, list[dict[str, Any]]]
    texts: dict[str, str]
    expect: tuple[Dimension, ...] = DEFAULT_EXPECT
    skipped: list[str] = field(default_factory=list)

    def __getitem__(self, table: str) -> list[dict[str, Any]]:
        return self.tables[table]

    def frames(self) -> dict[str, Any]:
        """The tables as pandas DataFrames (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("Report.frames() needs pandas: pip install pandas") from None
        return {name: pd.DataFrame(rows, columns=columns(name)) for name, rows in self.tables.items()}

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


def document_paths(sources: Iterable[Any]) -> list[Any]:
    """Files and documents, with folders replaced by their documents (recursively, sorted), in the report's order."""
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
    expect: Sequence[str | Dimension] = DEFAULT_EXPECT,
    tagger: Tagger | None = None,
    min_score: float | None = None,
    formula_share: float = 0.25,
    min_copy_chars: int = 40,
    thin_chars: int = 25,
    vague_share: float = 0.25,
    errors: Literal["raise", "skip"] = "raise",
    ignore: Iterable[str] = (),
) -> Report:
    """Review a folder of materials: coverage, concreteness and copying.

    Parameters
    ----------
    sources : iterable of path or TaggedDocument
        Files, folders (their ``.txt`` and ``.docx`` files, recursively) or
        documents already tagged.
    expect : sequence of str or Dimension
        The required dimensions, by id or Chinese name (default: the six).
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
    ignore : iterable of str
        Phrases that are formula language wherever they occur, beside those
        found by ``formula_share``: never copying, and not listed.

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
    expected = parse_dimensions(expect)
    if errors not in ("raise", "skip"):
        raise ValueError("errors must be 'raise' or 'skip'")
    tagger = tagger or default_tagger()
    docs: list[TaggedDocument] = []
    skipped: list[str] = []
    for source in document_paths(sources):
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
    return _build(docs, expected, formula_share, min_copy_chars, thin_chars, vague_share, skipped, tuple(ignore))


def _build(
    docs: Sequence[TaggedDocument], expect: tuple[Dimension, ...], formula_share: float, min_copy_chars: int,
    thin_chars: int, vague_share: float, skipped: list[str], ignore: Iterable[str] = (),
) -> Report:
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    records = [doc.to_records() for doc in docs]
    generic = genericity([problem_texts(r) for r in records])
    copies = find_copies([doc.text for doc in docs], min_chars=min_copy_chars, formula_share=formula_share, ignore=ignore)
    by_pair: dict[tuple[int, int], list[CopiedPassage]] = {}
    for c in copies.passages:
        by_pair.setdefault((c.doc_a, c.doc_b), []).append(c)
    for d, doc in enumerate(docs):
        copied = [(docs[b if d == a else a].name, sum(c.chars for c in found)) for (a, b), found in by_pair.items() if d in (a, b)]
        rows = document_rows(
            doc.name, doc.text, document_title(doc), records[d], generic[d], copied,
            expect=expect, thin_chars=thin_chars, vague_share=vague_share,
        )
        for name, table_rows in rows.items():
            tables[name].extend(table_rows)
    for (a, b), found in by_pair.items():
        tables["copying"].extend(copying_rows(docs[a].name, docs[a].text, docs[b].name, docs[b].text, found))
    tables["formulas"] = formula_rows(copies.formulas, len(docs))
    return Report(tables, {doc.name: doc.text for doc in docs}, expect, skipped)


# The tables of one document, of one copied pair and of the formulas: public
# so that a distributed run (dimtag.spark) builds its rows with this very code.


def document_title(doc: TaggedDocument) -> str:
    """The document's title heading, or ``""``."""
    titles = [h.text for h in doc.headings if h.kind == "title"]
    return titles[0] if titles else ""


def _problems(points: Sequence[Point]) -> list[Point]:
    return [p for p in points if p.section == "problem" and p.dimension]


def problem_texts(records: Sequence[dict[str, Any]]) -> list[str]:
    """The texts of a document's problems (points in the problem part with a dimension), from its records."""
    return [p.text for p in _problems(points_of(records))]


def document_rows(
    name: str, text: str, title: str, records: Sequence[dict[str, Any]], generic: Sequence[float],
    copied: Sequence[tuple[str, int]], *, expect: tuple[Dimension, ...] = DEFAULT_EXPECT, thin_chars: int = 25,
    vague_share: float = 0.25,
) -> dict[str, list[dict[str, Any]]]:
    """One document's rows of the ``coverage``, ``concreteness``, ``flags``, ``documents`` and ``sentences`` tables.

    Parameters
    ----------
    name, text, title
        The document's name, cleaned text and title (:func:`document_title`).
    records : sequence of dict
        Its records (:meth:`dimtag.TaggedDocument.to_records`).
    generic : sequence of float
        The genericity of each of its problems (:func:`dimtag.reporting.concreteness.genericity`).
    copied : sequence of (str, int)
        The other document and the characters copied, for each pair it is
        in, in the order of the pairs.
    expect, thin_chars, vague_share
        As for :func:`report`.
    """
    points = points_of(records)
    problems = _problems(points)
    doc_flags: list[tuple[str, Dimension | None, str]] = []
    rows = coverage(points, expect)
    doc_flags.extend(coverage_flags(rows, expect, thin_chars=thin_chars))
    tables: dict[str, list[dict[str, Any]]] = {"coverage": [], "concreteness": [], "flags": [], "documents": [], "sentences": []}
    for row in rows:
        tables["coverage"].append({
            "file": name, "dimension": row.dimension.value, "dimension_zh": row.dimension.zh,
            "required": row.dimension in expect, "problems": row.problems, "causes": row.causes,
            "measures": row.measures, "problem_chars": row.problem_chars,
        })

    evidences = [evidence(p.text) for p in problems]
    # The most generic problems: the formula-like ones, so concrete problems are never listed.
    vague = sorted((i for i, ev in enumerate(evidences) if not ev.concrete), key=lambda i: -generic[i])
    most_generic = set(vague[:MOST_GENERIC])
    for i, (p, ev) in enumerate(zip(problems, evidences)):
        tables["concreteness"].append({
            "file": name, "point": p.id, "start": p.start, "end": p.end, "dimension": p.dimension,
            "dimension_zh": Dimension(p.dimension).zh, "concrete": ev.concrete,
            **{kind: "、".join(getattr(ev, kind)) for kind in EVIDENCE_KINDS},
            "person": PERSON_ZH[ev.person], "genericity": generic[i], "most_generic": i in most_generic,
            "text": p.text,
        })
    share = sum(ev.concrete for ev in evidences) / len(evidences) if evidences else 0.0
    if evidences and share < vague_share:
        doc_flags.append(("vague", None, f"{len(evidences)}条问题中只有{sum(ev.concrete for ev in evidences)}条有具体事例、数字、时间或具名事项"))
    others = sum(ev.person == "others" for ev in evidences)
    if others:
        doc_flags.append(("about_others", None, f"{others}条问题谈的是“有的同志”等他人"))
    for other, chars in copied:
        doc_flags.append(("copied", None, f"与{Path(other).name}有{chars}字相同段落"))

    for kind, dim, detail in doc_flags:
        tables["flags"].append({
            "file": name, "kind": kind, "kind_zh": FLAG_KINDS[kind], "dimension": dim.value if dim else None,
            "dimension_zh": dim.zh if dim else None, "detail": detail,
        })
    point_of = {index: p.id for p in points for index in p.records}
    tables["documents"].append({
        "file": name, "title": title, "chars": len(text),
        "problems": len(problems), "concrete_share": round(share, 3), "flags": len(doc_flags),
        "copied_chars": sum(chars for _, chars in copied),
        **{f"{r.dimension.value}_{part}": getattr(r, part) for r in rows for part in ("problems", "causes", "measures")},
    })
    for record in records:
        tables["sentences"].append({**record, "point": record.get("point", point_of.get(record["index"]))})
    return tables


def copying_rows(
    name_a: str, text_a: str, name_b: str, text_b: str, passages: Sequence[CopiedPassage]
) -> list[dict[str, Any]]:
    """The ``copying`` table's rows of one pair of documents: all the passages they share, in order."""
    pair_chars = sum(c.chars for c in passages)
    shorter = max(1, min(sum(ch.isalnum() for ch in text_a), sum(ch.isalnum() for ch in text_b)))
    return [
        {
            "file_a": name_a, "start_a": c.start_a, "end_a": c.end_a, "file_b": name_b, "start_b": c.start_b,
            "end_b": c.end_b, "chars": c.chars, "similarity": c.similarity, "containment": round(pair_chars / shorter, 3),
            "text_a": text_a[c.start_a : c.end_a], "text_b": text_b[c.start_b : c.end_b],
        }
        for c in passages
    ]


def formula_rows(formulas: Sequence[SharedFormula], n_docs: int) -> list[dict[str, Any]]:
    """The ``formulas`` table's rows."""
    return [{"text": f.text, "documents": f.documents, "share": round(f.documents / max(1, n_docs), 3)} for f in formulas]

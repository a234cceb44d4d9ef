"""Build a reviewer's report over a folder of materials: the :class:`Report` and :func:`report`."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from .._escape import printable
from ..dimensions import Dimension
from ..document import TaggedDocument, tag_file
from ..errors import DocumentError
from ..folders import DOCUMENT_SUFFIXES, collect_documents
from ..tagger import Tagger, default_tagger
from .columns import FLAG_KINDS, PERSON_ZH, TABLES, columns
from .concreteness import EVIDENCE_KINDS, evidence, genericity
from .copying import find_copies
from .coverage import DEFAULT_EXPECT, coverage, coverage_flags, parse_dimensions
from .points import points_of

__all__ = ["DOCUMENT_SUFFIXES", "Report", "report"]

log = logging.getLogger(__name__)

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
        Files skipped, each as ``path: reason``: those a folder holds that are no documents, and
        those that could not be read (with ``errors="skip"``).
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


def _expand(sources: Iterable[Any], follow_links: bool) -> tuple[list[Any], list[tuple[str, str]]]:
    """Files and documents, with folders replaced by their documents by the one folder rule
    (:func:`dimtag.folders.collect_documents`); and the files skipped, with their reasons."""
    if isinstance(sources, (str, os.PathLike, TaggedDocument)):
        sources = [sources]  # one path, never its characters
    found: list[Any] = []
    skipped: list[tuple[str, str]] = []
    for source in sources:
        if isinstance(source, TaggedDocument):
            found.append(source)
            continue
        files, passed = collect_documents([source], follow_links=follow_links)
        found.extend(files)
        skipped.extend((printable(s.path), s.reason) for s in passed)
    return found, skipped


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
    follow_links: bool = False,
) -> Report:
    """Review a folder of materials: coverage, concreteness and copying.

    Parameters
    ----------
    sources : iterable of path or TaggedDocument
        Files, folders (their ``.txt`` and ``.docx`` files, recursively, by
        the rule of :mod:`dimtag.folders`) or documents already tagged. One
        str or path is one source, never a sequence of characters.
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
        :attr:`Report.skipped`. Files a folder holds that are no documents
        (.doc, .wps, .pdf, unreadable, links leaving the folder) are always
        listed there, with the reason.
    follow_links : bool
        Follow symbolic links that lead outside a folder (default: skip them).

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
    sources, skipped = _expand(sources, follow_links)
    for path, reason in skipped:
        log.info("%s: %s", path, reason)
    for source in sources:
        if isinstance(source, TaggedDocument):
            docs.append(source)
            continue
        try:
            doc = tag_file(source, min_score=min_score, tagger=tagger)
            # A file name that is not UTF-8 is shown with its bytes escaped, in every table and writer.
            docs.append(doc if doc.name == printable(doc.name) else replace(doc, name=printable(doc.name)))
        except DocumentError as exc:
            if errors == "raise":
                raise
            log.info("%s", exc)
            shown = printable(str(source))
            message = printable(str(exc))
            skipped.append((shown, message[len(shown) + 2 :] if message.startswith(f"{shown}: ") else message))
    return _build(docs, expected, formula_share, min_copy_chars, thin_chars, vague_share, skipped)


def _build(
    docs: Sequence[TaggedDocument], expect: tuple[Dimension, ...], formula_share: float, min_copy_chars: int,
    thin_chars: int, vague_share: float, skipped: list[tuple[str, str]],
) -> Report:
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    tables["skipped"] = [{"file": path, "reason": reason} for path, reason in skipped]
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
        doc_flags: list[tuple[str, Dimension | None, str]] = []
        rows = coverage(points[d], expect)
        doc_flags.extend(coverage_flags(rows, expect, thin_chars=thin_chars))
        for row in rows:
            tables["coverage"].append({
                "file": doc.name, "dimension": row.dimension.value, "dimension_zh": row.dimension.zh,
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
                "dimension_zh": Dimension(p.dimension).zh, "concrete": ev.concrete,
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
                "file": doc.name, "kind": kind, "kind_zh": FLAG_KINDS[kind], "dimension": dim.value if dim else None,
                "dimension_zh": dim.zh if dim else None, "detail": detail,
            })
        titles = [h.text for h in doc.headings if h.kind == "title"]
        point_of = {index: p.id for p in points[d] for index in p.records}
        tables["documents"].append({
            "file": doc.name, "title": titles[0] if titles else "", "chars": len(doc.text),
            "problems": len(problems[d]), "concrete_share": round(share, 3), "flags": len(doc_flags),
            "copied_chars": copied_chars[d],
            **{f"{r.dimension.value}_{part}": getattr(r, part) for r in rows for part in ("problems", "causes", "measures")},
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
    return Report(tables, {doc.name: doc.text for doc in docs}, expect, [f"{path}: {reason}" for path, reason in skipped])

"""Build a reviewer's report over a folder of materials: the :class:`Report` and :func:`report`."""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .._atomic import remove_stale_temps
from .._escape import printable
from ..dimensions import Dimension
from ..document import TaggedDocument, tag_file
from ..errors import DocumentError, ReportError, RubricError
from ..folders import collect_documents
from ..roles import Role
from ..tagger import Label, Tagger, default_tagger
from .columns import FLAG_KINDS, PARTS, PERSON_ZH, TABLE_NAMES, Table, table_columns
from .concreteness import EVIDENCE_KINDS, evidence, genericity
from .copying import CopyResult, find_copies
from .coverage import DEFAULT_EXPECT, coverage, coverage_flags, label_name, parse_dimensions, uncertainty
from .points import Point, points_of
from .rubric.recycling import mask, match_previous, read_ignore
from .rubric.review import review_tables
from .rubric.rubric_file import Rubric, default_rubric, load_rubric

__all__ = [
    "Excerpts", "Report", "aspect_rows", "copy_rows", "copy_spans", "document_copy_flags", "document_rows", "excerpt_rows",
    "excerpts", "expected_aspects", "problem_points", "report",
]

log = logging.getLogger(__name__)

#: How many of a document's problems are listed as its most generic.
MOST_GENERIC = 3
#: Formula language and the shortest copy, when neither the call nor a rubric says (the shipped rubric says the same).
DEFAULT_FORMULA_SHARE, DEFAULT_COPY_CHARS = 0.25, 40


@dataclass
class Report:
    """A reviewer's report: tables as lists of records, and the texts they point into.

    Attributes
    ----------
    tables : dict of str to list of dict
        ``documents``, ``coverage``, ``flags``, ``concreteness``, ``copying``
        (passages of two documents), ``shared`` (passages of three or more,
        one row per document of each group), ``formulas``, ``sentences``,
        ``aspects`` and ``skipped`` (see :func:`dimtag.reporting.columns.table_columns`
        for their columns). Offsets index each document's cleaned text.
    texts : dict of str to str
        Each document's cleaned text, by file name.
    expect : tuple of Dimension or str
        The required aspects.
    skipped : list of str
        Files that could not be read (with ``errors="skip"``), with the reason.
    labels : tuple of Dimension or str
        The aspects of the model (the six dimensions, or a custom model's labels).
    names : dict of str to str
        The display name of each aspect (the model's framework, :attr:`dimtag.Framework.names`).
    notes : list of str
        What the reader should know about how the report was made (in
        Chinese), e.g. that the model's headings give no evidence.
    """

    tables: dict[str, list[dict[str, Any]]]
    texts: dict[str, str]
    expect: tuple[Label, ...] = DEFAULT_EXPECT
    skipped: list[str] = field(default_factory=list)
    labels: tuple[Label, ...] = DEFAULT_EXPECT
    #: The review under a rubric (grades, reasons, pairing …), when one was asked for: extra tables.
    review: dict[str, Table] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __getitem__(self, table: str) -> list[dict[str, Any]]:
        return self.review[table].rows if table in self.review else self.tables[table]

    def as_tables(self) -> dict[str, Table]:
        """The tables with their columns and Chinese names, as the writers take them."""
        base = {
            name: Table(name, sheet, cols, self.tables.get(name, []), dict(self.names))
            for name, (sheet, cols) in table_columns(self.labels, self.names).items()
        }
        return {**self.review, **base} if self.review else base

    def frames(self) -> dict[str, Any]:
        """The tables as pandas DataFrames (pandas comes with the ``report`` extra)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError('Report.frames() needs pandas: pip install "dimtag[report]" (or pip install pandas)') from None
        return {name: pd.DataFrame(t.rows, columns=[c.id for c in t.columns]) for name, t in self.as_tables().items()}

    def write(self, path: str | os.PathLike[str], *, bom: bool = False) -> list[Path]:
        """Write the report; the format follows the name.

        ``.xlsx`` (needs the ``report`` extra), ``.html``, ``.csv`` (one file
        per table beside it: ``NAME-documents.csv`` …), or an existing folder
        or a name ending in ``/`` (``documents.csv`` … inside it). ``bom``
        starts each CSV with the UTF-8 byte order mark that Excel needs.
        Temporary files an interrupted write left beside the targets are
        removed first.

        An ``.html`` page shows the first rows of long tables; when it leaves
        rows out and openpyxl is installed, the whole workbook is written
        beside it (``NAME.xlsx``) and the page links to it.

        Returns
        -------
        list of Path
            The files written.
        """
        target = str(path)
        suffix = Path(target).suffix.lower()
        tables = self.as_tables()
        if suffix == ".xlsx":
            from .xlsx import write_xlsx

            remove_stale_temps(target)
            return [write_xlsx(tables, target)]
        if suffix in (".html", ".htm"):
            return self._write_html(target, tables)
        if suffix == ".csv" or target.endswith(("/", os.sep)) or os.path.isdir(target):
            from .csvfiles import csv_paths, write_csv_tables

            for each in csv_paths(target, tables).values():
                remove_stale_temps(each)
            return write_csv_tables(tables, target, bom=bom)
        raise ValueError(f"{target}: the report is written as .xlsx, .html, .csv or into a folder")

    def _write_html(self, target: str, tables: dict[str, Table]) -> list[Path]:
        from importlib.util import find_spec

        from .html import truncated, write_html

        written = []
        workbook = None
        if truncated(tables):
            workbook = Path(target).with_suffix(".xlsx")
            if find_spec("openpyxl") is not None:
                from .xlsx import write_xlsx

                remove_stale_temps(workbook)
                written.append(write_xlsx(tables, workbook))
            else:
                log.warning("the page leaves rows out; the whole tables need the report extra for %s", workbook.name)
        remove_stale_temps(target)
        workbook_written = bool(written)
        if "grades" in tables:  # the pages first: the overview links to them
            from .rubric.pages import write_pages

            written.extend(write_pages(tables, self.texts, target))
        written.insert(0, write_html(tables, self.texts, target, workbook=workbook.name if workbook else None,
                                     workbook_written=workbook_written, notes=self.notes))
        return written


def _expand(sources: Iterable[Any], follow_links: bool = False) -> tuple[list[Any], list[tuple[str, str]]]:
    """Files and documents, with folders replaced by their documents by the one folder rule
    (:func:`dimtag.folders.collect_documents`); and the files left out, with the reason.

    A file given twice (by the same or another path to it) is read once. A
    folder's files that are no documents it reads (``.doc``, ``.wps``,
    ``.pdf``, unreadable files, links leaving the folder) are listed with the
    reason.
    """
    found: list[Any] = []
    left_out: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            found.append(path)

    for source in sources:
        if isinstance(source, TaggedDocument):
            if not any(source is f for f in found):
                found.append(source)
            continue
        files, passed = collect_documents([source], follow_links=follow_links)
        for path in files:
            add(path)
        left_out.extend((s.path, s.reason) for s in passed)
    return found, left_out


def without_name(path: str, message: str) -> str:
    """An error's reason without the ``path: `` it starts with (the skipped table has the file in a column)."""
    for name in (path, printable(path)):
        if message.startswith(name + ": "):
            return message[len(name) + 2 :]
    return message


def skipped_line(path: str, reason: str) -> str:
    """A skipped file as one line, ``path: reason``, the form of every error line."""
    return f"{printable(path)}: {reason}"


def report(
    sources: Iterable[Any] | str | os.PathLike[str] | TaggedDocument,
    *,
    expect: Sequence[str | Label] | None = None,
    tagger: Tagger | None = None,
    min_score: float | None = None,
    formula_share: float | None = None,
    min_copy_chars: int | None = None,
    thin_chars: int = 25,
    vague_share: float = 0.25,
    errors: Literal["raise", "skip"] = "raise",
    follow_links: bool = False,
    rubric: Rubric | str | os.PathLike[str] | None = None,
    previous: str | os.PathLike[str] | None = None,
    previous_map: str | os.PathLike[str] | None = None,
    ignore: Sequence[str] | str | os.PathLike[str] = (),
) -> Report:
    """Review a folder of materials: coverage, concreteness and copying.

    Parameters
    ----------
    sources : path, TaggedDocument, or an iterable of them
        Files, folders (their ``.txt`` and ``.docx`` files, recursively; a
        ``.doc``, ``.wps`` or ``.pdf`` in a folder is listed as skipped) or
        documents already tagged. A single str or path is one path, never a sequence of
        characters. A file given twice is read once.
    expect : sequence of str or Dimension, optional
        The required aspects, by id or Chinese name (default: every label
        of the model: the six dimensions, or a custom model's labels).
    tagger, min_score
        As for :func:`dimtag.tag_document`.
    formula_share : float, optional
        A phrase in more than this share of the documents (and in at least
        three) is formula language: listed once, never copying (default:
        the rubric's ``[recycling] formula_share``, else 0.25).
    min_copy_chars : int, optional
        A copied passage holds at least this many matching letters, digits
        and Han characters outside formula language (default: the rubric's
        ``[recycling] min_copy_chars``, else 40).
    thin_chars : int
        A required aspect whose problems hold fewer characters is thin.
    vague_share : float
        A document whose share of concrete problems is below this is vague.
    errors : {"raise", "skip"}
        What to do with a file that cannot be read or tagged: raise its
        :class:`~dimtag.DocumentError`, or leave it out and list it in
        :attr:`Report.skipped` (and the ``skipped`` table). Files a folder
        holds that are no documents (.doc, .wps, .pdf, unreadable, links
        leaving the folder) are always listed there, with the reason.
    follow_links : bool
        Follow symbolic links that lead outside a folder (default: skip them).
    rubric : Rubric or path, optional
        Review each material under this rubric (a TOML file, or
        :func:`dimtag.reporting.rubric.load_rubric`'s result): grades,
        reasons, notes and the checks' tables in :attr:`Report.review`.
        Without it (and without ``previous``) the report has no review.
    previous : path, optional
        A folder of last year's materials: each material is compared with
        the one of the same file name (or the one ``previous_map`` names,
        a CSV of two columns: this year's file, last year's file). Implies
        the default rubric when ``rubric`` is not given.
    ignore : sequence of str, or the path of a file of them (one a line)
        Formula text never counted as copied or reused.

    Returns
    -------
    Report

    Raises
    ------
    ReportError
        No document to report on (nothing given, or every file skipped), or
        a required aspect the model does not have.

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
    if isinstance(sources, (str, os.PathLike, TaggedDocument)):
        sources = [sources]
    found, skipped = _expand(sources, follow_links)
    if previous is not None:  # last year's folder inside this year's is not a member's material
        last = os.path.realpath(previous)
        found = [f for f in found if isinstance(f, TaggedDocument) or not os.path.realpath(f).startswith(last + os.sep)]
    if any(not isinstance(s, TaggedDocument) for s in found):
        tagger = tagger or default_tagger()
    if tagger is not None and expect is not None:
        # a wrong aspect is refused before any tagging
        expected_aspects(expect, tuple(tagger.labels_), tagger.framework_.names)
    docs: list[TaggedDocument] = []
    for source in found:
        if isinstance(source, TaggedDocument):
            docs.append(source)
            continue
        try:
            docs.append(tag_file(source, min_score=min_score, tagger=tagger))
        except ValueError as exc:  # DocumentError, or an item the tagger refuses (over 100,000 characters)
            error = exc if isinstance(exc, DocumentError) else DocumentError(f"{source}: {exc}")
            if errors == "raise":
                raise error from (None if error is exc else exc)
            log.info("%s", error)
            skipped.append((str(source), without_name(str(source), str(error))))
    if not docs:
        why = f": every file was skipped ({skipped_line(*skipped[0])}{' …' if len(skipped) > 1 else ''})" if skipped else ""
        raise ReportError(f"no document to report on{why}")
    labels = _labels(tagger, docs)
    # Display names: the model's framework, else what the documents were tagged with.
    names = {k: v for doc in docs for k, v in doc.names.items()} | (dict(tagger.framework_.names) if tagger else {})
    expected = expected_aspects(labels if expect is None else expect, labels, names)
    chosen = None
    if rubric is not None or previous is not None:
        chosen = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
        formula_share = chosen["recycling"]["formula_share"] if formula_share is None else formula_share
        min_copy_chars = chosen["recycling"]["min_copy_chars"] if min_copy_chars is None else min_copy_chars
        if rubric is not None and expect is None:
            try:
                expected = parse_dimensions(chosen["aspects"]["required"], labels, names)
            except ValueError as exc:
                # The shipped rubric names the six dimensions; a custom model's report requires its own labels.
                if chosen is not default_rubric():
                    raise RubricError(f"{chosen.source}: [aspects] required: {exc}") from None
    formula_share = DEFAULT_FORMULA_SHARE if formula_share is None else formula_share
    min_copy_chars = DEFAULT_COPY_CHARS if min_copy_chars is None else min_copy_chars
    phrases = read_ignore(ignore) if isinstance(ignore, (str, os.PathLike)) else tuple(ignore)
    copies = find_copies([mask(doc.text, phrases) for doc in docs], min_chars=min_copy_chars, formula_share=formula_share)
    points = [points_of(doc, labels) for doc in docs]
    tables = _build(docs, points, labels, expected, copies, thin_chars, vague_share, names)
    tables["skipped"] = [{"file": f, "reason": reason} for f, reason in skipped]
    review: dict[str, Table] = {}
    if chosen is not None:
        last_year = {}
        if previous is not None:
            matched = match_previous([doc.name for doc in docs], previous, previous_map)
            tagger = tagger or default_tagger()
            last_year = {name: tag_file(path, min_score=min_score, tagger=tagger) for name, path in matched.items()}
        review, _ = review_tables(docs, points, labels, expected, copies, chosen, last_year, phrases)
    notes = [NO_HEADING_LEXICON] if tagger is not None and not tagger.framework_.reads_headings else []
    return Report(
        tables, {doc.name: doc.text for doc in docs}, expected, [skipped_line(f, r) for f, r in skipped], labels, review, names,
        notes,
    )


#: The report's note when the model's headings give no evidence (a custom framework without a heading lexicon).
NO_HEADING_LEXICON = "本模型没有标题词表：文档的小标题不作为维度依据，各句的维度只由模型和问题序号判断。"


def expected_aspects(expect: Sequence[str | Label], labels: tuple[Label, ...], names: Mapping[str, str]) -> tuple[Label, ...]:
    """The required aspects among ``labels``, by id or display name; :class:`~dimtag.ReportError` for one the model lacks."""
    try:
        return parse_dimensions(expect, labels, names)
    except ValueError as exc:
        raise ReportError(str(exc)) from None


def _labels(tagger: Tagger | None, docs: Sequence[TaggedDocument]) -> tuple[Label, ...]:
    """The aspects of the report: the tagger's labels, and any other label the documents were tagged with."""
    seen = list(dict.fromkeys(s.dimension for doc in docs for s in doc if s.dimension is not None))
    if tagger is not None:
        base: list[Label] = list(tagger.labels_)
    elif all(isinstance(label, Dimension) for label in seen):
        base = list(Dimension)
    else:
        base = []
    return (*base, *(label for label in seen if label not in base))


def _build(
    docs: Sequence[TaggedDocument], points: Sequence[Sequence[Point]], labels: tuple[Label, ...], expect: tuple[Label, ...], copies: CopyResult,
    thin_chars: int, vague_share: float, names: Mapping[str, str],
) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_NAMES}
    problems = [problem_points(doc_points) for doc_points in points]
    generic = genericity([[p.text for p in probs] for probs in problems])
    copy_flags, copied_chars = document_copy_flags([doc.name for doc in docs], copies)

    for d, doc in enumerate(docs):
        for name, rows in document_rows(
            doc, points[d], labels, expect, generic[d], copy_flags[d], copied_chars[d], thin_chars, vague_share, names
        ).items():
            tables[name].extend(rows)
    tables.update(copy_rows([doc.name for doc in docs], [doc.text for doc in docs], copies))
    tables["aspects"] = aspect_rows(labels, expect, names)
    return tables


# The rows of one document, of the copies and of the aspects: public so that a distributed run (dimtag.spark)
# builds its tables with this very code.


def problem_points(points: Sequence[Point]) -> list[Point]:
    """A document's problems: its points whose role is a problem."""
    return [p for p in points if p.role is Role.PROBLEM]


def document_rows(
    doc: TaggedDocument, points: Sequence[Point], labels: tuple[Label, ...], expect: tuple[Label, ...],
    generic: Sequence[float], copy_flags: Sequence[tuple[str, Label | None, str]], copied_chars: int,
    thin_chars: int, vague_share: float, names: Mapping[str, str],
) -> dict[str, list[dict[str, Any]]]:
    """One document's rows of the ``coverage``, ``concreteness``, ``flags``, ``documents`` and ``sentences`` tables.

    ``points``: :func:`~dimtag.reporting.points.points_of` the document; ``generic``: the genericity of each of its
    :func:`problem_points`; ``copy_flags`` and ``copied_chars``: its part of :func:`document_copy_flags`.
    """
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in ("documents", "coverage", "flags", "concreteness", "sentences")}
    rows = coverage(points, labels)
    unsure = uncertainty(points)
    doc_flags = coverage_flags(rows, expect, thin_chars=thin_chars, unsure=unsure, names=names)
    for row in rows:
        tables["coverage"].append({
            "file": doc.name, "dimension": str(row.dimension), "dimension_zh": label_name(row.dimension, names),
            "required": row.dimension in expect, "problems": row.problems, "causes": row.causes,
            "measures": row.measures, "positives": row.positives, "problem_chars": row.problem_chars,
            "unsure": unsure,
        })
    share = _concreteness(tables["concreteness"], doc, problem_points(points), generic, doc_flags, vague_share, names)
    doc_flags.extend(copy_flags)
    for kind, dim, detail in doc_flags:
        tables["flags"].append({
            "file": doc.name, "kind": kind, "kind_zh": FLAG_KINDS[kind], "dimension": None if dim is None else str(dim),
            "dimension_zh": None if dim is None else label_name(dim, names), "detail": detail,
        })
    titles = [h.text for h in doc.headings if h.kind == "title"]
    tables["documents"].append({
        "file": doc.name, "title": titles[0] if titles else "", "chars": len(doc.text),
        **{part: sum(p.role is role for p in points) for part, role, _ in PARTS},
        "concrete_share": round(share, 3), "flags": len(doc_flags), "copied_chars": copied_chars, "unsure": unsure,
        **{f"{r.dimension}_{part}": getattr(r, part) for r in rows for part, _, _ in PARTS},
    })
    tables["sentences"].extend(doc.to_records())
    return tables


#: What the copy tables read of one document's text: its letters, digits and Han characters (a pair's containment
#: is over the shorter one's) and its excerpts, by (start, end).
Excerpts = tuple[int, dict[tuple[int, int], str]]


def copy_spans(copies: CopyResult) -> dict[int, set[tuple[int, int]]]:
    """The spans the copy tables quote, by document: only the documents in a copied passage or a shared group.

    >>> from dimtag.reporting.copying import CopiedPassage, SharedPassage
    >>> pair = CopiedPassage(0, 2, 0, 50, 10, 60, 50, 1.0)
    >>> group = SharedPassage((0, 4, 5), ((0, 40), (5, 45), (9, 49)), 40)
    >>> sorted(copy_spans(CopyResult([pair], [group], [], [], 3)).items())
    [(0, {(0, 40), (0, 50)}), (2, {(10, 60)}), (4, {(5, 45)}), (5, {(9, 49)})]
    """
    spans: dict[int, set[tuple[int, int]]] = {}
    for c in copies.passages:
        spans.setdefault(c.doc_a, set()).add((c.start_a, c.end_a))
        spans.setdefault(c.doc_b, set()).add((c.start_b, c.end_b))
    for group in copies.shared:
        for d, span in zip(group.docs, group.spans):
            spans.setdefault(d, set()).add(span)
    return spans


def excerpts(text: str, spans: Iterable[tuple[int, int]]) -> Excerpts:
    """What the copy tables read of a cleaned ``text``, quoted at ``spans`` (:data:`Excerpts`)."""
    return sum(ch.isalnum() for ch in text), {(start, end): text[start:end] for start, end in spans}


def copy_rows(names: Sequence[str], texts: Sequence[str], copies: CopyResult) -> dict[str, list[dict[str, Any]]]:
    """The ``copying``, ``shared`` and ``formulas`` tables of documents with these names and cleaned texts."""
    return excerpt_rows(names, {d: excerpts(texts[d], spans) for d, spans in copy_spans(copies).items()}, copies)


def excerpt_rows(names: Sequence[str], quoted: Mapping[int, Excerpts], copies: CopyResult) -> dict[str, list[dict[str, Any]]]:
    """:func:`copy_rows` from the :func:`excerpts` of the documents of :func:`copy_spans` alone (no whole text)."""
    out: dict[str, list[dict[str, Any]]] = {"copying": [], "shared": [], "formulas": []}
    pair_chars: Counter[tuple[int, int]] = Counter()
    for c in copies.passages:
        pair_chars[(c.doc_a, c.doc_b)] += c.chars
    for c in copies.passages:
        shorter = max(1, min(quoted[c.doc_a][0], quoted[c.doc_b][0]))
        out["copying"].append({
            "file_a": names[c.doc_a], "start_a": c.start_a, "end_a": c.end_a, "file_b": names[c.doc_b], "start_b": c.start_b,
            "end_b": c.end_b, "chars": c.chars, "similarity": c.similarity,
            "containment": round(pair_chars[(c.doc_a, c.doc_b)] / shorter, 3),
            "text_a": quoted[c.doc_a][1][(c.start_a, c.end_a)], "text_b": quoted[c.doc_b][1][(c.start_b, c.end_b)],
        })
    for g, group in enumerate(copies.shared, start=1):
        for d, (start, end) in zip(group.docs, group.spans):
            out["shared"].append({
                "group": g, "documents": len(group.docs), "file": names[d], "start": start, "end": end,
                "chars": group.chars, "text": quoted[d][1][(start, end)],
            })
    for f in copies.formulas:
        out["formulas"].append({"text": f.text, "documents": f.documents, "share": round(f.documents / max(1, len(names)), 3)})
    return out


def aspect_rows(labels: Sequence[Label], expect: tuple[Label, ...], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """The ``aspects`` table: every aspect of the model, and whether it is required."""
    return [{"dimension": str(label), "dimension_zh": label_name(label, names), "required": label in expect} for label in labels]


def _concreteness(
    rows: list[dict[str, Any]], doc: TaggedDocument, problems: list[Point], generic: Sequence[float],
    doc_flags: list[tuple[str, Label | None, str]], vague_share: float, names: Mapping[str, str],
) -> float:
    """Add a document's problems to the concreteness table and its flags; return its share of concrete problems."""
    evidences = [evidence(p.text) for p in problems]
    # The most generic problems: the formula-like ones, so concrete problems are never listed.
    vague = sorted((i for i, ev in enumerate(evidences) if not ev.concrete), key=lambda i: -generic[i])
    most_generic = set(vague[:MOST_GENERIC])
    for i, (p, ev) in enumerate(zip(problems, evidences)):
        rows.append({
            "file": doc.name, "point": p.id, "start": p.start, "end": p.end,
            "dimension": None if p.dimension is None else str(p.dimension),
            "dimension_zh": None if p.dimension is None else label_name(p.dimension, names),
            "aspect": None if p.aspect is None else str(p.aspect), "concrete": ev.concrete,
            **{kind: "、".join(getattr(ev, kind)) for kind in EVIDENCE_KINDS},
            "person": PERSON_ZH[ev.person], "genericity": generic[i], "most_generic": i in most_generic, "text": p.text,
        })
    concrete = sum(ev.concrete for ev in evidences)
    share = concrete / len(evidences) if evidences else 0.0
    if evidences and share < vague_share:
        doc_flags.append(("vague", None, f"{len(evidences)}条问题中只有{concrete}条有具体事例、数字、时间或具名事项"))
    others = sum(ev.person == "others" for ev in evidences)
    if others:
        doc_flags.append(("about_others", None, f"{others}条问题谈的是“有的同志”等他人"))
    return share


def document_copy_flags(
    names: Sequence[str], copies: CopyResult
) -> tuple[list[list[tuple[str, Label | None, str]]], list[int]]:
    """Each document's copying flags (one a partner, one a shared passage) and its copied characters."""
    flags: list[list[tuple[str, Label | None, str]]] = [[] for _ in names]
    chars = [0] * len(names)
    pair_chars: Counter[tuple[int, int]] = Counter()
    for c in copies.passages:
        pair_chars[(c.doc_a, c.doc_b)] += c.chars
    for (a, b), n in pair_chars.items():
        for d, other in ((a, b), (b, a)):
            flags[d].append(("copied", None, f"与{Path(names[other]).name}有{n}字相同段落"))
            chars[d] += n
    for g, group in enumerate(copies.shared, start=1):
        for d in group.docs:
            flags[d].append(("copied", None, f"与另外{len(group.docs) - 1}份材料有{group.chars}字相同段落（多份雷同第{g}组）"))
            chars[d] += group.chars
    return flags, chars

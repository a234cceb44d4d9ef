"""The reviewer's report on the cluster: :func:`report_frame`.

Each document is tagged on an executor; genericity's counts (how many
documents' problems use each bigram) are Spark's; copies are found on the
cluster by :func:`dimtag.spark.find_copies`; each document's rows are then
built on an executor by :func:`dimtag.reporting.report.document_rows`, the
function the single-machine report builds them with.

The driver holds small things only: each document's name and position, the
copy results (passages, shared groups, formulas) and the copy tables'
excerpts, cut on the executors (:func:`dimtag.reporting.report.excerpts`)
and made into the tables by :func:`dimtag.reporting.report.excerpt_rows`,
the function the single-machine report makes them with. No whole text
comes to the driver.
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pyspark import StorageLevel
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from ..errors import ReportError
from ..reporting.columns import TABLE_NAMES
from ..reporting.concreteness import genericity_of, problem_bigrams
from ..reporting.copying import CopiedPassage, CopyResult
from ..reporting.points import points_of
from ..reporting.report import (
    NO_HEADING_LEXICON,
    Excerpts,
    aspect_rows,
    copy_spans,
    document_copy_flags,
    document_rows,
    excerpt_rows,
    excerpts,
    expected_aspects,
    problem_points,
    skipped_line,
    without_name,
)
from ..tagger import Label
from .copying import find_copies
from .frames import POS, number_rows, partitions, table_schema, typed_rows
from .tagging import executor_tagger, model_ref, tag_documents

__all__ = ["SparkReport", "report_frame"]

# Tables built one document at a time (the others come from copy detection, the aspects and the skipped files).
_PER_DOCUMENT = ("documents", "coverage", "flags", "concreteness", "sentences")


@dataclass
class SparkReport:
    """The report's tables as DataFrames.

    Attributes
    ----------
    tables : dict of str to DataFrame
        The tables of :data:`dimtag.reporting.columns.TABLE_NAMES`, with their
        columns, sorted as the single-machine report's lists are.
    skipped : list of str
        Documents that could not be read or tagged, with the reason.
    n_docs : int
        The documents reported on.
    labels, expect, names, notes
        As :class:`dimtag.reporting.Report`'s.
    """

    tables: dict[str, DataFrame]
    skipped: list[str] = field(default_factory=list)
    n_docs: int = 0
    labels: tuple[Label, ...] = ()
    expect: tuple[Label, ...] = ()
    names: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __getitem__(self, table: str) -> DataFrame:
        return self.tables[table]


def report_frame(
    df: DataFrame,
    text_col: str = "text",
    *,
    name_col: str | None = "file",
    order_col: str | None = None,
    path_col: str | None = None,
    expect: Sequence[str | Label] | None = None,
    model: str | os.PathLike[str] | None = None,
    min_score: float | None = None,
    formula_share: float = 0.25,
    min_copy_chars: int = 40,
    thin_chars: int = 25,
    vague_share: float = 0.25,
    ignore: Iterable[str] = (),
) -> SparkReport:
    """Review a DataFrame of documents: the tables of :func:`dimtag.report`, as DataFrames.

    Parameters
    ----------
    df : DataFrame
        One row per document.
    text_col : str
        The document's text (ignored when ``path_col`` is given).
    name_col : str, optional
        The document's name (the tables' ``file``); None: ``<text>``.
    order_col : str, optional
        The documents' order, as the single-machine report's input order;
        default: the frame's own order.
    path_col : str, optional
        A column of file paths every executor can read, instead of texts
        (read as :func:`dimtag.tag_file` reads them; the name is the path).
    expect, model, min_score, formula_share, min_copy_chars, thin_chars, vague_share, ignore
        As for :func:`dimtag.report` (``model``: the tagger's model file or folder).

    Returns
    -------
    SparkReport
        Documents that cannot be read are left out and listed in ``skipped``,
        as ``dimtag.report(..., errors="skip")`` does.

    Raises
    ------
    ReportError
        No document to report on, or a required aspect the model does not have.
    """
    spark = df.sparkSession
    ref = model_ref(spark, model)
    tagger = executor_tagger(ref)  # on the driver too: the labels, their names and the required ones
    labels = tuple(tagger.labels_)
    names = dict(tagger.framework_.names)
    expected = expected_aspects(labels if expect is None else expect, labels, names)
    source = path_col or text_col
    name = None if path_col else name_col
    wanted = [c for c in dict.fromkeys((source, name, order_col)) if c]
    docs = number_rows(df.select(*wanted), order_col)
    tagged = tag_documents(docs, source, name, from_path=path_col is not None, ref=ref, min_score=min_score)
    tagged = tagged.persist(StorageLevel.MEMORY_AND_DISK)
    failed = [
        (r["file"], without_name(r["file"], r["error"]))
        for r in tagged.where(F.col("error").isNotNull()).orderBy(POS).select("file", "error").collect()
    ]
    good = tagged.where(F.col("error").isNull()).drop("error")
    kept = good.orderBy(POS).select(POS, "file").collect()
    docs.unpersist()
    if not kept:
        why = f": every file was skipped ({skipped_line(*failed[0])}{' …' if len(failed) > 1 else ''})" if failed else ""
        raise ReportError(f"no document to report on{why}")
    n_docs = len(kept)
    if [r[POS] for r in kept] != list(range(n_docs)):  # positions dense over the documents kept, as the report's list
        renumber = spark.createDataFrame([(r[POS], i) for i, r in enumerate(kept)], f"{POS} long, _kept long")
        good = good.join(F.broadcast(renumber), POS).drop(POS).withColumnRenamed("_kept", POS)
    file_names = [r["file"] for r in kept]

    # Genericity: how many documents' problems use each bigram, counted on the cluster.
    def bigrams(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            found = []
            for blob in batch["doc"]:
                per_problem = problem_bigrams([p.text for p in problem_points(points_of(pickle.loads(blob), labels))])
                if per_problem:
                    found.append(np.unique(np.concatenate(per_problem)))
            yield pd.DataFrame({"h": (np.concatenate(found) if found else np.empty(0, np.uint64)).view(np.int64)})

    counted = sorted(
        (r["h"] & 0xFFFFFFFFFFFFFFFF, r["count"]) for r in good.select("doc").mapInPandas(bigrams, "h long").groupBy("h").count().collect()
    )
    frequencies = spark.sparkContext.broadcast(
        (np.array([h for h, _ in counted], dtype=np.uint64), np.array([n for _, n in counted], dtype=np.int32))
    )

    found = find_copies(good.select(POS, "text"), order_col=POS, min_chars=min_copy_chars, formula_share=formula_share, ignore=ignore)
    # The report's tables read the passages, groups and formulas, never the formulas' spans in each text.
    copies = CopyResult([CopiedPassage(*r) for r in found.passages.collect()], found.shared, found.formulas, [], found.threshold)
    found.unpersist()
    quoted = _excerpts(good, copy_spans(copies))
    copy_flags, copied_chars = document_copy_flags(file_names, copies)
    copied = spark.createDataFrame(
        [(d, json.dumps(flags, ensure_ascii=False), chars) for d, (flags, chars) in enumerate(zip(copy_flags, copied_chars)) if flags],
        f"{POS} long, copy_flags string, copied_chars long",
    )
    per_doc = good.join(copied, POS, "left").repartition(partitions(spark, n_docs))

    def rows(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        keys, df_ = frequencies.value
        for batch in batches:
            out: list[tuple[int, str, int, str]] = []
            for pos, blob, flags_json, chars in zip(batch[POS], batch["doc"], batch["copy_flags"], batch["copied_chars"]):
                doc = pickle.loads(blob)
                points = points_of(doc, labels)
                generic = genericity_of(problem_bigrams([p.text for p in problem_points(points)]), keys, df_, n_docs)
                flags = [tuple(f) for f in json.loads(flags_json)] if isinstance(flags_json, str) else []
                tables = document_rows(
                    doc, points, labels, expected, generic, flags, int(chars) if flags else 0, thin_chars, vague_share, names
                )
                for table, table_rows in tables.items():
                    out.extend((int(pos), table, seq, json.dumps(row, ensure_ascii=False)) for seq, row in enumerate(table_rows))
            yield pd.DataFrame(out, columns=[POS, "table", "seq", "row"])

    built = per_doc.mapInPandas(rows, f"{POS} long, table string, seq long, row string").persist(StorageLevel.MEMORY_AND_DISK)
    built.count()
    frequencies.unpersist()
    tagged.unpersist()
    tables: dict[str, DataFrame] = {
        t: typed_rows(built.where(F.col("table") == t), "row", table_schema(t, labels), [POS, "seq"]) for t in _PER_DOCUMENT
    }
    driver_rows: dict[str, list[dict[str, Any]]] = {
        **excerpt_rows(file_names, quoted, copies),
        "aspects": aspect_rows(labels, expected, names),
        "skipped": [{"file": f, "reason": reason} for f, reason in failed],
    }
    for t, table_rows in driver_rows.items():
        schema = table_schema(t, labels)
        tables[t] = spark.createDataFrame([tuple(r[c] for c in schema.fieldNames()) for r in table_rows], schema)
    notes = [] if tagger.framework_.reads_headings else [NO_HEADING_LEXICON]
    return SparkReport({t: tables[t] for t in TABLE_NAMES}, [skipped_line(f, r) for f, r in failed], n_docs, labels, expected, names, notes)


def _excerpts(good: DataFrame, spans: dict[int, set[tuple[int, int]]]) -> dict[int, Excerpts]:
    """The :func:`~dimtag.reporting.report.excerpts` of the documents the copy tables quote, cut on the executors."""
    wanted = good.sparkSession.createDataFrame(
        [(d, start, end) for d, quoted in spans.items() for start, end in quoted], f"{POS} long, start long, end long"
    )
    # One list of spans, split into two arrays: the i-th start goes with the i-th end.
    per_doc = (
        wanted.groupBy(POS).agg(F.collect_list(F.struct("start", "end")).alias("spans"))
        .select(POS, F.col("spans.start").alias("starts"), F.col("spans.end").alias("ends"))
    )

    def cut(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            rows: list[tuple[int, int, int, int, str]] = []
            for pos, starts, ends, text in zip(batch[POS], batch["starts"], batch["ends"], batch["text"]):
                letters, cuts = excerpts(text, zip(map(int, starts), map(int, ends)))
                rows.extend((int(pos), letters, start, end, excerpt) for (start, end), excerpt in cuts.items())
            yield pd.DataFrame(rows, columns=[POS, "letters", "start", "end", "excerpt"])

    schema = f"{POS} long, letters long, start long, end long, excerpt string"
    out: dict[int, Excerpts] = {}
    for r in per_doc.join(good.select(POS, "text"), POS).mapInPandas(cut, schema).collect():
        out.setdefault(r[POS], (r["letters"], {}))[1][(r["start"], r["end"])] = r["excerpt"]
    return out

"""The reviewer's report on the cluster: :func:`report_frame`.

Each document is tagged on an executor; the counts that span documents (the
bigrams of the problems for genericity, the shingles for copying) are
Spark's; each document's rows are then built on an executor by
:func:`dimtag.reporting.report.document_rows`, the function the
single-machine report builds them with.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pyspark import StorageLevel
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from ..dimensions import Dimension
from ..reporting.columns import TABLES, columns
from ..reporting.concreteness import genericity_of, problem_bigrams
from ..reporting.coverage import DEFAULT_EXPECT, parse_dimensions
from ..reporting.report import document_rows, formula_rows, problem_texts
from .copying import copies_of
from .frames import POS, number_rows, partitions, table_schema, typed_rows
from .tagging import model_ref, tag_documents

__all__ = ["SparkReport", "report_frame"]

# Tables built one document at a time (the others come from copy detection).
_PER_DOCUMENT = ("documents", "coverage", "flags", "concreteness", "sentences")


@dataclass
class SparkReport:
    """The report's tables as DataFrames.

    Attributes
    ----------
    tables : dict of str to DataFrame
        The tables of :data:`dimtag.reporting.columns.TABLES`, with their
        columns, sorted as the single-machine report's lists are.
    skipped : list of str
        Documents that could not be read or tagged, with the reason.
    n_docs : int
        The documents reported on.
    """

    tables: dict[str, DataFrame]
    skipped: list[str] = field(default_factory=list)
    n_docs: int = 0

    def __getitem__(self, table: str) -> DataFrame:
        return self.tables[table]


def report_frame(
    df: DataFrame,
    text_col: str = "text",
    *,
    name_col: str | None = "file",
    order_col: str | None = None,
    path_col: str | None = None,
    expect: Sequence[str | Dimension] = DEFAULT_EXPECT,
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
        As for :func:`dimtag.report`.

    Returns
    -------
    SparkReport
        Documents that cannot be read are left out and listed in ``skipped``,
        as ``dimtag.report(..., errors="skip")`` does.
    """
    expected = parse_dimensions(expect)
    ref = model_ref(df.sparkSession, model)
    source = path_col or text_col
    name = None if path_col else name_col
    wanted = [c for c in dict.fromkeys((source, name, order_col)) if c]
    docs = number_rows(df.select(*wanted), order_col)
    tagged = tag_documents(docs, source, name, from_path=path_col is not None, ref=ref, min_score=min_score)
    tagged = tagged.persist(StorageLevel.MEMORY_AND_DISK)
    skipped = [r["error"] for r in tagged.where(F.col("error").isNotNull()).orderBy(POS).select("error").collect()]
    good = tagged.where(F.col("error").isNull()).drop("error")
    n_docs = good.count()
    docs.unpersist()
    spark = df.sparkSession

    # Genericity: how many documents' problems use each bigram, counted on the cluster.
    def bigrams(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            found = [np.unique(np.concatenate(h)) for h in (problem_bigrams(problem_texts(json.loads(r))) for r in batch["records"]) if h]
            yield pd.DataFrame({"h": (np.concatenate(found) if found else np.empty(0, np.uint64)).view(np.int64)})

    counted = sorted((r["h"] & 0xFFFFFFFFFFFFFFFF, r["count"]) for r in good.select("records").mapInPandas(bigrams, "h long").groupBy("h").count().collect())
    frequencies = spark.sparkContext.broadcast(
        (np.array([h for h, _ in counted], dtype=np.uint64), np.array([n for _, n in counted], dtype=np.int32))
    )

    copies = copies_of(good, n_docs, k=8, min_chars=min_copy_chars, formula_share=formula_share, max_gap=6, ignore=ignore)
    pair_chars = copies.passages.groupBy("doc_a", "doc_b").agg(
        F.sum("chars").alias("chars"), F.first("file_a").alias("file_a"), F.first("file_b").alias("file_b")
    )
    sides = pair_chars.select(F.col("doc_a").alias(POS), "doc_a", "doc_b", F.col("file_b").alias("other"), "chars").unionByName(
        pair_chars.select(F.col("doc_b").alias(POS), "doc_a", "doc_b", F.col("file_a").alias("other"), "chars")
    )
    copied = sides.groupBy(POS).agg(F.to_json(F.sort_array(F.collect_list(F.struct("doc_a", "doc_b", "other", "chars")))).alias("copied"))
    per_doc = good.join(copied, POS, "left").repartition(partitions(spark, n_docs))

    def rows(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        keys, df_ = frequencies.value
        for batch in batches:
            out: list[tuple[int, str, int, str]] = []
            for pos, name_, text, title, records_json, copied_json in zip(
                batch[POS], batch["file"], batch["text"], batch["title"], batch["records"], batch["copied"]
            ):
                records = json.loads(records_json)
                generic = genericity_of(problem_bigrams(problem_texts(records)), keys, df_, n_docs)
                pairs = [(c["other"], c["chars"]) for c in json.loads(copied_json)] if isinstance(copied_json, str) else []
                tables = document_rows(
                    name_, text, title, records, generic, pairs, expect=expected, thin_chars=thin_chars, vague_share=vague_share
                )
                for table, table_rows in tables.items():
                    out.extend((int(pos), table, seq, json.dumps(row, ensure_ascii=False)) for seq, row in enumerate(table_rows))
            yield pd.DataFrame(out, columns=[POS, "table", "seq", "row"])

    built = per_doc.mapInPandas(rows, f"{POS} long, table string, seq long, row string").persist(StorageLevel.MEMORY_AND_DISK)
    built.count()
    frequencies.unpersist()
    tables: dict[str, DataFrame] = {
        t: typed_rows(built.where(F.col("table") == t), "row", table_schema(t), [POS, "seq"]) for t in _PER_DOCUMENT
    }
    tables["copying"] = copies.passages.select(*columns("copying"))
    tables["formulas"] = spark.createDataFrame(formula_rows(copies.formulas, n_docs), table_schema("formulas"))
    return SparkReport({t: tables[t] for t in TABLES}, skipped, n_docs)



"""Copy detection on the cluster, with the single-machine steps of :mod:`dimtag.reporting.copying`.

1. Every document's ``k``-character shingle hashes; the number of
   documents holding each hash is counted on the cluster. Hashes in more
   than the formula share of the documents are formula language: only
   those (a few per phrase the folder shares, however many documents there
   are) come back to the driver, and go out to the executors as a broadcast.
2. Each document's long candidate shingles, formula language left out
   (:func:`~dimtag.reporting.copying.candidate_shingles`); those held by
   two documents up to the formula threshold are joined on the hash, and
   the pairs that share enough of them are the candidate pairs. Formulas
   are dropped before this join, so no formula ever makes a pair.
3. Each candidate pair is aligned by :func:`~dimtag.reporting.copying.align`,
   on the executor that holds the pair.
4. Each document's formula runs (:func:`~dimtag.reporting.copying.formula_runs`)
   are counted per wording on the cluster; the few counts come back and
   :func:`~dimtag.reporting.copying.choose_formulas` names each formula.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pyspark import StorageLevel
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from ..reporting.copying import (
    CopiedPassage,
    SharedFormula,
    Shingles,
    align,
    candidate_rule,
    candidate_shingles,
    check_options,
    choose_formulas,
    formula_runs,
    formula_threshold,
    frequencies_of,
    phrase_hashes,
    shingle,
)
from ..reporting.report import copying_rows
from .frames import POS, number_rows, partitions, table_schema

__all__ = ["PASSAGE_SCHEMA", "SparkCopies", "copies_of", "find_copies"]

#: A copied passage: the fields of CopiedPassage (``doc_a``, ``doc_b`` are positions) and the report's copying columns.
PASSAGE_SCHEMA = T.StructType(
    [T.StructField(f.name, T.DoubleType() if f.type in (float, "float") else T.LongType()) for f in dataclasses.fields(CopiedPassage)]
    + [f for f in table_schema("copying").fields if f.name not in {g.name for g in dataclasses.fields(CopiedPassage)}]
    + [T.StructField("_seq", T.LongType())]
)


@dataclass
class SparkCopies:
    """What :func:`find_copies` found.

    Attributes
    ----------
    passages : DataFrame
        One row per copied passage (:data:`PASSAGE_SCHEMA` without ``_seq``),
        sorted as :attr:`dimtag.reporting.CopyResult.passages` is.
    formulas : list of SharedFormula
        As :attr:`dimtag.reporting.CopyResult.formulas`.
    threshold : int
        A shingle in more than this many documents is formula language.
    n_docs : int
        The number of documents.
    """

    passages: DataFrame
    formulas: list[SharedFormula]
    threshold: int
    n_docs: int


@dataclass(frozen=True)
class _Options:
    k: int
    min_chars: int
    max_gap: int
    threshold: int


def _int64(hashes: list[np.ndarray]) -> np.ndarray:
    """Unsigned 64-bit hashes as Spark's signed longs (the same bits)."""
    return (np.concatenate(hashes) if hashes else np.empty(0, dtype=np.uint64)).view(np.int64)


def _formula_mask(shingled: Shingles, formulas: tuple[np.ndarray, np.ndarray, np.ndarray], threshold: int) -> np.ndarray:
    keys, df, ignored = formulas
    return (frequencies_of(shingled.hashes, keys, df) > threshold) | np.isin(shingled.hashes, ignored)


def copies_of(docs: DataFrame, n_docs: int, *, k: int, min_chars: int, formula_share: float, max_gap: int,
              ignore: Iterable[str]) -> SparkCopies:
    """Copy detection on a numbered frame with :data:`~.frames.POS`, ``text`` and ``file`` (may be null)."""
    check_options(k, min_chars, formula_share)
    spark = docs.sparkSession
    opt = _Options(k, min_chars, max_gap, formula_threshold(n_docs, formula_share))
    texts = docs.select(POS, "text")

    # 1. Document frequencies on the cluster; only the formula hashes come back.
    def doc_hashes(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            yield pd.DataFrame({"h": _int64([np.unique(shingle(t, opt.k).hashes) for t in batch["text"]])})

    counted = texts.mapInPandas(doc_hashes, "h long").groupBy("h").count()
    found = sorted((r["h"] & 0xFFFFFFFFFFFFFFFF, r["count"]) for r in counted.where(F.col("count") > opt.threshold).collect())
    keys = np.array([h for h, _ in found], dtype=np.uint64)
    formulas = spark.sparkContext.broadcast(
        (keys, np.array([n for _, n in found], dtype=np.int32), phrase_hashes(ignore, opt.k))
    )

    # 2. Candidate pairs from the long shingles that are no formula language.
    def long_shingles(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            hashes, owners = [], []
            for pos, text in zip(batch[POS], batch["text"]):
                shingled = shingle(text, opt.k)
                mine = candidate_shingles(shingled, _formula_mask(shingled, formulas.value, opt.threshold), opt.k, opt.min_chars)
                hashes.append(mine)
                owners.append(np.full(len(mine), pos, dtype=np.int64))
            yield pd.DataFrame({"h": _int64(hashes), POS: np.concatenate(owners) if owners else np.empty(0, np.int64)})

    postings = texts.mapInPandas(long_shingles, f"h long, {POS} long").persist(StorageLevel.MEMORY_AND_DISK)
    shared = postings.groupBy("h").count().where(F.col("count").between(2, opt.threshold)).select("h")
    kept = postings.join(shared, "h", "left_semi")
    _, min_shared = candidate_rule(opt.k, opt.min_chars)
    pairs = (
        kept.withColumnRenamed(POS, "a").join(kept.withColumnRenamed(POS, "b"), "h")
        .where(F.col("a") < F.col("b")).groupBy("a", "b").count()
        .where(F.col("count") >= min_shared).select("a", "b")
    )

    # 3. Each candidate pair aligned where it sits.
    side = {s: docs.select(F.col(POS).alias(s), F.col("file").alias(f"file_{s}"), F.col("text").alias(f"text_{s}")) for s in "ab"}
    jobs = pairs.join(side["a"], "a").join(side["b"], "b").repartition(partitions(spark, n_docs))

    def aligned(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            rows: list[dict[str, Any]] = []
            for a, b, file_a, text_a, file_b, text_b in zip(
                batch["a"], batch["b"], batch["file_a"], batch["text_a"], batch["file_b"], batch["text_b"]
            ):
                sa, sb = shingle(text_a, opt.k), shingle(text_b, opt.k)
                mask = _formula_mask(sa, formulas.value, opt.threshold)
                passages = align(int(a), int(b), text_a, text_b, sa, sb, mask, k=opt.k, min_chars=opt.min_chars, max_gap=opt.max_gap)
                for seq, (p, row) in enumerate(zip(passages, copying_rows(file_a, text_a, file_b, text_b, passages))):
                    rows.append({**row, **dataclasses.asdict(p), "_seq": seq})
            yield pd.DataFrame(rows, columns=PASSAGE_SCHEMA.fieldNames())

    passages = jobs.mapInPandas(aligned, PASSAGE_SCHEMA).persist(StorageLevel.MEMORY_AND_DISK)
    passages.count()  # computed once here, while the formula broadcast is alive
    postings.unpersist()

    # 4. Formula wordings counted on the cluster, named on the driver.
    def runs(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            rows = []
            for pos, text in zip(batch[POS], batch["text"]):
                shingled = shingle(text, opt.k)
                keys, df, _ = formulas.value
                for r, (start, end, anchor) in enumerate(formula_runs(text, shingled, frequencies_of(shingled.hashes, keys, df), opt.threshold, opt.k)):
                    rows.append((np.uint64(anchor).view(np.int64), int(pos), r, text[start:end]))
            yield pd.DataFrame(rows, columns=["anchor", POS, "run", "wording"])

    occurrences = texts.mapInPandas(runs, f"anchor long, {POS} long, run long, wording string").persist(StorageLevel.MEMORY_AND_DISK)
    holders = {r["anchor"]: r["n"] for r in occurrences.groupBy("anchor").agg(F.countDistinct(POS).alias("n")).collect()}
    wordings = [
        (r["anchor"], r["wording"], r["n"], (r["first"][0], r["first"][1]))
        for r in occurrences.groupBy("anchor", "wording").agg(F.count("*").alias("n"), F.min(F.struct(POS, "run")).alias("first")).collect()
    ]
    occurrences.unpersist()
    formulas.unpersist()
    ordered = passages.orderBy("doc_a", "doc_b", "_seq").drop("_seq")
    return SparkCopies(ordered, choose_formulas(wordings, holders), opt.threshold, n_docs)


def find_copies(
    df: DataFrame,
    text_col: str = "text",
    *,
    name_col: str | None = None,
    order_col: str | None = None,
    k: int = 8,
    min_chars: int = 40,
    formula_share: float = 0.25,
    max_gap: int = 6,
    ignore: Iterable[str] = (),
) -> SparkCopies:
    """Find passages copied between the documents of a DataFrame, apart from formula language.

    The options are those of :func:`dimtag.reporting.find_copies` (the CLI's
    ``--formula-share``, ``--min-copy-chars`` and ``--ignore``); the answers
    are its answers for the texts in the same order.

    Parameters
    ----------
    df : DataFrame
        One row per document.
    text_col : str
        The text to compare (for a report, the cleaned text).
    name_col : str, optional
        A column naming the document, for ``file_a`` and ``file_b``.
    order_col : str, optional
        The documents' order (``doc_a < doc_b`` in a pair); default: the frame's own order.

    Returns
    -------
    SparkCopies
    """
    check_options(k, min_chars, formula_share)
    named = df.select(
        F.col(text_col).alias("text"),
        (F.col(name_col) if name_col else F.lit(None).cast("string")).alias("file"),
        *([F.col(order_col).alias("_order")] if order_col else []),
    )
    docs = number_rows(named, "_order" if order_col else None)
    n_docs = docs.count()
    try:
        return copies_of(docs, n_docs, k=k, min_chars=min_chars, formula_share=formula_share, max_gap=max_gap, ignore=ignore)
    finally:
        docs.unpersist()

"""Copy detection for a DataFrame of documents, with the answers of :func:`dimtag.reporting.find_copies`.

For now the texts are gathered on the driver and compared there by the
single-machine :func:`dimtag.reporting.find_copies` (pairs from shingles held
by exactly two documents, passages of three or more documents as one shared
group): the answers are its answers, but the driver must hold every text.
The distributed version of this bounded detection (branch ``spark`` before
the report's rework counted shingles on the cluster) is still to be ported;
tagging and the per-document tables of :func:`~.tables.report_frame` run on
the executors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from ..reporting.copying import CopiedPassage, CopyResult, SharedFormula, SharedPassage
from ..reporting.copying import find_copies as local_find_copies
from ..reporting.rubric.recycling import mask
from .frames import POS, number_rows

__all__ = ["PASSAGE_SCHEMA", "SparkCopies", "copies_of", "find_copies"]

#: A copied passage: the fields of CopiedPassage (``doc_a``, ``doc_b`` are positions).
PASSAGE_SCHEMA = T.StructType(
    [T.StructField(f.name, T.DoubleType() if f.type in (float, "float") else T.LongType()) for f in dataclasses.fields(CopiedPassage)]
)


@dataclass
class SparkCopies:
    """What :func:`find_copies` found.

    Attributes
    ----------
    passages : DataFrame
        One row per passage of two documents (:data:`PASSAGE_SCHEMA`), sorted
        as :attr:`dimtag.reporting.CopyResult.passages` is.
    shared : list of SharedPassage
        As :attr:`dimtag.reporting.CopyResult.shared`.
    formulas : list of SharedFormula
        As :attr:`dimtag.reporting.CopyResult.formulas`.
    threshold : int
        A shingle in more than this many documents is formula language.
    n_docs : int
        The number of documents.
    result : CopyResult
        The single-machine result the frames were made from.
    """

    passages: DataFrame
    shared: list[SharedPassage]
    formulas: list[SharedFormula]
    threshold: int
    n_docs: int
    result: CopyResult


def copies_of(
    spark: SparkSession, texts: list[str], *, k: int, min_chars: int, formula_share: float, max_gap: int, ignore: Iterable[str],
) -> SparkCopies:
    """The copies among texts gathered in order (the ``ignore`` phrases masked first, as :func:`dimtag.report` does)."""
    phrases = tuple(ignore)
    found = local_find_copies(
        [mask(t, phrases) for t in texts], k=k, min_chars=min_chars, formula_share=formula_share, max_gap=max_gap
    )
    passages = spark.createDataFrame([dataclasses.astuple(p) for p in found.passages], PASSAGE_SCHEMA)
    return SparkCopies(passages, found.shared, found.formulas, found.threshold, len(texts), found)


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
        Unused by the comparison; kept so that a frame with names is taken as it is.
    order_col : str, optional
        The documents' order (``doc_a < doc_b`` in a pair); default: the frame's own order.

    Returns
    -------
    SparkCopies
    """
    del name_col  # the passages name documents by position
    named = df.select(F.col(text_col).alias("text"), *([F.col(order_col).alias("_order")] if order_col else []))
    docs = number_rows(named, "_order" if order_col else None)
    try:
        texts = [r["text"] or "" for r in docs.orderBy(POS).select("text").collect()]
    finally:
        docs.unpersist()
    return copies_of(df.sparkSession, texts, k=k, min_chars=min_chars, formula_share=formula_share, max_gap=max_gap, ignore=ignore)

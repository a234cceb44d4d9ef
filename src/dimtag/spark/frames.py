"""DataFrame plumbing: dense document positions, and typed tables from rows given as JSON.

The single-machine report numbers its documents 0, 1, 2, … in input order,
and that order decides which document of a pair is ``doc_a`` and which
wording of a formula comes first. :func:`number_rows` gives a DataFrame the
same dense positions without moving the documents to one partition.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Sequence
from typing import Any

from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from ..document import RECORD_FIELDS, TaggedSentence
from ..reporting.columns import table_columns
from ..tagger import Label

__all__ = ["DOCS_PER_PARTITION", "FLOAT_COLUMNS", "POS", "explode_records", "number_rows", "partitions", "record_schema", "table_schema", "typed_rows"]

#: The column that holds a document's dense position (0, 1, 2, …).
POS = "_pos"
# monotonically_increasing_id() puts the partition id above the lowest 33 bits.
_PARTITION_SHIFT = 33
#: Documents per partition of the steps that run Python on each document: a task
#: costs a second or so of Python and Arrow setup, so a partition holds many
#: documents (a few MB of text for documents of a few thousand characters).
DOCS_PER_PARTITION = 5000
#: The report's number columns that hold fractions (shares, scores), not counts or offsets.
FLOAT_COLUMNS = frozenset({"concrete_share", "genericity", "similarity", "containment", "share"})
_SPARK_TYPES: dict[type, T.DataType] = {int: T.LongType(), float: T.DoubleType(), bool: T.BooleanType(), str: T.StringType()}


def number_rows(df: DataFrame, order_col: str | None = None) -> DataFrame:
    """``df`` with :data:`POS`: positions 0 … n-1 in the order of ``order_col`` (else the frame's own order).

    The frame comes in :func:`partitions` partitions, persisted (memory and
    disk): later steps read its documents several times.
    """
    if order_col is not None:
        df = df.orderBy(order_col)
    with_id = df.withColumn("_mid", F.monotonically_increasing_id()).persist(StorageLevel.MEMORY_AND_DISK)
    part = F.shiftright("_mid", _PARTITION_SHIFT)
    counts = sorted((r["_part"], r["count"]) for r in with_id.groupBy(part.alias("_part")).count().collect())
    offsets, total = [], 0
    for partition, count in counts:
        offsets.append((partition, total))
        total += count
    spark = df.sparkSession
    table = spark.createDataFrame(offsets, "_part long, _offset long")
    low = F.col("_mid").bitwiseAND(F.lit((1 << _PARTITION_SHIFT) - 1))
    numbered = (
        with_id.join(F.broadcast(table), part == F.col("_part"))
        .withColumn(POS, F.col("_offset") + low)
        .drop("_mid", "_part", "_offset")
        .repartition(partitions(spark, total))
    )
    numbered = numbered.persist(StorageLevel.MEMORY_AND_DISK)
    numbered.count()  # materialized before the ids it was computed from go
    with_id.unpersist()
    return numbered


def partitions(spark: SparkSession, n_docs: int) -> int:
    """How many partitions the per-document Python steps run in: every core busy, and :data:`DOCS_PER_PARTITION` each."""
    return max(1, spark.sparkContext.defaultParallelism, -(-n_docs // DOCS_PER_PARTITION))


def _python_type(hint: Any) -> type:
    """int, float or bool for a field hinted so (or Optional so), str for anything else."""
    args = [a for a in typing.get_args(hint) if a is not type(None)] or [hint]
    return args[0] if len(args) == 1 and args[0] in (int, float, bool) else str


def record_schema() -> T.StructType:
    """The Spark schema of a record: :data:`dimtag.RECORD_FIELDS`, typed from :class:`dimtag.TaggedSentence`."""
    hints = typing.get_type_hints(TaggedSentence)
    return T.StructType([T.StructField(f, _SPARK_TYPES[_python_type(hints.get(f, str))]) for f in RECORD_FIELDS])


def table_schema(table: str, labels: Sequence[Label]) -> T.StructType:
    """The Spark schema of one of the report's tables (:func:`dimtag.reporting.columns.table_columns`) for these labels.

    A ``bool`` column is boolean; a ``number`` column is a double when it holds a share or score
    (:data:`FLOAT_COLUMNS`), else a long; the sentences' columns are the records' (:func:`record_schema`).
    """
    records = {f.name: f.dataType for f in record_schema().fields}
    _, cols = table_columns(labels)[table]

    def spark_type(column_id: str, kind: str) -> T.DataType:
        if table == "sentences" and column_id in records:
            return records[column_id]
        if kind == "bool":
            return T.BooleanType()
        if kind == "number":
            return T.DoubleType() if column_id in FLOAT_COLUMNS else T.LongType()
        return T.StringType()

    return T.StructType([T.StructField(c.id, spark_type(c.id, c.kind)) for c in cols])


def typed_rows(rows: DataFrame, json_col: str, schema: T.StructType, order: Sequence[str | Column]) -> DataFrame:
    """Rows kept as JSON strings, parsed to ``schema``'s columns and sorted by ``order``."""
    parsed = rows.select(*order, F.from_json(json_col, schema).alias("_row"))
    return parsed.orderBy(*order).select("_row.*")


def explode_records(df: DataFrame, json_col: str, keep: Iterable[str]) -> DataFrame:
    """One row per record of a JSON list of records, with the columns ``keep`` repeated beside them."""
    exploded = df.select(*keep, F.explode(F.from_json(json_col, T.ArrayType(record_schema()))).alias("_r"))
    return exploded.select(*keep, "_r.*")

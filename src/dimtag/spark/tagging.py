"""Tag a DataFrame of documents: :func:`tag_frame`, and the per-document step the report builds on.

The model is loaded once per Python worker of each executor (Spark reuses
its Python workers, so once per executor core) and kept there: the
functions sent to the executors carry only the model's *path*, never the
model. A model other than the shipped one is shipped to the executors with
``SparkContext.addFile``.
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from pyspark import SparkFiles
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T

from ..document import RECORD_FIELDS, tag_document, tag_file
from ..errors import DimtagError, DocumentError
from ..tagger import MODEL_ENV, Tagger
from .frames import POS, explode_records

__all__ = ["TAGGED_SCHEMA", "executor_tagger", "model_ref", "tag_documents", "tag_frame"]

#: One tagged document: its position, name, cleaned text, records (a JSON list), the pickled
#: :class:`dimtag.TaggedDocument` (what the report's per-document code takes), or the error that stopped it.
TAGGED_SCHEMA = T.StructType([
    T.StructField(POS, T.LongType()), T.StructField("file", T.StringType()), T.StructField("text", T.StringType()),
    T.StructField("records", T.StringType()), T.StructField("doc", T.BinaryType()), T.StructField("error", T.StringType()),
])
_SHIPPED = ""


def model_ref(spark: SparkSession, model: str | os.PathLike[str] | None) -> str:
    """What the executors load: ``""`` for the shipped model, else the name of a file shipped with ``addFile``.

    ``model=None`` follows ``DIMTAG_MODEL`` on the driver, as :func:`dimtag.tag_document` does.
    """
    path = model if model is not None else os.environ.get(MODEL_ENV) or None
    if path is None:
        return _SHIPPED
    local = Path(path).resolve()
    if not local.exists():
        raise DimtagError(f"{path}: no such model")
    spark.sparkContext.addFile(str(local), recursive=local.is_dir())
    return local.name


@lru_cache(maxsize=2)
def executor_tagger(ref: str) -> Tagger:
    """The tagger of this Python worker, loaded on first use and kept (see :func:`model_ref`)."""
    return Tagger.load(SparkFiles.get(ref) if ref else None)


def _name(value: Any) -> str | None:
    return str(value) if isinstance(value, str) or (value is not None and not pd.isna(value)) else None


def _tagged_row(
    pos: int, name: str | None, value: Any, from_path: bool, ref: str, min_score: float | None, keep_doc: bool = False,
) -> tuple[Any, ...]:
    tagger = executor_tagger(ref)
    try:
        if from_path:
            doc = tag_file(value, min_score=min_score, tagger=tagger)
        elif not isinstance(value, (str, bytes)):  # a null (None, or NaN in pandas' string columns)
            return (pos, name, None, None, None, f"{name or '<text>'}: no text")
        else:
            doc = tag_document(value, min_score=min_score, tagger=tagger, name=name)
    except (DimtagError, ValueError) as exc:  # as dimtag.report(errors="skip") lists it: the file, and why
        source = str(value) if from_path else name
        why = str(exc) if isinstance(exc, DocumentError) or not from_path else f"{value}: {exc}"
        return (pos, source, None, None, None, why)
    records = json.dumps(doc.to_records(), ensure_ascii=False)
    return (pos, doc.name, doc.text, records, pickle.dumps(doc) if keep_doc else None, None)


def tag_documents(
    docs: DataFrame, source_col: str, name_col: str | None, *, from_path: bool, ref: str, min_score: float | None
) -> DataFrame:
    """One row of :data:`TAGGED_SCHEMA` per document of a frame numbered by :func:`~.frames.number_rows`.

    ``source_col`` holds the text, or with ``from_path`` a file's path
    (read on the executor, as :func:`dimtag.tag_file` reads it).
    """
    cols = [POS, source_col] + ([name_col] if name_col else [])

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            names = batch[name_col] if name_col else [None] * len(batch)
            rows = [
                _tagged_row(int(pos), _name(name), value, from_path, ref, min_score, keep_doc=True)
                for pos, name, value in zip(batch[POS], names, batch[source_col])
            ]
            yield pd.DataFrame(rows, columns=TAGGED_SCHEMA.fieldNames())

    return docs.select(*cols).mapInPandas(run, TAGGED_SCHEMA)


def tag_frame(
    df: DataFrame,
    text_col: str = "text",
    *,
    name_col: str | None = None,
    model: str | os.PathLike[str] | None = None,
    min_score: float | None = None,
) -> DataFrame:
    """One row per sentence of each document, with the record columns (:data:`dimtag.RECORD_FIELDS`).

    Parameters
    ----------
    df : DataFrame
        One row per document; ``text_col`` holds its text.
    text_col : str
        The text column (a string, as :func:`dimtag.tag_document` takes it).
    name_col : str, optional
        A column naming the document: the records' ``file`` (else ``<text>``).
    model : path, optional
        A model directory or file (default: ``DIMTAG_MODEL``, else the shipped model).
    min_score : float, optional
        As for :func:`dimtag.tag_document`.

    Returns
    -------
    DataFrame
        The other columns of ``df`` (those not named like a record field),
        then the record fields, one row per sentence. A document that
        cannot be tagged (no text) has no rows.
    """
    ref = model_ref(df.sparkSession, model)
    keep = [c for c in df.columns if c != text_col and c not in RECORD_FIELDS]
    fields = df.schema
    out_schema = T.StructType([fields[c] for c in keep] + [T.StructField("_records", T.StringType())])

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            names = batch[name_col] if name_col else [None] * len(batch)
            tagged = [_tagged_row(0, _name(n), t, False, ref, min_score) for n, t in zip(names, batch[text_col])]
            out = batch[keep].copy()
            out["_records"] = [row[3] for row in tagged]
            yield out

    return explode_records(df.mapInPandas(run, out_schema), "_records", keep)



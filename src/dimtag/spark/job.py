"""``dimtag spark-report``: read a folder or a Parquet table of documents, write the tables as Parquet and an xlsx summary."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession

from ..errors import DimtagError
from ..folders import Skipped, collect_documents
from ..reporting.report import Report
from ..tagger import Label
from .frames import table_schema
from .tables import SparkReport, report_frame

__all__ = ["EXCEL_ROWS", "SUMMARY_TABLES", "spark_report"]

log = logging.getLogger(__name__)

#: The tables of the xlsx summary (the Parquet files hold them all).
SUMMARY_TABLES = ("documents", "flags", "copying", "shared", "formulas", "aspects", "skipped")
#: The rows an Excel sheet holds below its header.
EXCEL_ROWS = 1_048_575


def _remote(path: str | os.PathLike[str]) -> bool:
    """A URI such as ``hdfs://…`` or ``s3a://…``, for Spark to read, rather than a local path."""
    return "://" in str(path)


def _is_parquet(source: str) -> bool:
    path = Path(source)
    return _remote(source) or path.suffix.lower() == ".parquet" or (path.is_dir() and any(path.glob("*.parquet")))


def _documents(
    spark: SparkSession, source: str, text_col: str, name_col: str
) -> tuple[DataFrame, dict[str, str | None], list[tuple[str, str]]]:
    """The documents of a folder (as paths the executors read) or of a Parquet table, how to read them, and the
    folder's files that are no documents (with the reason), by the one folder rule."""
    path = Path(source)
    if not _remote(source) and not path.exists():
        raise DimtagError(f"{source}: no such file or folder")
    if _is_parquet(source):
        table = spark.read.parquet(source)
        if text_col not in table.columns:
            raise DimtagError(f"{source}: no column {text_col!r} (columns: {', '.join(table.columns)}); give --text-col")
        name = name_col if name_col in table.columns else None
        return table, {"text_col": text_col, "name_col": name, "order_col": name, "path_col": None}, []
    if not path.is_dir():
        raise DimtagError(f"{source}: give a folder of .txt/.docx documents or a Parquet table")
    files, passed = collect_documents([source])
    listed = spark.createDataFrame(list(enumerate(map(str, files))), "pos long, path string")
    return listed, {"text_col": "path", "name_col": None, "order_col": "pos", "path_col": "path"}, [(s.path, s.reason) for s in passed]


def spark_report(
    source: str,
    output: str,
    *,
    spark: SparkSession,
    summary: str | os.PathLike[str] | None = None,
    expect: Sequence[str | Label] | None = None,
    model: str | None = None,
    min_score: float | None = None,
    formula_share: float = 0.25,
    min_copy_chars: int = 40,
    ignore: Sequence[str] = (),
    text_col: str = "text",
    name_col: str = "file",
) -> tuple[SparkReport, list[str]]:
    """Run the report on Spark and write ``OUTPUT/<table>.parquet`` for every table, and the xlsx summary.

    ``output`` is a local folder, which must not exist yet or be empty
    (nothing is overwritten), or a URI (``hdfs://…``) where Spark refuses
    to overwrite a table. The summary (:data:`SUMMARY_TABLES`) is written
    by the driver to ``summary``, by default ``OUTPUT/summary.xlsx`` for a
    local folder and ``summary.xlsx`` in the current folder for a URI.

    Returns
    -------
    (SparkReport, list of str)
        The report, and what was written.
    """
    out = Path(output)
    if not _remote(output) and out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise DimtagError(f"{output}: exists and is not an empty folder; give a new folder")
    summary_path = Path(summary) if summary else (Path("summary.xlsx") if _remote(output) else out / "summary.xlsx")
    docs, how, passed = _documents(spark, source, text_col, name_col)
    rep = report_frame(
        docs, how["text_col"] or text_col, name_col=how["name_col"], order_col=how["order_col"], path_col=how["path_col"],
        expect=expect, model=model, min_score=min_score, formula_share=formula_share, min_copy_chars=min_copy_chars,
        ignore=ignore,
    )
    if passed:  # listed first, as dimtag.report lists a folder's files that are no documents
        rows = spark.createDataFrame(passed, table_schema("skipped", rep.labels))
        rep.tables["skipped"] = rows.unionByName(rep.tables["skipped"])
        rep.skipped[:0] = [str(Skipped(path, reason)) for path, reason in passed]
    written: list[str] = []
    for name, frame in rep.tables.items():
        target = f"{str(output).rstrip('/')}/{name}.parquet"
        frame.write.parquet(target)
        written.append(target)
    tables: dict[str, list[dict[str, object]]] = {}
    for name in SUMMARY_TABLES:
        frame = rep.tables[name]
        if frame.count() > EXCEL_ROWS:
            log.warning("%s: %s has more rows than an Excel sheet holds; it is in %s.parquet only", output, name, name)
            continue
        tables[name] = [row.asDict() for row in frame.toLocalIterator()]
    summary_report = Report(tables, {}, rep.expect, rep.skipped, rep.labels, names=rep.names, notes=rep.notes)
    written.append(str(summary_report.write(summary_path)[0]))
    return rep, written

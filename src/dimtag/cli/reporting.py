"""The reviewer's report: ``dimtag report`` on this machine, ``dimtag spark-report`` on Spark."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from .console import print_line, say
from .exits import EXIT_FAILED, EXIT_OK, UsageError
from .inputs import load_tagger
from .output import check_output

log = logging.getLogger("dimtag")


def cmd_report(args: argparse.Namespace) -> int:
    from ..reporting.report import report

    suffix = Path(args.output).suffix.lower()
    if suffix not in (".xlsx", ".html", ".htm", ".csv") and not (args.output.endswith(("/", os.sep)) or os.path.isdir(args.output)):
        raise UsageError(f"{args.output}: give a name ending in .xlsx, .html or .csv, or a folder ending in /")
    if suffix == ".xlsx":
        from importlib.util import find_spec

        from ..reporting.xlsx import REPORT_EXTRA_HINT

        if find_spec("openpyxl") is None:  # say so before tagging a whole folder
            raise UsageError(f".xlsx needs the report extra (openpyxl): {REPORT_EXTRA_HINT}")
    if suffix in (".xlsx", ".html", ".htm"):
        check_output(args.output, args.inputs)
    tagger = load_tagger(args.model)
    from ..reporting.rubric import load_rubric

    rubric = None if args.no_review and not args.rubric else load_rubric(args.rubric)  # a bad rubric fails before tagging
    if args.previous is not None and not os.path.isdir(args.previous):
        raise UsageError(f"{args.previous}: --previous must be a folder of last year's materials")
    result = report(
        args.inputs, expect=args.expect, tagger=tagger, min_score=args.min_score,
        formula_share=args.formula_share, errors="skip", follow_links=args.follow_links, rubric=rubric,
        previous=args.previous, previous_map=args.previous_map, ignore=args.ignore or (),
    )
    if not tagger.framework_.reads_headings:
        say("dimtag: note: the model has no heading lexicon, so headings give no evidence (train with --headings FILE)")
    for message in result.skipped:
        log.error("%s", message)
    for path in result.write(args.output, bom=args.excel):
        print(path)
    return EXIT_FAILED if result.skipped else EXIT_OK


def cmd_spark_report(args: argparse.Namespace) -> int:
    from importlib.util import find_spec

    if any(find_spec(name) is None for name in ("pyspark", "pandas", "pyarrow")):
        raise UsageError('spark-report needs the spark extra (pyspark, pandas, pyarrow): pip install "dimtag[spark]"')
    try:
        from ..spark.job import spark_report
    except ImportError as exc:
        raise UsageError(str(exc)) from None
    if args.min_copy_chars < 8:
        raise UsageError("--min-copy-chars must be at least 8 (the shingle length)")
    from ..reporting.rubric.recycling import read_ignore

    ignore = read_ignore(args.ignore) if args.ignore else ()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("dimtag spark-report")
    if args.master:
        builder = builder.master(args.master)
    if args.shuffle_partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(args.shuffle_partitions))
    spark = builder.getOrCreate()
    rep, written = spark_report(
        args.input, args.output, spark=spark, summary=args.summary, expect=args.expect, model=args.model,
        min_score=args.min_score, formula_share=args.formula_share, min_copy_chars=args.min_copy_chars, ignore=ignore,
        text_col=args.text_col, name_col=args.name_col,
    )
    for message in rep.skipped:
        log.error("%s", message)
    for path in written:
        print_line(path)
    return EXIT_FAILED if rep.skipped else EXIT_OK

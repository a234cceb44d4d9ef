"""The command line's argument tree: verbs, options, their help, and the types that check their values."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import TypeVar

_N = TypeVar("_N", int, float)


def _version() -> str:
    from .. import __version__

    return __version__


def _number(value: str, cast: Callable[[str], _N], what: str) -> _N:
    """``value`` read by ``cast``, or the argument error that says what it should have been."""
    try:
        return cast(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not {what}") from None


def _jobs(value: str) -> int:
    jobs = _number(value, int, "a whole number")
    if jobs == 0 or jobs < -1:
        raise argparse.ArgumentTypeError("must be a positive number of processes, or -1 for all cores")
    return jobs


def _score(value: str) -> float:
    score = _number(value, float, "a number")
    if not (math.isfinite(score) and 0.0 <= score <= 1.0):
        raise argparse.ArgumentTypeError("must be a number from 0 to 1")
    return score


def _dimension_list(value: str) -> tuple[str, ...]:
    """Aspect names, checked against the model's labels once it is loaded (a custom model has its own)."""
    names = tuple(v.strip() for v in value.replace("，", ",").split(",") if v.strip())
    if not names:
        raise argparse.ArgumentTypeError("at least one aspect is required")
    return names


def _port(value: str) -> int:
    port = _number(value, int, "a port number")
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError("must be from 1 to 65535")
    return port


def _limit(value: str) -> tuple[str, float]:
    name, sep, number = value.partition("=")
    try:
        amount = float(number)
    except ValueError:
        amount = math.nan
    if not sep or not (math.isfinite(amount) and amount > 0):
        raise argparse.ArgumentTypeError(f"{value!r}: give NAME=VALUE with a positive number")
    return name.strip(), amount


_TRAIN_FORMATS = """\
Train a model on a label set of any framework. Accepted formats (--format, else from the file):
  labels  the full labels.csv schema: text,dimension,source,origin[,role,writer,...] (docs/labeling.md);
          cross-validated by seed document and writer
  csv     a plain table with a text column and a label column (--text-col, --label-col), optionally
  tsv     a role (--role-col) and a group (--group-col: the document or writer of each row); without a
          group, stratified 5-fold cross-validation
  jsonl   one JSON object per line with the same keys: {"text": "...", "label": "..."}

A plain CSV (every label needs at least 7 rows; "none" marks texts that speak to no label):

  text,label
  对党忠诚的政治自觉还不够强，有时把忠诚停留在口头上。,loyalty
  参加组织生活不够经常，有时以工作忙为由请假。,party_spirit
  热衷于搞形象工程、面子工程，花钱多而群众受益少。,achievements
  斗争精神不强，遇到矛盾绕着走，怕得罪人。,struggle

  dimtag train --labels four_leads.csv --names names.csv --headings headings.tsv --out four_leads

--names: a CSV or TSV of id,name rows (loyalty,带头强化政治忠诚). --headings: heading words<TAB>label per line
(带头强化政治忠诚<TAB>loyalty); copied into the model, headings that name a label give heading evidence.
See README, "Your own framework".
"""


def _follow_links_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--follow-links", action="store_true", help="in folders, follow symbolic links that lead outside the folder")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dimtag", description="Tag Chinese self-criticism materials by dimension.")
    parser.add_argument("--version", action="version", version=f"dimtag {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    labels_help = "the labels CSV (default in a source checkout: data/labels.csv)"

    p = sub.add_parser("tag", help="tag documents: files, folders (recursively) or - for stdin")
    p.add_argument("inputs", nargs="*", metavar="FILE", help="files or folders; - reads stdin (the default when it is piped)")
    p.add_argument("--format", choices=("text", "jsonl", "csv"), default="text")
    p.add_argument("--output", "-o", metavar="FILE", help="write here, atomically, instead of stdout")
    p.add_argument("--summary", action="store_true", help="print counts per dimension for each document and in total")
    p.add_argument("--min-score", type=_score, default=None, help="abstain below this score, 0 to 1 (default: from the model)")
    p.add_argument("--model", metavar="PATH", help="a model directory or file (default: $DIMTAG_MODEL, else the shipped one)")
    p.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    p.add_argument("--jobs", "-j", type=_jobs, default=1,
                   help="worker processes for many files (-1: all cores); under 10 MB of input one process is faster, and is used")
    p.add_argument("--excel", "--bom", action="store_true", help="start CSV with the UTF-8 byte order mark that Excel needs")
    p.add_argument("--verbose", "-v", action="store_true", help="report on stderr what cleaning dropped from each document, and why")
    _follow_links_option(p)

    p = sub.add_parser("report", help="a reviewer's report on a folder: coverage, concreteness, copying")
    p.add_argument("inputs", nargs="+", metavar="PATH", help="files or folders (their .txt and .docx files)")
    p.add_argument("--output", "-o", required=True, metavar="OUT", help="OUT.xlsx, OUT.html, OUT.csv (one file per table) or a folder/")
    p.add_argument("--expect", type=_dimension_list, metavar="DIMS",
                   help="required aspects, comma-separated ids or display names of the model's labels (default: all of them)")
    p.add_argument("--formula-share", type=_score, default=None, help="a phrase in more than this share of documents is formula language (default: the rubric's, 0.25)")
    p.add_argument("--min-score", type=_score, default=None, help="abstain below this score, 0 to 1 (default: from the model)")
    p.add_argument("--model", metavar="PATH", help="a model directory or file (default: $DIMTAG_MODEL, else the shipped one)")
    p.add_argument("--excel", "--bom", action="store_true", help="start CSV files with the UTF-8 byte order mark")
    _follow_links_option(p)
    p.add_argument("--rubric", metavar="TOML", help="review under this rubric: grades, reasons, notes (default: the shipped rubric)")
    p.add_argument("--no-review", action="store_true", help="leave out the review (grades, notes) and report only coverage, concreteness, copying")
    p.add_argument("--previous", metavar="DIR", help="last year's materials, compared with this year's by file name")
    p.add_argument("--previous-map", metavar="CSV", help="this year's file,last year's file: for names that differ")
    p.add_argument("--ignore", metavar="FILE", help="formula text never counted as copied or reused, one phrase a line")

    p = sub.add_parser("spark-report", help="the reviewer's report on Spark: a folder or a Parquet table to Parquet tables and an xlsx summary")
    p.add_argument("input", metavar="INPUT", help="a folder of .txt/.docx documents, or a Parquet table with a text column")
    p.add_argument("output", metavar="OUTPUT", help="a new folder (or an hdfs:// or s3a:// URI): one Parquet table per report table")
    p.add_argument("--summary", metavar="XLSX", help="the xlsx summary (default: OUTPUT/summary.xlsx; summary.xlsx here for a URI)")
    p.add_argument("--expect", type=_dimension_list, metavar="DIMS", help="required aspects, comma-separated ids or names (default: every label of the model)")
    p.add_argument("--formula-share", type=_score, default=0.25, help="a phrase in more than this share of documents is formula language (default 0.25)")
    p.add_argument("--min-copy-chars", type=int, default=40, metavar="N", help="a copied passage holds at least N matching characters (default 40)")
    p.add_argument("--ignore", metavar="FILE", help="phrases to treat as formula language, one per line")
    p.add_argument("--min-score", type=_score, default=None, help="abstain below this score, 0 to 1 (default: from the model)")
    p.add_argument("--model", metavar="PATH", help="a model directory or file (default: $DIMTAG_MODEL, else the shipped one)")
    p.add_argument("--text-col", default="text", help="the Parquet table's text column (default text)")
    p.add_argument("--name-col", default="file", help="the Parquet table's name column, also its order (default file)")
    p.add_argument("--master", help="Spark master (default: as spark-submit sets it, else local[*])")
    p.add_argument("--shuffle-partitions", type=int, metavar="N", help="spark.sql.shuffle.partitions for this run (default: Spark's)")

    p = sub.add_parser("extract", help="turn a document into a CSV of candidate items for labels.csv")
    p.add_argument("input", metavar="FILE")
    p.add_argument("--source", help="value of the source column (default: the file name)")
    p.add_argument("--model", metavar="PATH", help="the model whose guesses and heading lexicon fill the dimension column (default: the shipped one)")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")

    p = sub.add_parser("audit", help="list labels the model finds unlikely (confident learning)")
    p.add_argument("--labels", metavar="CSV", help=labels_help)
    p.add_argument("--output", "-o", default="audit.csv", metavar="CSV", help="editable CSV for dimtag merge")
    p.add_argument("-n", type=int, default=30, help="how many to print")

    p = sub.add_parser("suggest", help="pick the sentences of new documents most worth labeling")
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_FOLDER")
    _follow_links_option(p)
    p.add_argument("-n", type=int, default=50, help="how many sentences")
    p.add_argument("--labels", metavar="CSV", help="already labeled items, skipped (default in a checkout: data/labels.csv)")
    p.add_argument("--output", "-o", metavar="CSV", help="write here instead of stdout")

    p = sub.add_parser("merge", help="apply the confirmed rows of an audit or suggest CSV to labels.csv")
    p.add_argument("updates", metavar="CSV")
    p.add_argument("--labels", metavar="CSV", help=labels_help)

    p = sub.add_parser("export-tasks", help="tasks for Label Studio (JSON) or doccano (JSONL), with the model's predictions and scores")
    p.add_argument("inputs", nargs="+", metavar="PATH", help="documents, folders, or a labels CSV to review")
    p.add_argument("--format", choices=("label-studio", "doccano"), default="label-studio")
    p.add_argument("--output", "-o", metavar="FILE", help="write here, atomically, instead of stdout")
    p.add_argument("--config", metavar="XML", help="also write a Label Studio labeling config that fits the predictions")
    p.add_argument("--model", metavar="PATH", help="a model directory or file (default: $DIMTAG_MODEL, else the shipped one)")

    p = sub.add_parser("import-labels", help="apply a Label Studio or doccano export to labels.csv (the locked merge of dimtag merge)")
    p.add_argument("export", metavar="EXPORT", help="Label Studio JSON / JSON-MIN, or doccano JSONL")
    p.add_argument("--labels", metavar="CSV", help=labels_help)

    p = sub.add_parser("labels", help="rename a label, or merge one into another, in labels.csv")
    labels_sub = p.add_subparsers(dest="action", required=True)
    for action, first, second, text in (("rename", "OLD", "NEW", "rename OLD to NEW (refused if NEW is in use)"),
                                        ("merge", "A", "B", "merge A into B (refused if no row has B)")):
        q = labels_sub.add_parser(action, help=text)
        q.add_argument("old", metavar=first)
        q.add_argument("new", metavar=second)
        q.add_argument("--labels", metavar="CSV", help=labels_help)
        q.add_argument("--column", choices=("dimension", "role"), default="dimension", help="which labels (default: dimension)")
        q.add_argument("--dry-run", "-n", action="store_true", help="say what would change; write nothing")

    p = sub.add_parser("serve", help="the REST API, the reviewer's page and a Label Studio backend (needs the serve extra)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; any other needs a token)")
    p.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    p.add_argument("--token", help="require this token (Authorization: Bearer TOKEN); default: $DIMTAG_TOKEN")
    p.add_argument("--model", metavar="PATH", help="a model directory or file (default: $DIMTAG_MODEL, else the shipped one)")
    p.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN", help="let this origin's scripts read answers (repeatable; default none)")
    p.add_argument("--limit", action="append", default=[], type=_limit, metavar="NAME=VALUE",
                   help="change a limit (repeatable): max_items, max_item_chars, max_body_bytes, max_files, max_document_chars, "
                        "max_document_bytes, max_zip_bytes, max_zip_members, max_zip_ratio, read_timeout, timeout (seconds)")

    p = sub.add_parser("evaluate", help="grouped-CV report with baselines, confusion matrix and writer learning curve")
    p.add_argument("--labels", metavar="CSV", help=labels_help)
    p.add_argument("--out", metavar="DIR", help="where evaluation.md and the plots go (default in a checkout: reports)")
    p.add_argument("--grid", choices=("default", "small"), default="default", help="configurations to compare")
    p.add_argument("--jobs", "-j", type=_jobs, default=-1, help="processes for the folds")

    p = sub.add_parser(
        "train", help="train a model from a label set (labels.csv, a plain CSV/TSV, or JSONL)",
        formatter_class=argparse.RawDescriptionHelpFormatter, description=_TRAIN_FORMATS,
    )
    p.add_argument("--labels", metavar="FILE", help="the label set (default in a source checkout: data/labels.csv)")
    p.add_argument("--format", default=None, metavar="FORMAT",
                   help="labels, csv, tsv or jsonl (default: from the file name and header); checked when the file is read")
    p.add_argument("--text-col", default="text", metavar="NAME", help="plain CSV/TSV/JSONL: the column (key) of the texts (default: text)")
    p.add_argument("--label-col", default="label", metavar="NAME", help="plain CSV/TSV/JSONL: the column (key) of the labels (default: label)")
    p.add_argument("--role-col", metavar="NAME", help="plain CSV/TSV/JSONL: a column of roles (problem, cause, measure, positive, other)")
    p.add_argument("--group-col", metavar="NAME",
                   help="plain CSV/TSV/JSONL: the document or writer of each row; folds hold one group out (default: stratified 5 folds)")
    p.add_argument("--names", metavar="FILE", help="display names of the labels: a CSV or TSV of id,name rows")
    p.add_argument("--headings", metavar="FILE",
                   help="a heading lexicon (heading words<TAB>label per line), copied into the model: headings that name a label give evidence")
    p.add_argument("--out", metavar="DIR", help="model directory to write (default in a checkout: src/dimtag/model)")
    p.add_argument("--grid", choices=("default", "small"), default="default", help="model-selection grid")
    p.add_argument("--jobs", "-j", type=_jobs, default=-1, help="processes for the folds")
    p.add_argument("--documents", metavar="DIR",
                   help="annotated documents to learn the document decision from (default in a checkout: data/documents/src)")
    p.add_argument("--evidence-cache", metavar="DIR",
                   help="keep each document writer's held-out models and evidence here; a later run (or benchmarks/documents.py) "
                        "on the same data reuses them. Empty it after changing dimtag's code")
    return parser

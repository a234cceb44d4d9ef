"""The ``dimtag`` command line.

``tag``, ``export-tasks``, ``import-labels`` and ``labels`` need the core
only; ``serve`` needs the ``serve`` extra and says so without it. ``extract``, ``train``, ``evaluate``, ``audit``,
``suggest`` and ``merge`` are the learning wing's verbs and need the
``train`` extra; without it they say so and exit 1. Errors caused by input,
files or models (:class:`~dimtag.errors.DimtagError`) are caught once, in
:func:`main`, and printed as one ``dimtag: error: …`` line.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import math
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing, contextmanager
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, NamedTuple

from ._atomic import atomic_write
from ._escape import csv_escape_row, printable
from .document import RECORD_FIELDS
from .errors import DimtagError, DocumentError
from .folders import collect_documents
from .framework import Framework

__all__ = ["main"]

log = logging.getLogger("dimtag")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_LEARNING_VERBS = ("extract", "train", "evaluate", "audit", "suggest", "merge")


class _UsageError(DimtagError):
    """A command line that cannot work, found before any work starts."""


class _Terminated(BaseException):
    """A terminating signal arrived; unwinding removes temporary files and stops workers."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


# Signals whose default action ends the process; SIGINT already raises KeyboardInterrupt.
_TERMINATING = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2") if hasattr(signal, name)
)


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated(signum)


@contextmanager
def _signals_unwind() -> Iterator[None]:
    """Turn terminating signals into an exception for the run, so that cleanup code runs.

    Only signals left at their default action are taken, and only in the
    main thread; the previous handlers come back afterwards.
    """
    previous: dict[int, Any] = {}
    try:
        for signum in _TERMINATING:
            if signal.getsignal(signum) is signal.SIG_DFL:
                previous[signum] = signal.signal(signum, _raise_terminated)
    except ValueError:  # not the main thread: leave signals alone
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _print(line: str) -> None:
    """One line of a report on stdout, file names escaped; nothing when stdout is closed."""
    if sys.stdout is not None:
        sys.stdout.write(printable(line) + "\n")


def _say(line: str) -> None:
    """One line on stderr, if there is a stderr (``2>&-`` closes it)."""
    if sys.stderr is not None:
        sys.stderr.write(printable(line) + "\n")


def _version() -> str:
    from . import __version__

    return __version__


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if jobs == 0 or jobs < -1:
        raise argparse.ArgumentTypeError("must be a positive number of processes, or -1 for all cores")
    return jobs


def _score(value: str) -> float:
    try:
        score = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
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
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
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


def _checkout_root() -> Path | None:
    """The dimtag source checkout that holds the current directory, if any."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "labels.csv").is_file() and (folder / "src" / "dimtag").is_dir():
            return folder
    return None


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


def _parser() -> argparse.ArgumentParser:
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
    return parser


def _resolve(args: argparse.Namespace, name: str, default: str) -> None:
    """Fill a path option: as given (relative to the current directory), or the checkout's default."""
    value = getattr(args, name, None)
    if value is not None:
        return
    root = _checkout_root()
    if root is None:
        raise _UsageError(f"--{name} is required outside a dimtag source checkout")
    setattr(args, name, str(root / default))


def _documents(inputs: Sequence[str], follow_links: bool, output: str | None) -> tuple[list[str], list[str]]:
    """The files to read (the one folder rule, :func:`dimtag.folders.collect_documents`) and the error lines
    of those skipped; the output file is left out."""
    skip = {os.path.realpath(output)} if output else set()
    files, skipped = collect_documents(inputs, follow_links=follow_links, exclude=skip)
    return files, [str(s) for s in skipped]


def _oserror(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return reason if exc.filename is None else f"{exc.filename}: {reason}"


def _check_output(path: str | None, inputs: Sequence[str] = ()) -> None:
    """Refuse an output path that cannot work, before any work starts."""
    if path is None:
        if sys.stdout is None:
            raise _UsageError("standard output is closed; give --output FILE")
        return
    target = Path(path)
    if target.is_dir():
        raise _UsageError(f"{path}: is a directory; give a file name for the output")
    if not target.parent.exists() and str(target.parent) not in ("", "."):
        raise _UsageError(f"{path}: directory {target.parent} does not exist")
    real = os.path.realpath(path)
    for item in inputs:
        if item != "-" and not os.path.isdir(item) and os.path.realpath(item) == real:
            raise _UsageError(f"{path}: the output would replace the input {item}")


def _check_out_dir(path: str) -> None:
    """Refuse an output folder (``--out``) that is a file or has no parent folder, before any work starts."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise _UsageError(f"{path}: exists and is not a directory; give a folder for --out")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise _UsageError(f"{path}: directory {parent} does not exist")


class _OutputError(DimtagError):
    """Writing the output failed (a full disk)."""


@contextmanager
def _writing(path: str | None) -> Iterator[None]:
    """Report a failed write of the output (``None``: stdout) as one error naming it."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        if exc.filename is not None:  # about some other file
            raise
        if path is None:
            _silence_stdout()  # what is left in its buffer would fail again at exit
        raise _OutputError(f"{path or 'standard output'}: {exc.strerror or exc}") from None


@contextmanager
def _output(path: str | None) -> Iterator[IO[str]]:
    """Yield stdout, or a temp file moved onto ``path`` only on success."""
    with _writing(path):
        if path is None:
            yield sys.stdout
            sys.stdout.flush()
            return
        with atomic_write(path) as fh:
            yield fh


class _Writer:
    def __init__(self, out: IO[str], fmt: str, bom: bool = False):
        self.out, self.fmt = out, fmt
        self.csv = csv.DictWriter(out, fieldnames=RECORD_FIELDS, lineterminator="\n") if fmt == "csv" else None
        if self.csv:
            if bom:
                out.write("\ufeff")
            self.csv.writeheader()

    def write(self, record: dict[str, Any]) -> None:
        if self.csv:
            self.csv.writerow(csv_escape_row(record))
        elif self.fmt == "jsonl":
            self.out.write(json.dumps({k: record[k] for k in RECORD_FIELDS}, ensure_ascii=False) + "\n")
        else:
            dim = f"{record['dimension']} {record['dimension_zh'] or ''}".rstrip() if record["dimension"] else "-"
            self.out.write(
                f"{record['file']}:{record['index']}\t{record['role']}\t{dim}\t{record['score']:.2f}\t{record['by']}\t{record['text']}\n"
            )


def _progress(total: int, enabled: bool) -> Any:
    if not enabled or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="doc", file=sys.stderr, leave=False)


def _summary_table(per_doc: dict[str, Counter[str]], out: IO[str], framework: Framework) -> None:
    """Counts per label (the model's, in its order) and abstentions, per document and in total.

    Columns are headed by the label ids for the six dimensions, by the display names for another framework's labels.
    """
    columns = [*framework.labels, "none"]
    heads = [c if framework.builtin or c == "none" else str(framework.name(c)).replace(" ", "_") for c in columns]
    cell = max([14, *(len(h) for h in heads)])
    total: Counter[str] = Counter()
    width = max([len("TOTAL")] + [len(n) for n in per_doc])
    out.write(f"{'document':<{width}}  " + "  ".join(f"{h:>{cell}}" for h in heads) + f"  {'items':>6}\n")
    for name, counts in list(per_doc.items()) + [("TOTAL", None)]:
        counts = total if counts is None else counts
        if name != "TOTAL":
            total.update(counts)
        out.write(f"{name:<{width}}  " + "  ".join(f"{counts.get(c, 0):>{cell}}" for c in columns) + f"  {sum(counts.values()):>6}\n")


@lru_cache(maxsize=2)
def _worker_tagger(model: str | None) -> Any:
    from .tagger import Tagger, default_tagger

    return Tagger.load(model) if model else default_tagger()


class _Tagged(NamedTuple):
    records: list[dict[str, Any]]
    dropped: list[tuple[int, int, str, str]]


def _tag_one(path: str, min_score: float | None, model: str | None) -> tuple[str, _Tagged | str]:
    """Tag one file; return its records and what cleaning dropped, or the error line. Runs in workers too."""
    from .document import tag_document, tag_file

    try:
        tagger = _worker_tagger(model)
        if path == "-":
            if sys.stdin is None or sys.stdin.closed:
                return path, "<stdin>: standard input is closed"
            doc = tag_document(sys.stdin.buffer, min_score=min_score, tagger=tagger, name="-")
        else:
            doc = tag_file(path, min_score=min_score, tagger=tagger)
    except DocumentError as exc:
        return path, str(exc)
    except (OSError, ValueError) as exc:
        return path, f"{path}: {exc}"
    return path, _Tagged(doc.to_records(), [(d.start, d.end, d.reason, d.text) for d in doc.dropped])


_Results = Generator[tuple[str, "_Tagged | str"], None, None]


#: Below this many bytes of input, --jobs tags in one process: starting the workers and loading the
#: model in each costs more than they save. benchmarks/jobs.py (benchmarks/JOBS.md), on 2 shared cores:
#: the workers were slower on every folder up to 7 MB (ratio 1.3 to 4.5) and faster on 14 MB (0.76).
PARALLEL_MIN_BYTES = 10_000_000


def _input_bytes(paths: list[str], limit: int) -> int:
    """The size of the files, counted until it reaches ``limit`` (unreadable files count 0)."""
    total = 0
    for path in paths:
        try:
            total += os.path.getsize(path)
        except OSError:
            continue
        if total >= limit:
            break
    return total


def _tagged_files(paths: list[str], args: argparse.Namespace) -> _Results:
    """Results in input order, one document at a time; in parallel with --jobs, from PARALLEL_MIN_BYTES of input."""
    if args.jobs == 1 or len(paths) < 2 or "-" in paths or _input_bytes(paths, PARALLEL_MIN_BYTES) < PARALLEL_MIN_BYTES:
        return (_tag_one(p, args.min_score, args.model) for p in paths)
    return _in_workers(paths, args)


def _in_workers(paths: list[str], args: argparse.Namespace) -> _Results:
    """Results in input order from worker processes, each fed one document at a time over its own pipe.

    No thread of the parent touches the workers (multiprocessing's pools keep
    three, which can hang the exit of a run cut short): a signal reaches the
    main thread while it waits, and stopping early kills the workers and
    closes their pipes. Forked workers inherit the loaded model, and fork's
    semaphores are never named, so no resource tracker is left to warn.
    """
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    count = min(args.jobs if args.jobs > 0 else os.cpu_count() or 1, len(paths))
    # Finished documents held while an earlier one is still being tagged: bounded, so
    # that a slow reader or one long document never makes the parent hold them all.
    window = 2 * count
    workers: list[tuple[Any, Any]] = []
    try:
        for _ in range(count):
            ours, theirs = context.Pipe()
            process = context.Process(target=_worker, args=(theirs, args.min_score, args.model), daemon=True)
            process.start()
            theirs.close()
            workers.append((process, ours))
        idle = list(range(count))
        busy: dict[Any, int] = {}
        done: dict[int, tuple[str, _Tagged | str]] = {}
        sent = given = 0
        while given < len(paths):
            while idle and sent < len(paths) and sent - given < window:
                w = idle.pop()
                workers[w][1].send((sent, paths[sent]))
                busy[workers[w][1]] = w
                sent += 1
            if given in done:
                yield done.pop(given)
                given += 1
                continue
            for ready in wait(list(busy), timeout=_SIGNAL_POLL):
                conn: Any = ready
                try:
                    index, answer = conn.recv()
                except EOFError:
                    raise DimtagError(f"a --jobs worker stopped unexpectedly (exit code {workers[busy[conn]][0].exitcode})") from None
                if isinstance(answer, BaseException):
                    raise answer
                done[index] = answer
                idle.append(busy.pop(conn))
        for _, ours in workers:
            ours.send(None)
    finally:
        # After a full run the workers have been told to stop; after an early stop
        # (| head, an error, a signal) they are ended at once.
        for process, ours in workers:
            process.join(timeout=_SIGNAL_POLL)
            if process.is_alive():
                process.kill()
                process.join()
            ours.close()


#: Seconds between checks for a signal while waiting for a worker's document.
_SIGNAL_POLL = 0.2


def _worker(conn: Any, min_score: float | None, model: str | None) -> None:
    """A --jobs worker: tag the documents the parent sends until it sends None or goes away."""
    for signum in _TERMINATING:  # the parent stops the workers; Ctrl-C is the parent's
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        index, path = task
        try:
            result: Any = _tag_one(path, min_score, model)
        except Exception as exc:  # a bug: the parent raises it, as joblib did
            result = exc
        conn.send((index, result))


#: What bare ``dimtag tag`` says on a terminal instead of waiting for typed text.
TAG_HINT = "dimtag tag: give files or folders to tag (dimtag tag report.txt materials/), or pipe text in (... | dimtag tag); see dimtag tag --help"


def _cmd_tag(args: argparse.Namespace) -> int:
    if args.excel and args.format != "csv":
        raise _UsageError("--excel applies to --format csv")
    if not args.inputs:
        if sys.stdin is not None and not sys.stdin.closed and sys.stdin.isatty():
            _say(TAG_HINT)
            return EXIT_USAGE
        args.inputs = ["-"]
    _check_output(args.output, args.inputs)
    tagger = _worker_tagger(args.model)  # a bad --model fails here, once, before any work
    paths, errors = _documents(args.inputs, args.follow_links, args.output)
    per_doc: dict[str, Counter[str]] = {}
    failed = len(errors)
    for message in errors:
        log.error("%s", message)
    bar = _progress(len(paths), not args.no_progress)
    with _output(args.output) as out, closing(_tagged_files(paths, args)) as results:
        writer = _Writer(out, args.format, bom=args.excel)
        for path, result in results:
            if bar is not None:
                bar.update(1)
            if isinstance(result, str):
                failed += 1
                log.error("%s", result)
                continue
            shown = printable(path)
            if args.verbose:
                _report_dropped(shown, result.dropped)
            counts: Counter[str] = Counter()
            for record in result.records:
                if shown is not path:
                    record["file"] = printable(record["file"])
                writer.write(record)
                counts[record["dimension"] or "none"] += 1
            out.flush()
            if args.summary:
                per_doc[shown] = counts
        if args.summary:
            # Machine-readable output stays parseable: the table goes to stderr.
            _summary_table(per_doc, out if args.format == "text" else sys.stderr, tagger.framework_)
    if bar is not None:
        bar.close()
    return EXIT_FAILED if failed else EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from .reporting.report import report

    suffix = Path(args.output).suffix.lower()
    if suffix not in (".xlsx", ".html", ".htm", ".csv") and not (args.output.endswith(("/", os.sep)) or os.path.isdir(args.output)):
        raise _UsageError(f"{args.output}: give a name ending in .xlsx, .html or .csv, or a folder ending in /")
    if suffix == ".xlsx":
        from importlib.util import find_spec

        from .reporting.xlsx import REPORT_EXTRA_HINT

        if find_spec("openpyxl") is None:  # say so before tagging a whole folder
            raise _UsageError(f".xlsx needs the report extra (openpyxl): {REPORT_EXTRA_HINT}")
    if suffix in (".xlsx", ".html", ".htm"):
        _check_output(args.output, args.inputs)
    tagger = _worker_tagger(args.model)
    from .reporting.rubric import load_rubric

    rubric = None if args.no_review and not args.rubric else load_rubric(args.rubric)  # a bad rubric fails before tagging
    if args.previous is not None and not os.path.isdir(args.previous):
        raise _UsageError(f"{args.previous}: --previous must be a folder of last year's materials")
    result = report(
        args.inputs, expect=args.expect, tagger=tagger, min_score=args.min_score,
        formula_share=args.formula_share, errors="skip", follow_links=args.follow_links, rubric=rubric,
        previous=args.previous, previous_map=args.previous_map, ignore=args.ignore or (),
    )
    if not tagger.framework_.reads_headings:
        _say("dimtag: note: the model has no heading lexicon, so headings give no evidence (train with --headings FILE)")
    for message in result.skipped:
        log.error("%s", message)
    for path in result.write(args.output, bom=args.excel):
        print(path)
    return EXIT_FAILED if result.skipped else EXIT_OK


def _cmd_spark_report(args: argparse.Namespace) -> int:
    from importlib.util import find_spec

    if any(find_spec(name) is None for name in ("pyspark", "pandas", "pyarrow")):
        raise _UsageError('spark-report needs the spark extra (pyspark, pandas, pyarrow): pip install "dimtag[spark]"')
    try:
        from .spark.job import spark_report
    except ImportError as exc:
        raise _UsageError(str(exc)) from None
    if args.min_copy_chars < 8:
        raise _UsageError("--min-copy-chars must be at least 8 (the shingle length)")
    from .reporting.rubric.recycling import read_ignore

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
        _print(path)
    return EXIT_FAILED if rep.skipped else EXIT_OK


def _report_dropped(path: str, dropped: list[tuple[int, int, str, str]]) -> None:
    """One stderr line per piece of debris that cleaning removed, with its raw offsets."""
    for start, end, reason, text in dropped:
        shown = text if len(text) <= 60 else text[:57] + "..."
        sys.stderr.write(f"{path}: dropped {start}-{end} ({reason}): {shown!r}\n")
    if not dropped:
        sys.stderr.write(f"{path}: nothing dropped\n")


def _cmd_extract(args: argparse.Namespace) -> int:
    from .learn.extraction import extract_items, write_items

    _check_output(args.output, [args.input])
    rows = extract_items(args.input, source_name=args.source, tagger=_worker_tagger(args.model))
    with _output(args.output) as out:
        write_items(rows, out)
    return EXIT_OK


def _grid(args: argparse.Namespace) -> Any:
    from .learn.training import DEFAULT_GRID, SMALL_GRID

    return DEFAULT_GRID if args.grid == "default" else SMALL_GRID


def _cmd_train(args: argparse.Namespace) -> int:
    from .learn.training import check_out_dir, train

    _resolve(args, "labels", "data/labels.csv")
    _resolve(args, "out", "src/dimtag/model")
    root = _checkout_root()
    if args.documents is None and root is not None:
        default_docs = root / "data" / "documents" / "src"
        args.documents = str(default_docs) if default_docs.is_dir() else None
    _check_out_dir(args.out)
    try:
        check_out_dir(args.out)
    except ValueError as exc:
        raise _UsageError(str(exc)) from None
    from .learn.formats import Columns, read_label_set, read_names

    names = read_names(args.names) if args.names else None
    columns = Columns(args.text_col, args.label_col, args.role_col, args.group_col)
    label_set = read_label_set(args.labels, args.format, columns, labels=list(names) if names else None)
    meta = train(label_set, args.out, _grid(args), n_jobs=args.jobs, documents=args.documents, names=names, headings=args.headings)
    parts = [f"{k} macro-F1 {v['macro_f1']:.3f}" for k, v in meta.cv.items() if isinstance(v, dict) and "macro_f1" in v]
    _print(f"model written to {args.out}: {', '.join(parts)} ({meta.config})")
    import dimtag

    shipped = Path(dimtag.__file__).resolve().parent / "model"
    if Path(args.out).resolve() != shipped:
        # The installed package keeps its own model: say how to use this one.
        _print(f"use it with: dimtag tag --model {args.out} FILE, or DIMTAG_MODEL={args.out}")
    return EXIT_OK


_AUDIT_EXTRA = ("line", "suggested", "p_label", "p_suggested", "why", "confirmed")


def _cmd_audit(args: argparse.Namespace) -> int:
    from .learn.curation import audit, write_csv
    from .learn.labels import COLUMNS, read_labels

    _resolve(args, "labels", "data/labels.csv")
    _check_output(args.output, [args.labels])
    items = read_labels(args.labels)
    rows = audit(items)
    records = [
        {"line": r.item.line, **{c: getattr(r.item, c) for c in COLUMNS}, "suggested": r.suggested,
         "p_label": f"{r.p_label:.3f}", "p_suggested": f"{r.p_suggested:.3f}", "why": r.why, "confirmed": ""}
        for r in rows
    ]
    with _writing(args.output):
        write_csv(records, args.output, ("line", *COLUMNS, *_AUDIT_EXTRA[1:]))
    _print(f"{len(rows)} labels flagged; all in {args.output} (set dimension and confirmed, then: dimtag merge {args.output})")
    for r in rows[: args.n]:
        _print(f"{args.labels}:{r.item.line}\t{r.item.dimension} -> {r.suggested}\tp={r.p_label:.2f}/{r.p_suggested:.2f}\t{r.why}\t{r.item.text[:60]}")
    return EXIT_OK


def _cmd_suggest(args: argparse.Namespace) -> int:
    from .learn.curation import suggest, write_csv
    from .learn.labels import COLUMNS, read_labels

    if args.labels is None:
        root = _checkout_root()
        args.labels = str(root / "data" / "labels.csv") if root else None
    _check_output(args.output, args.inputs)
    paths, errors = _documents(args.inputs, args.follow_links, args.output)
    paths = [p for p in paths if p != "-"]
    known = read_labels(args.labels) if args.labels else []
    unreadable: list[str] = []
    rows = suggest(paths, args.n, known, errors=unreadable)
    for message in errors + unreadable:
        log.error("%s", message)
    with _writing(args.output):
        write_csv(rows, args.output, (*COLUMNS, "entropy", "confirmed"))
    return EXIT_FAILED if errors or unreadable else EXIT_OK


def _cmd_merge(args: argparse.Namespace) -> int:
    from .learn.curation import merge

    _resolve(args, "labels", "data/labels.csv")
    counts = merge(args.labels, args.updates)
    _print(f"{args.labels}: {counts['appended']} appended, {counts['relabeled']} relabeled, {counts['unchanged']} confirmed unchanged")
    return EXIT_OK


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .learn.evaluation import evaluate

    _resolve(args, "labels", "data/labels.csv")
    _resolve(args, "out", "reports")
    _check_out_dir(args.out)
    result = evaluate(args.labels, args.out, _grid(args), n_jobs=args.jobs)
    _print(f"{args.out}/evaluation.md: {result['best'].label()}")
    for scheme, s in result["scores"].items():
        _print(f"  {scheme}: accuracy {s['accuracy']:.3f}, macro-F1 {s['macro_f1']:.3f}")
    for name, by_scheme in result["baselines"].items():
        _print(f"  baseline {name}: " + ", ".join(f"{k} macro-F1 {v['macro_f1']:.3f}" for k, v in by_scheme.items()))
    for name in result["skipped"]:
        _print(f"  baseline {name}: skipped")
    return EXIT_OK


def _cmd_export_tasks(args: argparse.Namespace) -> int:
    from .learn.tasks import export_tasks, label_config, write_tasks

    _check_output(args.output, args.inputs)
    if args.config:
        _check_output(args.config, args.inputs)
    tagger = _worker_tagger(args.model)
    skip = {os.path.realpath(p) for p in (args.output, args.config) if p}
    files, skipped = collect_documents(args.inputs, follow_links=getattr(args, "follow_links", False), exclude=skip)
    errors = [str(s) for s in skipped]
    paths = [p for p in files if p != "-"]
    unreadable: list[str] = []
    with _output(args.output) as out:
        n = write_tasks(export_tasks(paths, tagger, errors=unreadable), out, args.format)
    if args.config:
        with _writing(args.config), atomic_write(args.config) as fh:
            fh.write(label_config() + "\n")
    for message in errors + unreadable:
        log.error("%s", message)
    _say(f"{n} tasks written to {args.output or 'standard output'}" + (f"; labeling config in {args.config}" if args.config else ""))
    return EXIT_FAILED if errors or unreadable else EXIT_OK


def _cmd_import_labels(args: argparse.Namespace) -> int:
    from .learn.tasks import import_labels

    _resolve(args, "labels", "data/labels.csv")
    counts = import_labels(args.labels, args.export)
    _print(f"{args.labels}: {counts['appended']} appended, {counts['relabeled']} relabeled, {counts['unchanged']} confirmed unchanged")
    return EXIT_OK


def _cmd_labels(args: argparse.Namespace) -> int:
    from .learn.curation import rename_label

    _resolve(args, "labels", "data/labels.csv")
    n = rename_label(args.labels, args.old, args.new, column=args.column, into_existing=args.action == "merge", dry_run=args.dry_run)
    verb = "renamed" if args.action == "rename" else "merged into"
    when = "would be" if args.dry_run else "were"
    _print(f"{args.labels}: {n} rows {when} changed ({args.column} {args.old!r} {verb} {args.new!r})")
    return EXIT_OK


_SERVE_NEEDS = ("starlette", "uvicorn", "python_multipart")
SERVE_EXTRA_HINT = "pip install 'dimtag[serve]'"


def _cmd_serve(args: argparse.Namespace) -> int:
    from importlib.util import find_spec

    missing = [m for m in _SERVE_NEEDS if find_spec(m) is None]
    if missing:
        raise _UsageError(f"'serve' needs the serve extra ({', '.join(missing)} missing): {SERVE_EXTRA_HINT}")
    from dataclasses import fields

    from .serve import TOKEN_ENV, Limits, serve

    known = [f.name for f in fields(Limits)]
    changes: dict[str, Any] = {}
    for name, value in args.limit:
        if name not in known:
            raise _UsageError(f"--limit {name}: no such limit (limits: {', '.join(known)})")
        changes[name] = value if name.endswith("timeout") else int(value)
    token = args.token or os.environ.get(TOKEN_ENV) or None
    try:
        from .serve.security import check_bind

        check_bind(args.host, token)
    except ValueError as exc:
        raise _UsageError(str(exc)) from None
    tagger = _worker_tagger(args.model)  # loaded once, before the port opens
    shown = f"[{args.host}]" if ":" in args.host else args.host
    _say(f"dimtag: serving http://{shown}:{args.port}/ (the page), /v1/… (the API), /openapi.json; Ctrl-C or SIGTERM stops it")
    serve(host=args.host, port=args.port, token=token, tagger=tagger, limits=Limits(**changes), cors_origins=args.cors_origin)
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "tag": _cmd_tag, "report": _cmd_report, "spark-report": _cmd_spark_report, "extract": _cmd_extract, "train": _cmd_train, "evaluate": _cmd_evaluate,
    "audit": _cmd_audit, "suggest": _cmd_suggest, "merge": _cmd_merge, "export-tasks": _cmd_export_tasks,
    "import-labels": _cmd_import_labels, "labels": _cmd_labels, "serve": _cmd_serve,
}


class _ErrorLines(logging.Handler):
    """Print this module's log records as ``dimtag: error: …`` lines on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        prefix = "dimtag: error: " if record.levelno >= logging.ERROR else ""
        _say(f"{prefix}{record.getMessage()}")


@contextmanager
def _cli_logging(verbose_learning: bool) -> Iterator[None]:
    """Route dimtag's log records to stderr for this run only (the host's logging is left as it was)."""
    handler = _ErrorLines()
    package = logging.getLogger("dimtag")
    previous = (package.level, package.propagate)
    package.addHandler(handler)
    package.setLevel(logging.INFO if verbose_learning else logging.WARNING)
    package.propagate = False
    try:
        yield
    finally:
        package.removeHandler(handler)
        package.setLevel(previous[0])
        package.propagate = previous[1]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    if args.command in _LEARNING_VERBS and args.command != "extract":
        from .learn import TRAIN_EXTRA_HINT, missing_train_extra

        missing = missing_train_extra()
        if missing:
            _say(f"dimtag: error: '{args.command}' needs the train extra ({', '.join(missing)} missing): {TRAIN_EXTRA_HINT}")
            return EXIT_FAILED
    try:
        with _signals_unwind(), _cli_logging(args.command in ("train", "evaluate")):
            return _COMMANDS[args.command](args)
    except DimtagError as exc:
        _say(f"dimtag: error: {exc}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        _say("dimtag: interrupted")
        return 128 + signal.SIGINT
    except _Terminated as exc:
        _say(f"dimtag: stopped by {signal.Signals(exc.signum).name}")
        return 128 + exc.signum
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, as Unix tools do.
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:
        # The environment failed us (a vanished folder, a read-only disk): one line, no traceback.
        _say(f"dimtag: error: {_oserror(exc)}")
        return EXIT_FAILED


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the flush at exit does not fail again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout is not a real file (tests capture it)
        pass


if __name__ == "__main__":  # pragma: no cover
    # Import main from the package, not this __main__ module, so that the
    # functions sent to --jobs workers are found there by name.
    from dimtag.cli import main as _main

    sys.exit(_main())

"""The ``dimtag`` command line.

``tag`` needs the core only. ``extract``, ``train``, ``evaluate``, ``audit``,
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
import stat
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing, contextmanager
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, NamedTuple

from ._atomic import atomic_write
from ._escape import csv_escape_row, printable
from .dimensions import Dimension
from .document import RECORD_FIELDS
from .errors import DimtagError, DocumentError

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


def _dimension_list(value: str) -> tuple[Any, ...]:
    from .reporting.coverage import parse_dimensions

    try:
        return parse_dimensions(v for v in value.replace("，", ",").split(",") if v.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _checkout_root() -> Path | None:
    """The dimtag source checkout that holds the current directory, if any."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "labels.csv").is_file() and (folder / "src" / "dimtag").is_dir():
            return folder
    return None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dimtag", description="Tag Chinese self-criticism materials by dimension.")
    parser.add_argument("--version", action="version", version=f"dimtag {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    labels_help = "the labels CSV (default in a source checkout: data/labels.csv)"

    p = sub.add_parser("tag", help="tag documents: files, folders (recursively) or - for stdin")
    p.add_argument("inputs", nargs="*", default=["-"], metavar="FILE", help="files or folders; - reads stdin (default)")
    p.add_argument("--format", choices=("text", "jsonl", "csv"), default="text")
    p.add_argument("--output", "-o", metavar="FILE", help="write here, atomically, instead of stdout")
    p.add_argument("--summary", action="store_true", help="print counts per dimension for each document and in total")
    p.add_argument("--min-score", type=_score, default=None, help="abstain below this score, 0 to 1 (default: from the model)")
    p.add_argument("--model", metavar="PATH", help="a model directory or file (default: $DIMTAG_MODEL, else the shipped one)")
    p.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    p.add_argument("--jobs", "-j", type=_jobs, default=1, help="worker processes for many files (-1: all cores)")
    p.add_argument("--excel", "--bom", action="store_true", help="start CSV with the UTF-8 byte order mark that Excel needs")
    p.add_argument("--verbose", "-v", action="store_true", help="report on stderr what cleaning dropped from each document, and why")

    p = sub.add_parser("report", help="a reviewer's report on a folder: coverage, concreteness, copying")
    p.add_argument("inputs", nargs="+", metavar="PATH", help="files or folders (their .txt and .docx files)")
    p.add_argument("--output", "-o", required=True, metavar="OUT", help="OUT.xlsx, OUT.html, OUT.csv (one file per table) or a folder/")
    p.add_argument("--expect", type=_dimension_list, metavar="DIMS", help="required dimensions, comma-separated ids or Chinese names (default: the six)")
    p.add_argument("--formula-share", type=_score, default=0.25, help="a phrase in more than this share of documents is formula language (default 0.25)")
    p.add_argument("--min-score", type=_score, default=None, help="abstain below this score, 0 to 1 (default: from the model)")
    p.add_argument("--model", metavar="PATH", help="a model directory or file (default: $DIMTAG_MODEL, else the shipped one)")
    p.add_argument("--excel", "--bom", action="store_true", help="start CSV files with the UTF-8 byte order mark")

    p = sub.add_parser("spark-report", help="the reviewer's report on Spark: a folder or a Parquet table to Parquet tables and an xlsx summary")
    p.add_argument("input", metavar="INPUT", help="a folder of .txt/.docx documents, or a Parquet table with a text column")
    p.add_argument("output", metavar="OUTPUT", help="a new folder (or an hdfs:// or s3a:// URI): one Parquet table per report table")
    p.add_argument("--summary", metavar="XLSX", help="the xlsx summary (default: OUTPUT/summary.xlsx; summary.xlsx here for a URI)")
    p.add_argument("--expect", type=_dimension_list, metavar="DIMS", help="required dimensions, comma-separated ids or Chinese names (default: the six)")
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
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")

    p = sub.add_parser("audit", help="list labels the model finds unlikely (confident learning)")
    p.add_argument("--labels", metavar="CSV", help=labels_help)
    p.add_argument("--output", "-o", default="audit.csv", metavar="CSV", help="editable CSV for dimtag merge")
    p.add_argument("-n", type=int, default=30, help="how many to print")

    p = sub.add_parser("suggest", help="pick the sentences of new documents most worth labeling")
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_FOLDER")
    p.add_argument("-n", type=int, default=50, help="how many sentences")
    p.add_argument("--labels", metavar="CSV", help="already labeled items, skipped (default in a checkout: data/labels.csv)")
    p.add_argument("--output", "-o", metavar="CSV", help="write here instead of stdout")

    p = sub.add_parser("merge", help="apply the confirmed rows of an audit or suggest CSV to labels.csv")
    p.add_argument("updates", metavar="CSV")
    p.add_argument("--labels", metavar="CSV", help=labels_help)

    p = sub.add_parser("evaluate", help="grouped-CV report with baselines, confusion matrix and writer learning curve")
    p.add_argument("--labels", metavar="CSV", help=labels_help)
    p.add_argument("--out", metavar="DIR", help="where evaluation.md and the plots go (default in a checkout: reports)")
    p.add_argument("--grid", choices=("default", "small"), default="default", help="configurations to compare")
    p.add_argument("--jobs", "-j", type=_jobs, default=-1, help="processes for the folds")

    p = sub.add_parser("train", help="train a model from a labels CSV")
    p.add_argument("--labels", metavar="CSV", help=labels_help)
    p.add_argument("--out", metavar="DIR", help="model directory to write (default in a checkout: src/dimtag/model)")
    p.add_argument("--grid", choices=("default", "small"), default="default", help="model-selection grid")
    p.add_argument("--jobs", "-j", type=_jobs, default=-1, help="processes for the folds")
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


def _iter_paths(inputs: Sequence[str], errors: list[str], skip: set[str] = frozenset()) -> Iterator[str]:  # type: ignore[assignment]
    """Expand folders (recursively, sorted, hidden entries skipped) into files.

    Paths whose real path is in ``skip`` (the output file) are left out;
    FIFOs, sockets and devices in a folder are reported in ``errors`` and skipped.
    """
    for item in inputs:
        if item == "-" or not os.path.isdir(item):
            if item != "-" and os.path.realpath(item) in skip:
                errors.append(f"{item}: is the output file, not tagged")
                continue
            yield item
            continue
        seen: set[tuple[int, int]] = set()
        for root, dirs, files in os.walk(item, followlinks=True, onerror=lambda e: errors.append(_oserror(e))):
            st = os.stat(root)
            if (st.st_dev, st.st_ino) in seen:  # a symlink loop back to an ancestor
                errors.append(f"{root}: directory visited twice (symlink loop), skipped")
                dirs[:] = []
                continue
            seen.add((st.st_dev, st.st_ino))
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                path = os.path.join(root, name)
                if name.startswith(".") or os.path.realpath(path) in skip:
                    continue
                if _special_file(path):  # opening a FIFO would block the whole run
                    errors.append(f"{path}: not a regular file (a FIFO, socket or device), skipped")
                    continue
                yield path


def _special_file(path: str) -> bool:
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:  # gone or unreadable: reading it reports why
        return False


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
            dim = f"{record['dimension']} {record['dimension_zh'] or ''}".rstrip() if record["dimension"] else "- (abstained)"
            self.out.write(f"{record['file']}:{record['index']}\t{dim}\t{record['score']:.2f}\t{record['by']}\t{record['text']}\n")


def _progress(total: int, enabled: bool) -> Any:
    if not enabled or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="doc", file=sys.stderr, leave=False)


def _summary_table(per_doc: dict[str, Counter[str]], out: IO[str]) -> None:
    columns = [d.value for d in Dimension] + ["none"]
    total: Counter[str] = Counter()
    width = max([len("TOTAL")] + [len(n) for n in per_doc])
    out.write(f"{'document':<{width}}  " + "  ".join(f"{c:>14}" for c in columns) + f"  {'items':>6}\n")
    for name, counts in list(per_doc.items()) + [("TOTAL", None)]:
        counts = total if counts is None else counts
        if name != "TOTAL":
            total.update(counts)
        out.write(f"{name:<{width}}  " + "  ".join(f"{counts.get(c, 0):>14}" for c in columns) + f"  {sum(counts.values()):>6}\n")


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


def _tagged_files(paths: list[str], args: argparse.Namespace) -> _Results:
    """Results in input order, one document at a time; in parallel with --jobs."""
    if args.jobs == 1 or len(paths) < 2 or "-" in paths:
        return (_tag_one(p, args.min_score, args.model) for p in paths)
    return _in_workers(paths, args)


def _in_workers(paths: list[str], args: argparse.Namespace) -> _Results:
    from joblib import Parallel, delayed

    results = Parallel(n_jobs=args.jobs, return_as="generator")(delayed(_tag_one)(p, args.min_score, args.model) for p in paths)
    try:
        for result in results:  # noqa: UP028 - "yield from" would pass close() on, unguarded
            yield result
    finally:
        # Stopping early (| head, an error, a signal) cancels the pending tasks
        # and stops the workers; joblib warns about the cancelled ones, which
        # the serial path does not, and which the user asked for.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*(still being processed|executed +but not used)", category=UserWarning)
            results.close()


def _cmd_tag(args: argparse.Namespace) -> int:
    if args.excel and args.format != "csv":
        raise _UsageError("--excel applies to --format csv")
    _check_output(args.output, args.inputs)
    _worker_tagger(args.model)  # a bad --model fails here, once, before any work
    errors: list[str] = []
    skip = {os.path.realpath(args.output)} if args.output else set()
    paths = list(_iter_paths(args.inputs, errors, skip))
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
            _summary_table(per_doc, out if args.format == "text" else sys.stderr)
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
    result = report(
        args.inputs, expect=args.expect or tuple(Dimension), tagger=tagger, min_score=args.min_score,
        formula_share=args.formula_share, errors="skip",
    )
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
        from .spark.job import read_phrases, spark_report
    except ImportError as exc:
        raise _UsageError(str(exc)) from None
    if args.min_copy_chars < 8:
        raise _UsageError("--min-copy-chars must be at least 8 (the shingle length)")
    ignore = read_phrases(args.ignore) if args.ignore else []
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("dimtag spark-report")
    if args.master:
        builder = builder.master(args.master)
    if args.shuffle_partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(args.shuffle_partitions))
    spark = builder.getOrCreate()
    rep, written = spark_report(
        args.input, args.output, spark=spark, summary=args.summary, expect=args.expect or tuple(Dimension), model=args.model,
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
    rows = extract_items(args.input, source_name=args.source)
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
    _check_out_dir(args.out)
    try:
        check_out_dir(args.out)
    except ValueError as exc:
        raise _UsageError(str(exc)) from None
    meta = train(args.labels, args.out, _grid(args), n_jobs=args.jobs)
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
    errors: list[str] = []
    skip = {os.path.realpath(args.output)} if args.output else set()
    paths = [p for p in _iter_paths(args.inputs, errors, skip) if p != "-"]
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


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "tag": _cmd_tag, "report": _cmd_report, "spark-report": _cmd_spark_report, "extract": _cmd_extract, "train": _cmd_train, "evaluate": _cmd_evaluate,
    "audit": _cmd_audit, "suggest": _cmd_suggest, "merge": _cmd_merge,
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

"""The ``dimtag`` command line: tag, extract, train."""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sys
from collections import Counter
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import IO, Iterator, Sequence

from .dimensions import Dimension
from ._atomic import atomic_write
from .labels import COLUMNS
from .reading import DocumentError

__all__ = ["main"]

log = logging.getLogger("dimtag")

RECORD_FIELDS = ("file", "index", "start", "end", "dimension", "dimension_zh", "score", "by", "section", "heading", "text")
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _version() -> str:
    from . import __version__

    return __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dimtag", description="Tag Chinese self-criticism materials by dimension.")
    parser.add_argument("--version", action="version", version=f"dimtag {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("tag", help="tag documents: files, folders (recursively) or - for stdin")
    p.add_argument("inputs", nargs="*", default=["-"], metavar="FILE", help="files or folders; - reads stdin (default)")
    p.add_argument("--format", choices=("text", "jsonl", "csv"), default="text")
    p.add_argument("--output", "-o", metavar="FILE", help="write here, atomically, instead of stdout")
    p.add_argument("--summary", action="store_true", help="print counts per dimension for each document and in total")
    p.add_argument("--min-score", type=float, default=None, help="abstain below this score (default: from the model)")
    p.add_argument("--model", metavar="PATH", help="a model file or directory instead of the shipped one")
    p.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    p.add_argument("--jobs", "-j", type=int, default=1, help="worker processes for many files (-1: all cores)")

    p = sub.add_parser("extract", help="turn a document into a CSV of candidate items for labels.csv")
    p.add_argument("input", metavar="FILE")
    p.add_argument("--source", help="value of the source column (default: the file name)")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")

    p = sub.add_parser("audit", help="list labels the model finds unlikely (confident learning)")
    p.add_argument("--labels", default="data/labels.csv", metavar="CSV")
    p.add_argument("--output", "-o", default="audit.csv", metavar="CSV", help="editable CSV for dimtag merge")
    p.add_argument("-n", type=int, default=30, help="how many to print")

    p = sub.add_parser("suggest", help="pick the sentences of new documents most worth labeling")
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_FOLDER")
    p.add_argument("-n", type=int, default=50, help="how many sentences")
    p.add_argument("--labels", default="data/labels.csv", metavar="CSV", help="already labeled items, skipped")
    p.add_argument("--output", "-o", metavar="CSV", help="write here instead of stdout")

    p = sub.add_parser("merge", help="apply the confirmed rows of an audit or suggest CSV to labels.csv")
    p.add_argument("updates", metavar="CSV")
    p.add_argument("--labels", default="data/labels.csv", metavar="CSV")

    p = sub.add_parser("evaluate", help="grouped-CV report with baselines, confusion matrix and learning curve")
    p.add_argument("--labels", default="data/labels.csv", metavar="CSV")
    p.add_argument("--out", default="reports", metavar="DIR", help="where evaluation.md and the plots go")
    p.add_argument("--grid", choices=("default", "small"), default="default", help="configurations to compare")
    p.add_argument("--jobs", "-j", type=int, default=-1, help="processes for model selection")

    p = sub.add_parser("train", help="rebuild the model from labels.csv")
    p.add_argument("--labels", default="data/labels.csv", metavar="CSV")
    p.add_argument("--out", default="src/dimtag/model", metavar="DIR", help="where dimtag.npz and metadata.json go")
    p.add_argument("--grid", choices=("default", "small"), default="default", help="model-selection grid")
    p.add_argument("--jobs", "-j", type=int, default=-1, help="processes for model selection")
    return parser


def _iter_paths(inputs: Sequence[str], errors: list[str]) -> Iterator[str]:
    """Expand folders (recursively, sorted, hidden entries skipped) into files."""
    for item in inputs:
        if item == "-" or not os.path.isdir(item):
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
                if not name.startswith("."):
                    yield os.path.join(root, name)


def _oserror(exc: OSError) -> str:
    return f"{exc.filename}: {exc.strerror or exc}"


@contextmanager
def _atomic_output(path: str | None) -> Iterator[IO[str]]:
    """Yield stdout, or a temp file renamed onto ``path`` only on success."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    with atomic_write(path) as fh:
        yield fh


class _Writer:
    def __init__(self, out: IO[str], fmt: str):
        self.out, self.fmt = out, fmt
        self.csv = csv.DictWriter(out, fieldnames=RECORD_FIELDS, lineterminator="\n") if fmt == "csv" else None
        if self.csv:
            self.csv.writeheader()

    def write(self, record: dict[str, object]) -> None:
        if self.csv:
            self.csv.writerow(record)
        elif self.fmt == "jsonl":
            self.out.write(json.dumps({k: record[k] for k in RECORD_FIELDS}, ensure_ascii=False) + "\n")
        else:
            dim = f"{record['dimension']} {record['dimension_zh']}" if record["dimension"] else "- (abstained)"
            self.out.write(f"{record['file']}:{record['index']}\t{dim}\t{record['score']:.2f}\t{record['by']}\t{record['text']}\n")


def _progress(total: int, enabled: bool):
    if not enabled or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="doc", file=sys.stderr, leave=False)


def _summary_table(per_doc: dict[str, Counter], out: IO[str]) -> None:
    columns = [d.value for d in Dimension] + ["none"]
    total: Counter = Counter()
    width = max([len("TOTAL")] + [len(n) for n in per_doc])
    out.write(f"{'document':<{width}}  " + "  ".join(f"{c:>14}" for c in columns) + f"  {'items':>6}\n")
    for name, counts in list(per_doc.items()) + [("TOTAL", None)]:
        counts = total if counts is None else counts
        if name != "TOTAL":
            total.update(counts)
        out.write(f"{name:<{width}}  " + "  ".join(f"{counts.get(c, 0):>14}" for c in columns) + f"  {sum(counts.values()):>6}\n")


@lru_cache(maxsize=2)
def _worker_tagger(model: str | None):
    from .tagger import Tagger, default_tagger

    return Tagger.load(model) if model else default_tagger()


def _tag_file(path: str, min_score: float | None, model: str | None) -> tuple[str, list[dict[str, object]] | str]:
    """Tag one file; return its records, or the error line. Runs in workers too."""
    from .document import tag_document

    try:
        source = sys.stdin.buffer if path == "-" else Path(path)
        doc = tag_document(source, min_score=min_score, tagger=_worker_tagger(model))
    except DocumentError as exc:
        return path, str(exc)
    except OSError as exc:
        return path, _oserror(exc)
    return path, [s.to_record() for s in doc]


def _tagged_files(paths: list[str], args: argparse.Namespace) -> Iterator[tuple[str, list[dict[str, object]] | str]]:
    """Results in input order, one document at a time; in parallel with --jobs."""
    if args.jobs == 1 or len(paths) < 2 or "-" in paths:
        return (_tag_file(p, args.min_score, args.model) for p in paths)
    from joblib import Parallel, delayed

    return Parallel(n_jobs=args.jobs, return_as="generator")(
        delayed(_tag_file)(p, args.min_score, args.model) for p in paths
    )


def _cmd_tag(args: argparse.Namespace) -> int:
    _worker_tagger(args.model)  # a bad --model fails here, once, with ModelError
    errors: list[str] = []
    paths = list(_iter_paths(args.inputs, errors))
    per_doc: dict[str, Counter] = {}
    failed = len(errors)
    for message in errors:
        print(f"dimtag: error: {message}", file=sys.stderr)
    bar = _progress(len(paths), not args.no_progress)
    with _atomic_output(args.output) as out:
        writer = _Writer(out, args.format)
        for path, result in _tagged_files(paths, args):
            if bar is not None:
                bar.update(1)
            if isinstance(result, str):
                failed += 1
                print(f"dimtag: error: {result}", file=sys.stderr)
                continue
            counts: Counter = Counter()
            for record in result:
                writer.write({"file": path, **record})
                counts[record["dimension"] or "none"] += 1
            out.flush()
            if args.summary:
                per_doc[path] = counts
        if args.summary:
            # Machine-readable output stays parseable: the table goes to stderr.
            _summary_table(per_doc, out if args.format == "text" else sys.stderr)
    if bar is not None:
        bar.close()
    return EXIT_FAILED if failed else EXIT_OK


def _cmd_extract(args: argparse.Namespace) -> int:
    from .extraction import extract_items, write_items

    try:
        rows = extract_items(Path(args.input), source_name=args.source)
    except DocumentError as exc:
        print(f"dimtag: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    with _atomic_output(args.output) as out:
        write_items(rows, out)
    return EXIT_OK


def _grid(args: argparse.Namespace):
    """The model-selection grid a command asked for; progress is logged to stderr."""
    from .training import DEFAULT_GRID, SMALL_GRID

    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    return DEFAULT_GRID if args.grid == "default" else SMALL_GRID


def _guarded(fn, *args, **kwargs):
    """Run fn; on bad or missing data print one error line and return None."""
    from .labels import LabelsError

    try:
        return fn(*args, **kwargs)
    except (LabelsError, FileNotFoundError, ValueError) as exc:
        print(f"dimtag: error: {exc}", file=sys.stderr)
        return None


def _cmd_train(args: argparse.Namespace) -> int:
    from .training import train

    meta = _guarded(train, args.labels, args.out, _grid(args), n_jobs=args.jobs)
    if meta is None:
        return EXIT_FAILED
    cv = meta["cv"]
    print(f"model written to {args.out}: grouped-CV accuracy {cv['accuracy']:.3f}, macro-F1 {cv['macro_f1']:.3f} ({meta['config']})")
    return EXIT_OK


_AUDIT_COLUMNS = ("line", *COLUMNS, "suggested", "p_label", "p_suggested", "why", "confirmed")
_SUGGEST_COLUMNS = (*COLUMNS, "entropy", "confirmed")


def _cmd_audit(args: argparse.Namespace) -> int:
    from .curation import audit, write_csv
    from .labels import read_labels

    items = _guarded(read_labels, args.labels)
    if items is None:
        return EXIT_FAILED
    rows = audit(items)
    records = [
        {"line": r.item.line, **{c: getattr(r.item, c) for c in COLUMNS}, "suggested": r.suggested,
         "p_label": f"{r.p_label:.3f}", "p_suggested": f"{r.p_suggested:.3f}", "why": r.why, "confirmed": ""}
        for r in rows
    ]
    write_csv(records, args.output, _AUDIT_COLUMNS)
    print(f"{len(rows)} labels flagged; all in {args.output} (set dimension and confirmed, then: dimtag merge {args.output})")
    for r in rows[: args.n]:
        print(f"{args.labels}:{r.item.line}\t{r.item.dimension} -> {r.suggested}\tp={r.p_label:.2f}/{r.p_suggested:.2f}\t{r.why}\t{r.item.text[:60]}")
    return EXIT_OK


def _cmd_suggest(args: argparse.Namespace) -> int:
    from .curation import suggest, write_csv
    from .labels import read_labels

    errors: list[str] = []
    paths = [p for p in _iter_paths(args.inputs, errors) if p != "-"]
    for message in errors:
        print(f"dimtag: error: {message}", file=sys.stderr)
    known = read_labels(args.labels) if Path(args.labels).exists() else []
    unreadable: list[str] = []
    rows = suggest(paths, args.n, known, errors=unreadable)
    for message in unreadable:
        print(f"dimtag: error: {message}", file=sys.stderr)
    write_csv(rows, args.output, _SUGGEST_COLUMNS)
    errors += unreadable
    return EXIT_FAILED if errors else EXIT_OK


def _cmd_merge(args: argparse.Namespace) -> int:
    from .curation import merge

    counts = _guarded(merge, args.labels, args.updates)
    if counts is None:
        return EXIT_FAILED
    print(f"{args.labels}: {counts['appended']} appended, {counts['relabeled']} relabeled, {counts['unchanged']} confirmed unchanged")
    return EXIT_OK


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluation import evaluate

    result = _guarded(evaluate, args.labels, args.out, _grid(args), n_jobs=args.jobs)
    if result is None:
        return EXIT_FAILED
    s = result["scores"]
    print(f"{args.out}/evaluation.md: {result['best'].label()}: accuracy {s['accuracy']:.3f}, macro-F1 {s['macro_f1']:.3f}")
    for name, b in result["baselines"].items():
        print(f"  baseline {name}: accuracy {b['accuracy']:.3f}, macro-F1 {b['macro_f1']:.3f}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    from .labels import LabelsError
    from .tagger import ModelError

    args = _parser().parse_args(argv)
    commands = {
        "tag": _cmd_tag, "extract": _cmd_extract, "train": _cmd_train, "evaluate": _cmd_evaluate,
        "audit": _cmd_audit, "suggest": _cmd_suggest, "merge": _cmd_merge,
    }
    try:
        return commands[args.command](args)
    except (ModelError, LabelsError) as exc:
        print(f"dimtag: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("dimtag: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

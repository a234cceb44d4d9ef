"""``dimtag tag``: documents to tagged records, with a summary table and what cleaning dropped."""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from contextlib import closing
from typing import Any

from .._escape import printable
from .console import say
from .exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError
from .inputs import list_documents, load_tagger
from .output import RecordWriter, check_output, open_output, summary_table
from .workers import tagged_files

log = logging.getLogger("dimtag")


#: What bare ``dimtag tag`` says on a terminal instead of waiting for typed text.
TAG_HINT = "dimtag tag: give files or folders to tag (dimtag tag report.txt materials/), or pipe text in (... | dimtag tag); see dimtag tag --help"


def _progress(total: int, enabled: bool) -> Any:
    if not enabled or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="doc", file=sys.stderr, leave=False)


def _report_dropped(path: str, dropped: list[tuple[int, int, str, str]]) -> None:
    """One stderr line per piece of debris that cleaning removed, with its raw offsets."""
    for start, end, reason, text in dropped:
        shown = text if len(text) <= 60 else text[:57] + "..."
        sys.stderr.write(f"{path}: dropped {start}-{end} ({reason}): {shown!r}\n")
    if not dropped:
        sys.stderr.write(f"{path}: nothing dropped\n")


def cmd_tag(args: argparse.Namespace) -> int:
    if args.excel and args.format != "csv":
        raise UsageError("--excel applies to --format csv")
    if not args.inputs:
        if sys.stdin is not None and not sys.stdin.closed and sys.stdin.isatty():
            say(TAG_HINT)
            return EXIT_USAGE
        args.inputs = ["-"]
    check_output(args.output, args.inputs)
    tagger = load_tagger(args.model)  # a bad --model fails here, once, before any work
    paths, errors = list_documents(args.inputs, args.follow_links, args.output)
    per_doc: dict[str, Counter[str]] = {}
    failed = len(errors)
    for message in errors:
        log.error("%s", message)
    bar = _progress(len(paths), not args.no_progress)
    with open_output(args.output) as out, closing(tagged_files(paths, args)) as results:
        writer = RecordWriter(out, args.format, bom=args.excel)
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
            summary_table(per_doc, out if args.format == "text" else sys.stderr, tagger.framework_)
    if bar is not None:
        bar.close()
    return EXIT_FAILED if failed else EXIT_OK

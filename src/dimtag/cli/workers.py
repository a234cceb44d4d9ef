"""``--jobs``: the files tagged in input order, in a pool of forked worker processes when the input is large enough."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections import deque
from collections.abc import Generator
from itertools import islice
from typing import Any, NamedTuple

from ..errors import DocumentError
from .inputs import load_tagger
from .signals import TERMINATING


class _Tagged(NamedTuple):
    records: list[dict[str, Any]]
    dropped: list[tuple[int, int, str, str]]


def _tag_one(path: str, min_score: float | None, model: str | None) -> tuple[str, _Tagged | str]:
    """Tag one file; return its records and what cleaning dropped, or the error line. Runs in workers too."""
    from ..document import tag_document, tag_file

    try:
        tagger = load_tagger(model)
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


def tagged_files(paths: list[str], args: argparse.Namespace) -> _Results:
    """Results in input order, one document at a time; in parallel with --jobs, from PARALLEL_MIN_BYTES of input."""
    if args.jobs == 1 or len(paths) < 2 or "-" in paths or _input_bytes(paths, PARALLEL_MIN_BYTES) < PARALLEL_MIN_BYTES:
        return (_tag_one(p, args.min_score, args.model) for p in paths)
    return _in_workers(paths, args)


def _in_workers(paths: list[str], args: argparse.Namespace) -> _Results:
    import multiprocessing

    # Forked workers inherit the loaded model, and fork's semaphores are never
    # named: no resource tracker outlives a run cut short by `| head` or a signal
    # to warn about them (joblib's loky did, at random, on stderr).
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    workers = args.jobs if args.jobs > 0 else os.cpu_count() or 1
    pool = context.Pool(workers, initializer=_worker_signals)
    try:
        # A bounded window of pending documents keeps the output in input order
        # without holding every finished document while a slow reader catches up.
        window = 2 * workers
        todo = iter(paths)
        pending = deque(pool.apply_async(_tag_one, (p, args.min_score, args.model)) for p in islice(todo, window))
        while pending:
            result = pending.popleft().get()
            for path in islice(todo, 1):
                pending.append(pool.apply_async(_tag_one, (path, args.min_score, args.model)))
            yield result
    finally:
        # Stopping early (| head, an error, a signal) stops the workers at once;
        # after a full run they are idle and this only ends them.
        pool.terminate()
        pool.join()


def _worker_signals() -> None:
    """In a worker: the signals' default actions (the parent stops the workers), Ctrl-C left to the parent."""
    for signum in TERMINATING:
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)

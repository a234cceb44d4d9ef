"""``--jobs``: the files tagged in input order, in forked worker processes when the input is large enough."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Generator
from typing import Any, NamedTuple

from ..errors import DimtagError, DocumentError
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


#: Below this many bytes of input, --jobs tags in one process: starting the workers costs more than they
#: save. benchmarks/jobs.py (benchmarks/JOBS.md), on 2 shared cores, with joblib's workers: slower on every
#: folder up to 7 MB (ratio 1.3 to 4.5), faster on 14 MB (0.76); the forked workers: 0.58 on 11 MB.
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
    """Results in input order from worker processes, each fed one document at a time over its own pipe.

    No thread of the parent touches the workers (multiprocessing's pools keep
    three, which can hang the exit of a run cut short): a signal reaches the
    main thread while it waits, and stopping early kills the workers and
    closes their pipes. Forked workers inherit the loaded model, and fork's
    semaphores are never named, so no resource tracker is left to warn on
    stderr (joblib's loky did, at random, when `| head` cut a run short).
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
        # A terminating signal is held back while the workers start (a fork cut in two
        # leaves a worker nobody knows of) and raised when they are all in ``workers``.
        held = _hold(TERMINATING)
        try:
            for _ in range(count):
                ours, theirs = context.Pipe()
                process = context.Process(target=_worker, args=(theirs, args.min_score, args.model), daemon=True)
                process.start()
                theirs.close()
                workers.append((process, ours))
        finally:
            _release(held)
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
                    code = workers[busy[conn]][0].exitcode
                    raise DimtagError(f"a --jobs worker stopped unexpectedly (exit code {code})") from None
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


def _hold(signals: tuple[int, ...]) -> set[int] | None:
    """Block ``signals`` in this thread; return the previous mask (None where signals cannot be blocked)."""
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return set(signal.pthread_sigmask(signal.SIG_BLOCK, signals))


def _release(previous: set[int] | None) -> None:
    """Restore the mask :func:`_hold` returned: a signal that arrived meanwhile is delivered now."""
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _worker(conn: Any, min_score: float | None, model: str | None) -> None:
    """A --jobs worker: tag the documents the parent sends until it sends None or goes away."""
    for signum in TERMINATING:  # the parent stops the workers; Ctrl-C is the parent's
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # forked while the parent held them back
        signal.pthread_sigmask(signal.SIG_UNBLOCK, TERMINATING)
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

"""Issue 14, the CLI as a process: signals, closed standard streams, a full stdout, ``| head``.

These need a real process; each runs ``python -m dimtag.cli`` with this checkout's code.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .helpers import DOC, console, popen


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited


def _wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


def _temps(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f".{name}.*.tmp"))


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_signal_removes_the_temp_file_and_keeps_the_previous_output(tmp_path, signum):
    out = tmp_path / "out.txt"
    out.write_text("previous run")
    # The signal at its default action in the run, as in a terminal: under nohup (or a runner that ignores
    # SIGHUP) the run inherits "ignore", and dimtag rightly leaves an ignored signal ignored.
    proc = popen("tag", "-", "-o", out, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                 preexec_fn=lambda: signal.signal(signum, signal.SIG_DFL))
    try:
        proc.stdin.write(DOC.encode())  # and keep stdin open: the run waits for the rest
        proc.stdin.flush()
        _wait_for(lambda: _temps(tmp_path, out.name))
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signum
    assert err.decode() == f"dimtag: stopped by {signal.Signals(signum).name}\n"
    assert _temps(tmp_path, out.name) == []
    assert out.read_text() == "previous run"


@pytest.mark.skipif(not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(), reason="needs /proc children")
def test_sigterm_with_jobs_stops_the_workers(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(400):
        # 11 MB: above dimtag.cli.workers.PARALLEL_MIN_BYTES, so that --jobs starts its workers.
        (folder / f"{i:03}.txt").write_text(DOC * 100, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = popen("tag", "--jobs", "2", "--format", "jsonl", folder, "-o", out, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    workers: set[int] = set()
    try:
        _wait_for(lambda: _temps(tmp_path, out.name) and len(_descendants(proc.pid)) >= 2)
        workers = _descendants(proc.pid)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
        _wait_for(lambda: not any(_alive(pid) for pid in workers), timeout=10)
    finally:
        proc.kill()
        for pid in workers:  # never leave orphans behind, even when the test fails
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    assert proc.returncode == 128 + signal.SIGTERM
    assert err.decode() == "dimtag: stopped by SIGTERM\n"
    assert _temps(tmp_path, out.name) == [] and not out.exists()


def test_jobs_into_a_closed_pipe_is_quiet(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(60):
        (folder / f"{i:02}.txt").write_text(DOC * 600, encoding="utf-8")  # 10.3 MB: the workers start
    proc = popen("tag", "--jobs", "2", folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first = proc.stdout.readline()  # what `| head -1` does
        proc.stdout.close()
        err = proc.stderr.read()
        proc.wait(timeout=30)
    finally:
        proc.kill()
    assert first.startswith(str(folder / "00.txt").encode())
    assert err == b"" and proc.returncode == 0


def test_closed_stdin(tmp_path):
    proc = console("tag", preexec_fn=lambda: os.close(0))
    assert proc.returncode == 1
    assert proc.stderr.decode() == "dimtag: error: <stdin>: standard input is closed\n"


def test_closed_stdout(tmp_path):
    doc = tmp_path / "d.txt"
    doc.write_text(DOC, encoding="utf-8")
    proc = console("tag", doc, preexec_fn=lambda: os.close(1))
    assert proc.returncode == 1
    assert proc.stderr.decode() == "dimtag: error: standard output is closed; give --output FILE\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_full_stdout(tmp_path):
    doc = tmp_path / "d.txt"
    doc.write_text(DOC * 50, encoding="utf-8")
    with open("/dev/full", "w") as full:
        proc = console("tag", doc, stdout=full)
    assert proc.returncode == 1
    assert proc.stderr.decode() == "dimtag: error: standard output: No space left on device\n"

"""Issue 14, denial of service: one small input must not stall a batch.

The timings and memory of these cases, before and after, are measured in
benchmarks/dos.py (benchmarks/DOS.md). Here, the quadratic cases run under a
hang guard that is 20x or more what linear code needs, and far under what
the quadratic code takes; the other cases check that the limit is enforced
before the expensive work starts.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import threading
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from dimtag import (
    DocumentError,
    clean,
    read_document,
    reading,
    segment,
    tag_document,
    tag_file,
)
from dimtag.cli import main
from dimtag.tagger import MAX_TEXT_CHARS


class _TooSlow(Exception):
    pass


@contextmanager
def _hang_guard(seconds: float):
    """Interrupt the block after ``seconds`` (the code under test runs Python between regex calls)."""

    def expire(signum, frame):
        raise _TooSlow(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_clean_of_a_long_run_of_commas_is_not_quadratic():
    # 1.0.0: 36 s through the CLI for these 16 KB.
    with _hang_guard(5.0):
        cleaned = clean("学" + "," * 16_000)
    assert cleaned.startswith("学，") and len(cleaned) == 16_001


def test_segment_of_many_enumerated_points_is_not_quadratic():
    # 1.0.0: 131 s for 200,000 points.
    text = "一是。" * 100_000
    with _hang_guard(5.0):
        segments = segment(text)
    assert sum(len(s.text) for s in segments) == len(text)


def test_tag_refuses_a_text_over_the_limit_whatever_the_options(tagger):
    long_text = "学习不够深入。" * (MAX_TEXT_CHARS // 7 + 1)
    for kwargs in ({}, {"abstain": True}):
        with pytest.raises(ValueError, match="longer than"):
            tagger.tag(long_text, **kwargs)
        with pytest.raises(ValueError, match="item 1: text of"):
            tagger.tag(["学习不够。", long_text], **kwargs)


# -- .docx zip bombs ------------------------------------------------------

_BODY = "<w:p><w:r><w:t>学习不够深入，调查研究不够。</w:t></w:r></w:p>"


@pytest.fixture(scope="module")
def template() -> bytes:
    docx = pytest.importorskip("docx")
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("学习不够深入。")
    document.save(buffer)
    return buffer.getvalue()


def _docx(template: bytes, paragraphs: int, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A valid .docx whose document.xml holds ``paragraphs`` copies of one paragraph."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                head, tail = data.split(b"<w:body>", 1)
                data = head + b"<w:body>" + (_BODY * paragraphs).encode() + tail
            dst.writestr(info.filename, data)
    return out.getvalue()


@pytest.fixture
def no_python_docx(monkeypatch, template):
    """Fail the test if python-docx is asked to parse anything."""
    docx = pytest.importorskip("docx")

    def parse(*args, **kwargs):
        raise AssertionError("python-docx was called on an archive the guard should have refused")

    monkeypatch.setattr(docx, "Document", parse)


def test_docx_bomb_is_refused_before_parsing(tmp_path, template, no_python_docx):
    data = _docx(template, 60_000)  # document.xml of about 4 MB, deflated to a few KB
    assert len(data) < 100_000
    path = tmp_path / "bomb.docx"
    path.write_bytes(data)
    with pytest.raises(DocumentError, match="zip bomb") as excinfo:
        tag_file(path)
    assert str(path) in str(excinfo.value)
    with pytest.raises(DocumentError, match="zip bomb"):
        tag_document(data)


@pytest.mark.parametrize("limit", ["MAX_DOCX_XML_BYTES", "MAX_DOCX_UNZIPPED_BYTES", "_MAX_DOCX_PARTS"])
def test_docx_size_limits_are_checked_before_parsing(limit, template, monkeypatch, no_python_docx):
    data = _docx(template, 50, zipfile.ZIP_STORED)  # an ordinary document, under the ratio limit
    monkeypatch.setattr(reading, limit, 3 if limit == "_MAX_DOCX_PARTS" else 2_000)
    with pytest.raises(DocumentError, match="parts|too large"):
        tag_document(data)


def test_ordinary_docx_passes_the_guard(template, tagger):
    doc = tag_document(_docx(template, 200), tagger=tagger)
    assert len(doc) >= 200


def test_docx_part_that_lies_about_its_size_cannot_expand(template):
    """A part declaring a small size is never inflated past it: zipfile stops, and the CRC check fails."""
    data = bytearray(_docx(template, 60_000))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("word/document.xml")
    small = (1000).to_bytes(4, "little")
    # the uncompressed size, in the local header and in the central directory entry
    data[info.header_offset + 22 : info.header_offset + 26] = small
    name = info.filename.encode()
    central = bytes(data).rfind(b"PK\x01\x02", 0, bytes(data).rfind(name))
    data[central + 24 : central + 28] = small
    with pytest.raises(DocumentError, match="not a valid .docx"):
        tag_document(bytes(data))


# -- FIFOs and other special files ----------------------------------------


@pytest.fixture
def fifo(tmp_path):
    """A FIFO, and a guard that feeds it EOF after 10 s so that a blocked reader fails instead of hanging."""
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "a_fifo"
    os.mkfifo(path)
    done = threading.Event()

    def unblock():
        while not done.wait(0.5 if unblock.started else 10):
            unblock.started = True
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:  # nobody is reading it
                pass

    unblock.started = False
    guard = threading.Thread(target=unblock, daemon=True)
    guard.start()
    yield path
    done.set()
    guard.join()


def test_read_document_refuses_a_fifo_without_opening_it(fifo):
    with pytest.raises(DocumentError, match="not a regular file"):
        read_document(fifo)


def test_cli_skips_special_files_in_a_folder_and_tags_the_rest(fifo, capsys):
    folder = fifo.parent
    (folder / "b.txt").write_text("一、存在的问题\n一是理论学习不够深入。", encoding="utf-8")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(folder / "c_socket"))
        (folder / "d.txt").write_text("二是调查研究不够深入。", encoding="utf-8")
        code = main(["tag", "--format", "jsonl", "--no-progress", str(folder)])
    finally:
        sock.close()
    out, err = capsys.readouterr()
    files = [Path(json.loads(line)["file"]).name for line in out.splitlines()]
    assert files == ["b.txt", "d.txt"]
    errors = err.strip().splitlines()
    assert len(errors) == 2 and all(line.startswith("dimtag: error: ") for line in errors)
    assert "a_fifo: not a regular file" in errors[0] and "c_socket: not a regular file" in errors[1]
    assert code == 1

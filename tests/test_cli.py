"""The dimtag command line."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from dimtag import RECORD_FIELDS
from dimtag.cli import main

from conftest import REPO

SAMPLE = REPO / "examples" / "sample.txt"


def _dimtag_cmd():
    """The command as this interpreter runs it: whatever ``dimtag`` is first on PATH may be another install."""
    return [sys.executable, "-m", "dimtag"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_console_script_reads_stdin_and_writes_jsonl():
    cmd = _dimtag_cmd()
    text = "对习近平新时代中国特色社会主义思想的学习不够系统深入。调查研究不深入，听汇报多、下基层少。"
    proc = subprocess.run([*cmd, "tag", "--format", "jsonl", "-"], input=text.encode(), capture_output=True, check=True)
    records = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert [r["dimension"] for r in records] == ["theory", "work_style"]
    assert "理论学习" in proc.stdout.decode("utf-8"), "ensure_ascii=False"
    assert proc.stderr == b""


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("dimtag ")


def test_jsonl_records_carry_every_field(capsys):
    code, out, _ = run(capsys, "tag", "--format", "jsonl", str(SAMPLE))
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert records and all(list(r) == list(RECORD_FIELDS) for r in records)
    assert [r["index"] for r in records] == list(range(len(records)))
    assert {"heading", "model"} <= {r["by"] for r in records} <= {"heading", "section", "point", "model"}
    assert any(r["dimension"] is None for r in records), "the intro abstains"


def test_csv_output_parses(capsys):
    code, out, _ = run(capsys, "tag", "--format", "csv", str(SAMPLE))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows and tuple(rows[0]) == RECORD_FIELDS
    assert {r["dimension_zh"] for r in rows if r["dimension"] == "integrity"} == {"廉洁自律"}


def test_folder_is_walked_and_failures_reported_without_stopping(tmp_path, capsys):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_bytes("学习不够深入。".encode("gb18030"))
    (tmp_path / "sub" / "b.txt").write_bytes(b"\xef\xbb\xbf" + "调研不深入。".encode())
    (tmp_path / "c.bin").write_bytes(bytes(range(256)))  # not a material: passed over silently
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.4")  # a material dimtag cannot read: listed
    (tmp_path / ".hidden.txt").write_text("不读", encoding="utf-8")
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("对干部监督管理不严。")
    d.save(tmp_path / "sub" / "d.docx")
    code, out, err = run(capsys, "tag", "--format", "jsonl", str(tmp_path))
    files = {json.loads(line)["file"] for line in out.splitlines()}
    assert code == 1
    assert files == {str(tmp_path / "a.txt"), str(tmp_path / "sub" / "b.txt"), str(tmp_path / "sub" / "d.docx")}
    assert err.count("dimtag: error:") == 1 and "c.pdf" in err and "PDF is not read" in err  # the one folder rule (dimtag.folders)
    assert "c.bin" not in err
    assert "Traceback" not in err


def test_output_is_written_atomically(tmp_path, capsys):
    target = tmp_path / "out.jsonl"
    code, out, _ = run(capsys, "tag", "--format", "jsonl", "--output", str(target), str(SAMPLE))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8").count("\n") > 5
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"], "no temporary file left behind"


def test_output_is_untouched_when_the_run_is_interrupted(tmp_path, capsys, monkeypatch):
    import dimtag.document as document

    target = tmp_path / "out.jsonl"
    target.write_text("previous results\n", encoding="utf-8")

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(document, "tag_file", boom)
    code, _, err = run(capsys, "tag", "--output", str(target), str(SAMPLE))
    assert code == 130 and "interrupted" in err
    assert target.read_text(encoding="utf-8") == "previous results\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_summary_counts_per_document_and_total(tmp_path, capsys):
    (tmp_path / "one.txt").write_text("（六）在廉洁自律方面。一是监督不严。二是家风不严。", encoding="utf-8")
    (tmp_path / "two.txt").write_text("（一）在理论学习方面。一是学得不深。", encoding="utf-8")
    code, out, err = run(capsys, "tag", "--format", "jsonl", "--summary", str(tmp_path))
    assert code == 0 and len(out.splitlines()) == 3
    lines = {line.split()[0]: line.split()[1:] for line in err.splitlines()}
    header = lines.pop("document")
    totals = dict(zip(header, lines["TOTAL"]))
    assert totals["integrity"] == "2" and totals["theory"] == "1" and totals["items"] == "3"


def test_missing_file_is_an_error_line(tmp_path, capsys):
    code, out, err = run(capsys, "tag", str(tmp_path / "nope.txt"))
    assert code == 1 and out == "" and "nope.txt" in err and "no such file" in err


def test_extract_writes_labels_rows(tmp_path, capsys):
    out_csv = tmp_path / "candidates.csv"
    code, _, _ = run(capsys, "extract", str(SAMPLE), "--source", "sample.txt", "--output", str(out_csv))
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert code == 0
    assert {"text", "dimension", "source", "origin"} <= set(rows[0])
    assert {r["source"] for r in rows} == {"sample.txt"}
    assert {r["kind"] for r in rows} == {"item", "heading"}




def test_progress_bar_on_a_terminal_and_quiet_in_a_pipe(tmp_path):
    pytest.importorskip("tqdm")
    pty = pytest.importorskip("pty")
    import os

    for i in range(3):
        (tmp_path / f"{i}.txt").write_text("学习不够深入。", encoding="utf-8")
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    # A new pty is 0x0; a real terminal has a size, and tqdm draws to fit it.
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        proc = subprocess.run([*_dimtag_cmd(), "tag", str(tmp_path)], stdout=subprocess.PIPE, stderr=slave, timeout=120)
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
    assert proc.returncode == 0
    assert b"/3" in shown and b"doc" in shown
    piped = subprocess.run([*_dimtag_cmd(), "tag", str(tmp_path)], capture_output=True, timeout=120)
    assert piped.returncode == 0 and piped.stderr == b""
    assert piped.stdout.count(b"\n") == 3


def test_jobs_keep_order_and_records(tmp_path, capsys, monkeypatch):
    import dimtag.cli.workers

    monkeypatch.setattr(dimtag.cli.workers, "PARALLEL_MIN_BYTES", 0)  # start the workers for these few small files
    for i in range(6):
        (tmp_path / f"{i}.txt").write_text(f"（一）在理论学习方面。一是学得不深{i}。\n调研不深入。", encoding="utf-8")
    (tmp_path / "bad.doc").write_bytes(bytes(range(256)))  # listed: a material dimtag cannot read
    code1, serial, err1 = run(capsys, "tag", "--format", "jsonl", str(tmp_path))
    code2, parallel, err2 = run(capsys, "tag", "--format", "jsonl", "--jobs", "2", str(tmp_path))
    assert serial == parallel and len(serial.splitlines()) == 12
    assert code1 == code2 == 1 and err1 == err2

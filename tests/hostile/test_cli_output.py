"""Issue 14, "The CLI's output": where and how ``dimtag tag -o`` writes, in-process."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import threading
from pathlib import Path

import pytest

from .helpers import DOC, REPO, cli

BAD_NAME = os.fsdecode(b"b\xff\xfe.txt")  # not valid UTF-8


def records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_output_onto_a_fifo_writes_into_it(capsys, tmp_path, doc):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, _, err = cli(capsys, "tag", "--format", "jsonl", doc, "-o", fifo)
    reader.join(10)
    assert code == 0, err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced by a regular file"
    assert received, "nothing was written into the FIFO"
    assert [r["text"] for r in records(received[0].decode())][:1] == ["一是学习不够系统，读原著原文少。"]


def test_output_onto_a_device_keeps_the_device(capsys, tmp_path, doc):
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a private /dev/null
    except (PermissionError, OSError):
        pytest.skip("cannot create a device node here")
    code, _, err = cli(capsys, "tag", doc, "-o", node)
    assert code == 0, err
    assert stat.S_ISCHR(os.stat(node).st_mode)


def test_output_on_a_full_device_is_one_error_line(capsys, tmp_path, doc):
    # As root, a broken dimtag would replace the real /dev/full: use a private one then.
    full = tmp_path / "full" if os.geteuid() == 0 else Path("/dev/full")
    if os.geteuid() == 0:
        try:
            os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
        except OSError:
            pytest.skip("cannot create a device node here")
    elif not full.exists():
        pytest.skip("no /dev/full")
    code, _, err = cli(capsys, "tag", doc, "-o", full)
    assert code == 1
    assert err == f"dimtag: error: {full}: No space left on device\n"
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_new_output_follows_the_umask_and_existing_keeps_its_mode(capsys, tmp_path, doc):
    old = os.umask(0o027)
    try:
        new = tmp_path / "new.txt"
        assert cli(capsys, "tag", doc, "-o", new)[0] == 0
        assert stat.S_IMODE(os.stat(new).st_mode) == 0o640
        existing = tmp_path / "existing.txt"
        existing.write_text("old")
        os.chmod(existing, 0o604)
        assert cli(capsys, "tag", doc, "-o", existing)[0] == 0
        assert stat.S_IMODE(os.stat(existing).st_mode) == 0o604
        assert existing.read_text(encoding="utf-8") != "old"
    finally:
        os.umask(old)


def test_output_equal_to_an_input_is_refused(capsys, tmp_path, doc):
    alias = tmp_path / "alias.txt"
    alias.symlink_to(doc)
    for target in (doc, alias):
        code, _, err = cli(capsys, "tag", doc, "-o", target)
        assert code == 1 and "would replace the input" in err
        assert doc.read_text(encoding="utf-8") == DOC


def test_output_inside_an_input_folder_is_not_tagged_next_time(capsys, tmp_path, doc):
    out = tmp_path / "tags.jsonl"
    assert cli(capsys, "tag", "--format", "jsonl", tmp_path, "-o", out)[0] == 0
    first = out.read_text(encoding="utf-8")
    code, _, err = cli(capsys, "tag", "--format", "jsonl", tmp_path, "-o", out)
    assert code == 0, err
    assert out.read_text(encoding="utf-8") == first
    assert {r["file"] for r in records(first)} == {str(doc)}


def test_output_through_a_symlink_keeps_the_link(capsys, tmp_path, doc):
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    assert cli(capsys, "tag", doc, "-o", link)[0] == 0
    assert link.is_symlink() and "理论学习" in real.read_text(encoding="utf-8")


def test_output_onto_a_hard_link_replaces_only_that_name_as_documented(capsys, tmp_path, doc):
    # Atomic replacement gives the output a new inode: the other name keeps the
    # previous content. README says so; this pins the behaviour it describes.
    first = tmp_path / "a.txt"
    first.write_text("old")
    other = tmp_path / "b.txt"
    os.link(first, other)
    assert cli(capsys, "tag", doc, "-o", first)[0] == 0
    assert other.read_text() == "old" and "理论学习" in first.read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "hard link" in readme


@pytest.mark.parametrize("fmt", ["text", "jsonl", "csv"])
@pytest.mark.parametrize("to_file", [False, True])
def test_file_names_that_are_not_utf8_are_escaped(capsys, tmp_path, fmt, to_file):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / BAD_NAME).write_text(DOC, encoding="utf-8")
    (folder / os.fsdecode(b"c\xfe.txt")).write_bytes(b"\x00\x01binary\x00" * 20)
    out = tmp_path / f"out.{fmt}"
    code, stdout, err = cli(capsys, "tag", "--format", fmt, folder, *(["-o", out] if to_file else []))
    written = out.read_bytes().decode("utf-8") if to_file else stdout  # strict UTF-8
    assert code == 1  # the binary file
    shown = f"{folder}/b\\xff\\xfe.txt"
    if fmt == "jsonl":
        assert {r["file"] for r in records(written)} == {shown}
    elif fmt == "csv":
        assert {r["file"] for r in csv.DictReader(io.StringIO(written))} == {shown}
    else:
        assert all(line.startswith(shown + ":") for line in written.splitlines())
    assert f"dimtag: error: {folder}/c\\xfe.txt" in err
    assert "Traceback" not in err


def test_summary_escapes_file_names(capsys, tmp_path):
    (tmp_path / BAD_NAME).write_text(DOC, encoding="utf-8")
    code, out, err = cli(capsys, "tag", "--summary", tmp_path)
    assert code == 0, err
    assert "b\\xff\\xfe.txt" in out and "TOTAL" in out


def test_csv_cells_that_start_a_formula_are_neutralised(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = ["一、存在的问题", "=1+2 学习不够系统深入。", "@SUM(A1) 调研不够深入。", "-2 对八项规定执行不严。",
             "+3 政治站位不高。"]
    Path("=cmd.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = cli(capsys, "tag", "--format", "csv", "=cmd.txt")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["text"][:2] for r in rows] == ["'=", "'@", "'-", "'+"]
    assert {r["file"] for r in rows} == {"'=cmd.txt"}
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r.values())


def test_extract_neutralises_formulas(capsys, tmp_path):
    doc = tmp_path / "d.txt"
    doc.write_text("一、存在的问题\n=1+2 学习不够系统深入。\n", encoding="utf-8")
    code, out, err = cli(capsys, "extract", doc)
    assert code == 0, err
    assert [r["text"] for r in csv.DictReader(io.StringIO(out)) if r["kind"] == "item"] == ["'=1+2学习不够系统深入。"]


def test_readme_documents_formula_neutralisation():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "formula" in readme and "apostrophe" in readme


# --- the traceback list: each is one "dimtag: error:" line, found before the work where it can be


def _no_work(monkeypatch, target: str, name: str) -> None:
    def fail(*args, **kwargs):
        raise AssertionError(f"{name} ran although the command line could not work")

    monkeypatch.setattr(target, fail)  # raises if the target moved: a stale name would make these tests pass for nothing


def test_output_into_a_missing_folder_fails_before_work(capsys, monkeypatch, tmp_path, doc):
    _no_work(monkeypatch, "dimtag.cli.workers._tag_one", "tagging")
    code, _, err = cli(capsys, "tag", doc, "-o", tmp_path / "nodir" / "x.txt")
    assert code == 1 and err.startswith("dimtag: error:") and "does not exist" in err


def test_output_onto_a_folder_fails_before_work(capsys, monkeypatch, tmp_path, doc):
    _no_work(monkeypatch, "dimtag.cli.workers._tag_one", "tagging")
    code, _, err = cli(capsys, "tag", doc, "-o", tmp_path)
    assert code == 1 and "is a directory" in err


def test_audit_output_into_a_missing_folder_fails_before_the_audit(capsys, monkeypatch, tmp_path, tiny_labels):
    _no_work(monkeypatch, "dimtag.learn.curation.audit", "the audit")
    code, _, err = cli(capsys, "audit", "--labels", tiny_labels, "-o", tmp_path / "nodir" / "x.csv")
    assert code == 1 and "does not exist" in err and "Traceback" not in err


def test_evaluate_out_onto_a_file_fails_before_work(capsys, monkeypatch, tmp_path, tiny_labels):
    _no_work(monkeypatch, "dimtag.learn.evaluation.evaluate", "the evaluation")
    existing = tmp_path / "report.md"
    existing.write_text("keep")
    code, _, err = cli(capsys, "evaluate", "--labels", tiny_labels, "--out", existing)
    assert code == 1 and "is not a directory" in err
    assert existing.read_text() == "keep"


def test_train_out_onto_a_file_fails_before_work(capsys, monkeypatch, tmp_path, tiny_labels):
    _no_work(monkeypatch, "dimtag.learn.training.train", "training")
    existing = tmp_path / "model"
    existing.write_text("keep")
    code, _, err = cli(capsys, "train", "--labels", tiny_labels, "--out", existing)
    assert code == 1 and "is not a directory" in err


@pytest.mark.parametrize("verb", ["suggest", "audit"])
def test_labels_that_are_a_folder(capsys, tmp_path, doc, verb):
    folder = tmp_path / "labels_dir"
    folder.mkdir()
    args = [doc] if verb == "suggest" else ["-o", tmp_path / "a.csv"]
    code, _, err = cli(capsys, verb, *args, "--labels", folder)
    assert code == 1
    assert err.startswith(f"dimtag: error: {folder}: cannot read") and "Traceback" not in err


@pytest.mark.parametrize("argv", [["--jobs", "0"], ["--jobs", "x"], ["--jobs", "-2"], ["--min-score", "nan"],
                                  ["--min-score", "1.5"], ["--min-score", "-0.1"], ["--min-score", "inf"]])
def test_bad_numbers_are_usage_errors(capsys, monkeypatch, doc, argv):
    _no_work(monkeypatch, "dimtag.cli.workers._tag_one", "tagging")
    with pytest.raises(SystemExit) as exit_:
        cli(capsys, "tag", doc, *argv)
    assert exit_.value.code == 2
    assert f"argument {argv[0]}" in capsys.readouterr().err


def _crafted_model(tmp_path: Path, how: str) -> Path:
    import hashlib
    import shutil

    import numpy as np

    model = tmp_path / f"model_{how}"
    shutil.copytree(REPO / "src" / "dimtag" / "model", model)
    meta_path = model / "metadata.json"
    meta = json.loads(meta_path.read_text())
    archive = model / meta["model_file"]
    if how in ("null", "list"):
        meta_path.write_text("null" if how == "null" else "[]")
    elif how == "sha_number":
        meta["model_sha256"] = 12345
        meta_path.write_text(json.dumps(meta))
    elif how == "garbage":
        archive.write_bytes(os.urandom(2000))
    else:  # a consistent archive (sha matches) with poisoned arrays
        arrays = dict(np.load(archive, allow_pickle=False))
        if how == "nan":
            arrays["coef"] = arrays["coef"].copy()
            arrays["coef"][0, 0] = np.nan
        else:  # "shape": one coefficient column short
            arrays["coef"] = arrays["coef"][:, :-1]
        np.savez(archive, **arrays)
        meta["model_sha256"] = hashlib.sha256(archive.read_bytes()).hexdigest()
        meta_path.write_text(json.dumps(meta))
    shutil.copy(archive, model / "dimtag.npz")  # where dimtag 1.0 looked for it
    return model


@pytest.mark.parametrize("how", ["null", "list", "sha_number", "garbage", "nan", "shape"])
def test_crafted_model_is_one_error_line_before_work(capsys, monkeypatch, tmp_path, doc, how):
    _no_work(monkeypatch, "dimtag.cli.workers._tag_one", "tagging")
    model = _crafted_model(tmp_path, how)
    code, out, err = cli(capsys, "tag", doc, doc, "--model", model)
    assert code == 1 and out == ""
    assert err.startswith(f"dimtag: error: {model}") and err.count("\n") == 1, err


def test_output_is_synced_before_it_replaces_the_old_file(capsys, monkeypatch, tmp_path, doc):
    import dimtag._atomic as atomic

    out = tmp_path / "out.txt"
    out.write_text("old")
    synced: list[str] = []

    def fsync(fd: int) -> None:
        synced.append(out.read_text())  # the old content is still in place when the data is synced

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    assert cli(capsys, "tag", doc, "-o", out)[0] == 0
    assert synced == ["old"] and "理论学习" in out.read_text(encoding="utf-8")

"""Issue 14, "Labels never lost": ``dimtag merge`` and the files it reads and writes."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .helpers import DOC, HEADER, REPO, _code_path, cli, tiny_rows, write_labels

NEW = "对新时代党的创新理论学习不够主动，满足于读文件。"
UPDATE_HEADER = ("text", "dimension", "source", "origin", "writer", "section", "kind", "heading", "entropy", "confirmed")


def update_file(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8", header=UPDATE_HEADER) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(header), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def suggested(text: str = NEW, dimension: str = "theory", **extra: str) -> dict[str, str]:
    row = {"text": text, "dimension": dimension, "source": "new_doc.txt", "origin": "collected", "writer": "",
           "section": "problem", "kind": "item", "heading": "", "entropy": "1.2", "confirmed": "1"}
    row.update(extra)
    return row


def merge(*args, **kwargs):
    from dimtag.learn.curation import merge

    return merge(*args, **kwargs)


def rows_of(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_unknown_columns_are_kept(tmp_path):
    rows = [{**r, "note": f"checked {i}"} for i, r in enumerate(tiny_rows())]
    labels = write_labels(tmp_path / "labels.csv", rows, (*HEADER, "note"))
    os.chmod(labels, 0o664)
    counts = merge(labels, update_file(tmp_path / "u.csv", [suggested()]))
    assert counts["appended"] == 1
    assert os.stat(labels).st_mode & 0o777 == 0o664
    after = rows_of(labels)
    assert [r["note"] for r in after] == [f"checked {i}" for i in range(len(rows))] + [""]


def test_a_merge_keeps_line_ends_bom_and_every_old_byte(tmp_path):
    labels = tmp_path / "labels.csv"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(HEADER))  # CRLF, as data/labels.csv
    writer.writeheader()
    writer.writerows(tiny_rows())
    before = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    labels.write_bytes(before)
    merge(labels, update_file(tmp_path / "u.csv", [suggested()]))
    after = labels.read_bytes()
    assert after.startswith(before) and after[len(before):].endswith(b"\r\n")
    assert b"\n" not in after.replace(b"\r\n", b"")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_update_files_as_excel_saves_them(tmp_path, tiny_labels, encoding):
    counts = merge(tiny_labels, update_file(tmp_path / "u.csv", [suggested()], encoding))
    assert counts["appended"] == 1 and rows_of(tiny_labels)[-1]["text"] == NEW


def test_merged_rows_are_collected_with_their_document_and_no_writer(capsys, tmp_path, tiny_labels):
    doc = tmp_path / "meeting_2024.txt"
    doc.write_text(DOC, encoding="utf-8")
    out = tmp_path / "suggest.csv"
    code, _, err = cli(capsys, "suggest", doc, "-n", "3", "--labels", tiny_labels, "-o", out)
    assert code == 0, err
    picked = rows_of(out)
    assert len(picked) == 3
    update_file(out, [{**r, "confirmed": "1"} for r in picked], header=tuple(picked[0]))
    code, _, err = cli(capsys, "merge", out, "--labels", tiny_labels)
    assert code == 0, err
    from dimtag.learn.labels import read_labels

    merged = read_labels(tiny_labels)[-3:]
    assert [(it.origin, it.source, it.writer) for it in merged] == [("collected", doc.name, "")] * 3
    assert [it.group for it in merged] == [f"doc:{doc.name}"] * 3


def test_formula_cells_round_trip_through_suggest_and_merge(capsys, tmp_path, tiny_labels):
    doc = tmp_path / "d.txt"
    doc.write_text("一、存在的问题\n=1+2 学习不够系统深入，读原著少。\n", encoding="utf-8")
    out = tmp_path / "suggest.csv"
    assert cli(capsys, "suggest", doc, "-n", "5", "--labels", tiny_labels, "-o", out)[0] == 0
    raw = out.read_text(encoding="utf-8")
    assert "\n'=1+2学习不够系统深入，读原著少。," in raw
    header = tuple(next(csv.reader(io.StringIO(raw))))
    update_file(out, [{**r, "confirmed": "1"} for r in csv.DictReader(io.StringIO(raw))], header=header)
    assert cli(capsys, "merge", out, "--labels", tiny_labels)[0] == 0
    from dimtag.learn.labels import read_labels

    assert read_labels(tiny_labels)[-1].text == "=1+2学习不够系统深入，读原著少。"
    assert "\n'=1+2学习不够系统深入，读原著少。," in tiny_labels.read_text(encoding="utf-8")


def _bad_update(tmp_path: Path, case: str) -> Path:
    path = tmp_path / "updates.csv"
    header = ",".join(UPDATE_HEADER) + "\n"
    ok = f"{NEW},theory,new_doc.txt,collected,,problem,item,,1.0,1\n"
    if case == "missing":
        return tmp_path / "nothing_here.csv"
    if case == "folder":
        path.mkdir()
    elif case == "encoding":
        path.write_bytes(header.encode() + "学习".encode("utf-16-le") + b"\x80\x80,theory\n")
    elif case == "unterminated_quote":
        path.write_text(header + '"' + ok + ok.replace(NEW, "另一条内容。"), encoding="utf-8")
    elif case == "nul":
        path.write_text(header + ok.replace("满足", "满\x00足"), encoding="utf-8")
    elif case == "huge_field":
        path.write_text(header + ok.replace(NEW, "学" * 140_000), encoding="utf-8")
    elif case == "bad_origin":
        path.write_text(header + ok.replace("collected", "borrowed"), encoding="utf-8")
    elif case == "no_columns":
        path.write_text("words,label\n学习,theory\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "case, reason",
    [
        ("missing", "cannot read"), ("folder", "cannot read"), ("encoding", "not UTF-8 or GB18030"),
        ("unterminated_quote", "malformed CSV"), ("nul", "NUL character"), ("huge_field", "field larger than field limit"),
        ("bad_origin", "unknown origin 'borrowed'"), ("no_columns", "missing column(s) text, dimension, confirmed"),
    ],
)
def test_bad_update_files_are_refused_naming_the_file(capsys, tmp_path, tiny_labels, case, reason):
    before = tiny_labels.read_bytes()
    path = _bad_update(tmp_path, case)
    code, out, err = cli(capsys, "merge", path, "--labels", tiny_labels)
    assert code == 1 and out == ""
    assert err.startswith(f"dimtag: error: {path}") and reason in err and err.count("\n") == 1, err
    assert tiny_labels.read_bytes() == before


def test_bad_origin_names_the_update_file_and_line(tmp_path, tiny_labels):
    from dimtag.errors import LabelsError

    path = update_file(tmp_path / "u.csv", [suggested(), suggested("另一条没有问题的内容。", origin="typo")])
    with pytest.raises(LabelsError, match=rf"^{path}:3: unknown origin 'typo'"):
        merge(tiny_labels, path)


@pytest.mark.parametrize("confirmed", ["", "1"])
def test_a_merge_that_changes_nothing_does_not_rewrite(tmp_path, tiny_labels, confirmed):
    os.chmod(tiny_labels, 0o644)
    before = os.stat(tiny_labels)
    same = tiny_rows()[0]  # confirmed with the label it already has
    counts = merge(tiny_labels, update_file(tmp_path / "u.csv", [{**same, "confirmed": confirmed}]))
    assert counts == {"relabeled": 0, "unchanged": int(bool(confirmed)), "appended": 0}
    after = os.stat(tiny_labels)
    assert (after.st_ino, after.st_mtime_ns, after.st_mode) == (before.st_ino, before.st_mtime_ns, before.st_mode)


def test_merge_waits_for_the_lock_then_refuses_clearly(tmp_path, tiny_labels):
    import fcntl

    from dimtag.errors import LabelsError
    from dimtag.learn.curation import lock_path

    update = update_file(tmp_path / "u.csv", [suggested()])
    with open(lock_path(tiny_labels), "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(LabelsError, match="another dimtag merge"):
            merge(tiny_labels, update, lock_timeout=0.2)
        assert len(rows_of(tiny_labels)) == len(tiny_rows())
        result: list[dict] = []
        waiting = threading.Thread(target=lambda: result.append(merge(tiny_labels, update, lock_timeout=10)))
        waiting.start()
        time.sleep(0.3)
        assert not result, "merge went ahead while another held the lock"
    waiting.join(10)
    assert result == [{"relabeled": 0, "unchanged": 0, "appended": 1}]


def test_concurrent_merges_lose_nothing(tmp_path, tiny_labels):
    texts = [f"第{n}条：调查研究不够深入，听汇报多。" for n in "一二三四五六"]
    updates = [update_file(tmp_path / f"u{i}.csv", [suggested(t, "work_style")]) for i, t in enumerate(texts)]
    results: list[dict] = []
    threads = [threading.Thread(target=lambda u=u: results.append(merge(tiny_labels, u))) for u in updates]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == len(texts)
    assert {r["text"] for r in rows_of(tiny_labels)} >= set(texts)


def test_temp_files_of_a_killed_merge_are_removed_next_time(tmp_path, tiny_labels):
    # A writer killed with SIGKILL, the one signal nothing can clean up after.
    script = (
        "import os, signal, sys\n"
        "from dimtag._atomic import atomic_write\n"
        "writing = atomic_write(sys.argv[1])\n"
        "fh = writing.__enter__()\n"
        "fh.write('half a file'); fh.flush()\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(tiny_labels)], env={**os.environ, "PYTHONPATH": _code_path()}, check=False)
    stale = list(tmp_path.glob(".labels.csv.*.tmp"))
    assert len(stale) == 1
    merge(tiny_labels, update_file(tmp_path / "u.csv", [suggested()]))
    assert list(tmp_path.glob(".labels.csv.*.tmp")) == []
    names = [f"data/{stale[0].name}", "data/.labels.csv.lock"]
    ignored = subprocess.run(["git", "check-ignore", *names], cwd=REPO, capture_output=True, text=True, check=False)
    assert ignored.stdout.split() == names, ".gitignore must cover the temp and lock files"

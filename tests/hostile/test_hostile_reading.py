"""Issue 19, reading: folders received from others, control characters, degenerate shapes.

One rule (dimtag.folders.collect_documents) says which files a folder
contributes, for every verb; these tests hold tag and report to it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import dimtag
from dimtag import DocumentError, clean, tag_document
from dimtag._escape import printable
from dimtag.cli import main
from dimtag.features import prepare
from dimtag.folders import collect_documents
from dimtag.vocabulary import CONTROLS

from .test_hostile_dos import _hang_guard

DOC = "一、存在的问题\n一是理论学习不够系统，读原著原文少。\n二是调查研究不够深入，听汇报多、下基层少。\n"


def _tag(capsys, *args) -> tuple[int, list[dict], str]:
    code = main(["tag", "--format", "jsonl", "--no-progress", *map(str, args)])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


@pytest.fixture
def received(tmp_path) -> tuple[Path, Path]:
    """A folder as received from someone else, and a private file outside it."""
    folder, private = tmp_path / "received", tmp_path / "private"
    folder.mkdir()
    private.mkdir()
    (private / "secret.txt").write_text("不应被读取的内部材料，廉洁自律方面的谈话记录。", encoding="utf-8")
    (folder / "a.txt").write_text(DOC, encoding="utf-8")
    (folder / "leak.txt").symlink_to(private / "secret.txt")
    (folder / "private_dir").symlink_to(private, target_is_directory=True)
    return folder, private


def test_links_that_leave_the_folder_are_not_followed(received, capsys):
    folder, _ = received
    code, records, err = _tag(capsys, folder)
    assert {r["file"] for r in records} == {str(folder / "a.txt")}
    assert code == 1 and "Traceback" not in err
    for name in ("leak.txt", "private_dir"):
        assert f"dimtag: error: {folder / name}: a symbolic link to outside the folder" in err
    assert "内部材料" not in json.dumps(records, ensure_ascii=False)


def test_follow_links_reads_them(received, capsys):
    folder, _ = received
    code, records, err = _tag(capsys, "--follow-links", folder)
    assert code == 0, err
    assert {r["file"] for r in records} == {str(folder / n) for n in ("a.txt", "leak.txt", "private_dir/secret.txt")}


def test_report_follows_the_same_rule_and_lists_what_it_skipped(received):
    folder, _ = received
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 64)
    (folder / "wps.wps").write_bytes(b"\x00" * 64)
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 40)
    result = dimtag.report([str(folder)], errors="skip")
    assert [d["file"] for d in result["documents"]] == [str(folder / "a.txt")]
    skipped = {line.split(": ", 1)[0].rsplit("/", 1)[-1]: line.split(": ", 1)[1] for line in result.skipped}
    assert set(skipped) == {"leak.txt", "private_dir", "old.doc", "wps.wps", "scan.pdf", "binary.txt"}
    assert ".docx" in skipped["old.doc"] and ".docx" in skipped["wps.wps"] and "PDF" in skipped["scan.pdf"]
    assert "binary" in skipped["binary.txt"] and "outside the folder" in skipped["leak.txt"]
    followed = dimtag.report([str(folder)], errors="skip", follow_links=True)
    assert len(followed["documents"]) == 3
    # Every writer lists them: a table of its own (a sheet, a CSV file), beside the HTML page's list.
    assert {(Path(r["file"]).name, r["reason"]) for r in result["skipped"]} == set(skipped.items())
    written = result.write(str(folder.parent / "tables") + "/")
    skipped_csv = next(Path(p) for p in written if Path(p).name == "skipped.csv")
    assert "old.doc" in skipped_csv.read_text(encoding="utf-8") and "PDF" in skipped_csv.read_text(encoding="utf-8")


def test_tag_and_report_take_the_same_files_from_a_folder(received, capsys):
    folder, _ = received
    (folder / "sub").mkdir()
    (folder / "sub" / "b.TXT").write_text(DOC, encoding="utf-8")
    (folder / "notes.md").write_text(DOC, encoding="utf-8")
    (folder / ".hidden.txt").write_text(DOC, encoding="utf-8")
    files, skipped = collect_documents([folder])
    _, records, _ = _tag(capsys, folder)
    assert sorted({r["file"] for r in records}) == sorted(files) == [str(folder / "a.txt"), str(folder / "sub" / "b.TXT")]
    assert sorted(d["file"] for d in dimtag.report([str(folder)])["documents"]) == sorted(files)
    assert sorted(Path(s.path).name for s in skipped) == ["leak.txt", "notes.md", "private_dir"]


def test_report_on_a_folder_with_a_file_name_that_is_not_utf8(tmp_path, capsys):
    # 2.0.0: a UnicodeEncodeError traceback and no report.
    folder = tmp_path / "in"
    folder.mkdir()
    bad = os.fsdecode(b"\xb2\xc4\xc1\xcf.txt")  # 材料.txt in GBK, as a Windows zip unpacks it
    (folder / bad).write_text(DOC, encoding="utf-8")
    out = tmp_path / "r.html"
    code = main(["report", str(folder), "-o", str(out)])
    _, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in err
    assert printable(str(folder / bad)) in out.read_text(encoding="utf-8").replace("\\\\", "\\")
    tables = tmp_path / "tables"
    assert main(["report", str(folder), "-o", f"{tables}/"]) == 0
    assert all(p.read_bytes().decode("utf-8") for p in tables.iterdir())  # every table valid UTF-8


def test_report_takes_one_str_as_one_path(tmp_path):
    # 2.0.0: "/x/file.txt" was iterated as characters, and "/" walked the whole file system.
    path = tmp_path / "a.txt"
    path.write_text(DOC, encoding="utf-8")
    assert [d["file"] for d in dimtag.report(str(path))["documents"]] == [str(path)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_in_a_folder_is_skipped_with_its_reason(tmp_path):
    (tmp_path / "a.txt").write_text(DOC, encoding="utf-8")
    locked = tmp_path / "b.txt"
    locked.write_text(DOC, encoding="utf-8")
    locked.chmod(0)
    files, skipped = collect_documents([tmp_path])
    assert files == [str(tmp_path / "a.txt")] and [(s.path, s.reason) for s in skipped] == [(str(locked), "permission denied")]


@pytest.mark.parametrize("control", list(CONTROLS))
def test_clean_strips_the_control_characters_prepare_strips(control):
    raw = f"理论{control}学习不够{control}深入。"
    assert clean(raw) == "理论学习不够深入。"
    assert prepare(raw) == prepare(clean(raw))


def test_offsets_survive_stripped_controls():
    raw = "一是学\x07习不够。\n二是调\x1b研不深。"
    doc = dimtag.clean_document(raw)
    start = doc.text.index("调研")
    a, b = doc.raw_span(start, start + 2)
    assert raw[a:b] == "调\x1b研"


def test_a_million_short_lines_are_refused_in_bounded_time():
    # 2.0.0: 60 s and 1.16 GB (about 600 bytes a character). Memory per character is in benchmarks/DOS.md.
    with _hang_guard(30.0), pytest.raises(DocumentError, match="more than 100,000 items"):
        tag_document("1\n" * 1_000_000)


def test_a_sentence_longer_than_the_tagger_takes_is_cut_into_items_of_one_point(tmp_path):
    # 2.0.0: ValueError from tag() (over 100,000 characters), and a report traceback even with errors="skip".
    from dimtag.segmentation import MAX_ITEM_CHARS

    text = "一、存在的问题\n" + "理论学习不够深入，" * 40_000  # 360,000 characters, no sentence end
    doc = tag_document(text)
    assert all(len(s.text) <= MAX_ITEM_CHARS for s in doc) and len({s.point for s in doc}) == 1
    assert "".join(s.text for s in doc) == text.split("\n")[1]
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    assert len(dimtag.report([str(path)], errors="skip")["documents"]) == 1

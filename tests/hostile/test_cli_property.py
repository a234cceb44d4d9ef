"""Issue 14, "Done when": a property of ``dimtag tag`` over generated folders.

For any folder of mixed good, bad and special files, every good file's
records appear exactly once (and are the records of tagging that file alone),
every bad one gives exactly one error line, hidden entries are skipped, there
is no traceback, and the exit code is 1 exactly when something was bad.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dimtag._escape import printable

SENTENCES = (
    "一是理论学习不够系统，读原著原文少。",
    "二是调查研究不够深入，听汇报多、下基层少。",
    "对八项规定精神的执行监督不够严格。",
    "面对矛盾存在畏难情绪，担当意识不强。",
    "政治站位不够高，组织生活质量不高。",
    "抓产业发展的本领不强，专业知识欠缺。",
    "以上对照检查，请同志们批评指正。",
)
GOOD = ("utf8", "utf8_bom", "gb18030", "link_inside", "empty")
# A link that leaves the folder is skipped with a reason (dimtag.folders), like an unreadable file.
BAD = ("binary", "doc", "broken_link", "loop", "link_outside")
HIDDEN = ("hidden_file", "hidden_dir")

entries = st.lists(
    st.tuples(
        st.sampled_from(GOOD + BAD + HIDDEN),
        st.booleans(),  # in a subfolder
        st.booleans(),  # a file name that is not UTF-8
        st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=5),
    ),
    min_size=1,
    max_size=7,
)


def _build(root: Path, outside: Path, spec) -> tuple[list[Path], list[Path]]:
    """Create the folder; return the good paths and the bad paths."""
    good, bad = [], []
    for i, (kind, nested, odd_name, sentences) in enumerate(spec):
        folder = root / f"sub{i}" if nested else root
        folder.mkdir(exist_ok=True)
        stem = os.fsdecode(b"f%02d\xff" % i) if odd_name else f"f{i:02}"
        text = "一、存在的问题\n" + "\n".join(sentences) + "\n"
        path = folder / f"{stem}_{kind}.txt"
        if kind == "utf8":
            path.write_bytes(text.encode("utf-8"))
        elif kind == "utf8_bom":
            path.write_bytes(text.encode("utf-8-sig"))
        elif kind == "gb18030":
            path.write_bytes(text.encode("gb18030"))
        elif kind == "empty":
            path.write_bytes(b"")
        elif kind == "link_outside":
            target = outside / f"target{i}.txt"
            target.write_text(text, encoding="utf-8")
            path.symlink_to(target)
        elif kind == "link_inside":
            (root / ".targets").mkdir(exist_ok=True)  # hidden: only the link is read
            target = root / ".targets" / f"target{i}.txt"
            target.write_text(text, encoding="utf-8")
            path.symlink_to(target)
        elif kind == "binary":
            path.write_bytes(b"\x00\x01\x02PK\x03\x04" * 40)
        elif kind == "doc":
            path = path.with_suffix(".doc")
            path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
        elif kind == "broken_link":
            path.symlink_to(outside / "missing.txt")
        elif kind == "loop":
            path = folder / f"{stem}_loop"
            path.symlink_to(".")
        elif kind == "hidden_file":
            (folder / f".{stem}.txt").write_bytes(b"\x00" * 50)
            continue
        elif kind == "hidden_dir":
            (folder / ".git").mkdir(exist_ok=True)
            (folder / ".git" / f"{stem}.txt").write_bytes(b"\x00" * 50)
            continue
        (good if kind in GOOD else bad).append(path)
    return good, bad


def _read_records(out: Path, fmt: str) -> list[dict]:
    text = out.read_bytes().decode("utf-8")  # strict: the output must be valid UTF-8
    if fmt == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        row["index"] = int(row["index"])
    return rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=entries, fmt=st.sampled_from(["jsonl", "csv"]))
def test_every_good_file_once_every_bad_file_one_line(tmp_path_factory, spec, fmt):
    from dimtag import tag_file
    from dimtag.cli import main

    base = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
    try:
        root, outside = base / "in", base / "outside"
        root.mkdir()
        outside.mkdir()
        good, bad = _build(root, outside, spec)
        out = base / f"out.{fmt}"
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main(["tag", "--format", fmt, str(root), "-o", str(out)])
        lines = err.getvalue().splitlines()
        assert "Traceback" not in err.getvalue()
        assert code == (1 if bad else 0)
        records = _read_records(out, fmt)
        for path in good:
            shown = printable(str(path))
            expected = [(r["index"], r["text"]) for r in tag_file(path).to_records()]
            assert [(r["index"], r["text"]) for r in records if r["file"] == shown] == expected
        assert {r["file"] for r in records} == {printable(str(p)) for p in good if p.stat().st_size}
        for path in bad:
            assert sum(line.startswith(f"dimtag: error: {printable(str(path))}:") for line in lines) == 1, lines
        assert len(lines) == len(bad) and all(line.startswith("dimtag: error: ") for line in lines)
    finally:
        shutil.rmtree(base)

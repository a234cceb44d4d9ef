"""Time and peak memory of the denial-of-service cases of issue 14, now and in 1.0.0.

Usage::

    git worktree add /tmp/v1 2c06988          # dimtag 1.0.0
    python benchmarks/dos.py --old /tmp/v1/src  # writes benchmarks/DOS.md
    python benchmarks/dos.py --cases clean_commas docx_bomb   # some cases, this tree only
    python benchmarks/dos.py --cases copy_repeated copy_groups_500 copy_groups_2000 report_groups_html \
        report_huge_sentence report_str_root --timeout 300 --now-out benchmarks/DOS_REPORT.md

Each case runs in a fresh Python process with the version's ``src`` first on
``PYTHONPATH``; its wall time and peak RSS come from the kernel
(``os.wait4`` of that child). A case still running after ``--timeout``
seconds (default 60) is killed and reported as "> 60 s". The inputs are
generated in a temporary folder: nothing large is committed.

The budget of issue 14 is 10 s and 500 MB per case.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUDGET_S, BUDGET_MB = 10.0, 500.0


def _cli(*args: str) -> str:
    return f"import sys; from dimtag.cli import main; sys.exit(main({list(args)!r}))"


def _docx_bomb(path: Path, megabytes: int) -> None:
    """A valid .docx whose word/document.xml expands to about ``megabytes`` MB."""
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("学习不够深入。")
    document.save(buffer)
    paragraph = "<w:p><w:r><w:t>学习不够深入，调查研究不够。</w:t></w:r></w:p>".encode()
    with zipfile.ZipFile(buffer) as template, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in template.infolist():
            data = template.read(info)
            if info.filename != "word/document.xml":
                out.writestr(info, data)
                continue
            head, tail = data.split(b"<w:body>", 1)
            with out.open("word/document.xml", "w", force_zip64=True) as fh:
                fh.write(head + b"<w:body>")
                chunk = paragraph * (1 << 14)
                for _ in range(megabytes * (1 << 20) // len(chunk)):
                    fh.write(chunk)
                fh.write(tail)


def _model_with_junk(src: Path, path: Path, gigabytes: float) -> None:
    """The version's shipped model archive plus one extra, highly compressed member."""
    shipped = sorted((src / "dimtag" / "model").glob("*.npz"))[0]
    shutil.copyfile(shipped, path)
    header = io.BytesIO()
    import numpy as np

    n = int(gigabytes * (1 << 30))
    np.lib.format.write_array_header_1_0(header, {"descr": "|u1", "fortran_order": False, "shape": (n,)})
    zeros = bytes(1 << 24)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("junk.npy", "w", force_zip64=True) as fh:
            fh.write(header.getvalue())
            for _ in range(n // len(zeros)):
                fh.write(zeros)


def _docx_with_body(path: Path, body: str, doctype: str = "") -> None:
    """A .docx from python-docx whose <w:body> holds ``body`` (its section properties kept)."""
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(buffer) as template, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in template.infolist():
            data = template.read(info)
            if info.filename == "word/document.xml":
                head, rest = data.split(b"<w:body>", 1)
                if doctype:
                    head = head.replace(b"?>", b"?>" + doctype.encode(), 1)
                data = head + b"<w:body>" + body.encode() + rest[rest.index(b"<w:sectPr"):]
            out.writestr(info, data)


def _p(text: str, ppr: str = "") -> str:
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}<w:r><w:t>{text}</w:t></w:r></w:p>"


def _make_reading_inputs(folder: Path) -> None:
    """The hostile reading inputs of issue 19."""
    import random

    huge = '<w:tcPr><w:gridSpan w:val="2147483647"/></w:tcPr>'
    rows = "".join(f"<w:tr><w:tc>{huge}{_p('理论学习不够深入，读原著少。')}</w:tc></w:tr>" for _ in range(200))
    _docx_with_body(folder / "gridspan.docx", f"<w:tbl>{rows}</w:tbl>")
    numbered = '<w:numPr><w:ilvl w:val="abc"/><w:numId w:val="1"/></w:numPr>'
    (folder / "ilvl").mkdir()
    _docx_with_body(folder / "ilvl" / "ilvl.docx", _p("一、存在的问题") + _p("调查研究不够深入。", numbered))
    rng = random.Random(0)
    rows = "".join(f"<w:tr><w:tc>{_p(f'{rng.getrandbits(40):x}')}</w:tc></w:tr>" for _ in range(100_000))
    _docx_with_body(folder / "rows.docx", f"<w:tbl>{rows}</w:tbl>")
    inner = "".join(f"<w:tbl><w:tr><w:tc>{_p(f'第{i}层')}" for i in range(60)) + "</w:tc></w:tr></w:tbl>" * 60
    _docx_with_body(folder / "nested.docx", _p("一、存在的问题") + inner)
    _docx_with_body(folder / "entity.docx", _p("理论学习不够&x;深入。"), '<!DOCTYPE w:document [<!ENTITY x "系统">]>')
    (folder / "lines.txt").write_text("1\n" * 1_000_000, encoding="utf-8")
    (folder / "long_sentence.txt").write_text("一、存在的问题\n" + "理论学习不够深入，" * 40_000, encoding="utf-8")


def _make_inputs(folder: Path) -> None:
    (folder / "commas.txt").write_text("学" + "," * 16000, encoding="utf-8")
    (folder / "points.txt").write_text("一是。" * 200_000, encoding="utf-8")
    walk = folder / "walk"
    walk.mkdir()
    os.mkfifo(walk / "a_fifo")
    (walk / "b.txt").write_text("一、存在的问题\n一是理论学习不够深入。", encoding="utf-8")
    _docx_bomb(folder / "bomb.docx", 400)
    # The report's cases (issue 19).
    sentence = "我对理论学习的重视程度还不够高，学得不深。"  # 21 characters, about 63 bytes: 1,700 of them make 105 KB
    (folder / "repeat_a.txt").write_text(sentence * 1700, encoding="utf-8")
    (folder / "repeat_b.txt").write_text(sentence * 1700, encoding="utf-8")
    (folder / "huge_sentence.txt").write_text("一、存在的问题\n" + "学" * 120_000 + "。\n", encoding="utf-8")
    sys.path.insert(0, str(REPO / "tests"))
    from generated_folders import generate_groups
    _make_reading_inputs(folder)

    for n in (500, 2000):
        groups = folder / f"groups_{n}"
        groups.mkdir()
        for i, text in enumerate(generate_groups(n, 40)):
            (groups / f"{i:04}.txt").write_text(text, encoding="utf-8")


_COPY = "from pathlib import Path\nfrom dimtag.reporting import find_copies\n" \
        "find_copies([p.read_text(encoding='utf-8') for p in sorted(Path().glob({!r}))])"
# Tagged documents built without a model (one problem item a paragraph), so the case measures the report itself.
_REPORT_HTML = """from pathlib import Path
from dimtag import Dimension, Role, TaggedDocument, TaggedSentence
from dimtag.reporting import report
docs = []
for p in sorted(Path().glob({!r})):
    text = p.read_text(encoding="utf-8")
    items, start = [], 0
    for n, line in enumerate(text.split("\\n")):
        dim = list(Dimension)[n % 6]
        items.append(TaggedSentence(n, line, start, start + len(line), Role.PROBLEM, 0.9, dim, 0.9, "model", dim, 0.9, None,
                                    "problem", n, ()))
        start += len(line) + 1
    docs.append(TaggedDocument(str(p), text, items))
report(docs).write("groups.html")
"""

# name -> (what it is, Python code run in the case's process with the folder as cwd)
CASES: dict[str, tuple[str, str]] = {
    "clean_commas": ("clean() of '学' + 16,000 commas (16 KB), through the CLI", _cli("tag", "commas.txt")),
    "segment_points": ("segment() of 200,000 一是 points (600 KB)", "from dimtag import segment; segment(open('points.txt', encoding='utf-8').read())"),
    "docx_bomb": ("a 400 MB document.xml in a small .docx, through the CLI", _cli("tag", "bomb.docx")),
    "model_junk_member": ("a model .npz with an extra 2 GB member, loaded", "from dimtag import Tagger; Tagger.load('junk.npz')"),
    "tag_10mb_str": ("tag() of one 10 MB string", "from dimtag import tag\ntry: tag('学习不够深入。' * 1_500_000)\nexcept ValueError: pass"),
    "tag_document_40mb_str": ("tag_document() of a 40 MB str", "from dimtag import tag_document\ntry: tag_document('学习不够深入。\\n' * 5_000_000)\nexcept ValueError: pass"),
    "fifo_in_folder": ("a folder holding a FIFO before a text file, through the CLI", _cli("tag", "walk")),
    "copy_repeated": ("find_copies() of two 105 KB files of one sentence repeated 1,700 times", _COPY.format("repeat_*.txt")),
    "copy_groups_500": ("find_copies() of 500 documents (0.6 M characters), groups of 40 sharing a passage",
                        _COPY.format("groups_500/*.txt")),
    "copy_groups_2000": ("find_copies() of 2,000 documents (2.4 M characters), groups of 40 sharing a passage",
                         _COPY.format("groups_2000/*.txt")),
    "report_groups_html": ("report() of the 500, tagged without a model, written as .html (and the .xlsx it links to)",
                           _REPORT_HTML.format("groups_500/*.txt")),
    "report_huge_sentence": ("dimtag report of a file holding a 120,000-character sentence", _cli("report", "huge_sentence.txt", "-o", "r.html")),
    "report_str_root": ("dimtag.report('/x/file.txt'): a str is one path", "import dimtag\ntry: dimtag.report('/x/file.txt')\nexcept ValueError: pass"),
}
# Issue 19, reading: run with --base (the src of 2.0.0) for the before column; written to DOS_READING.md.
READING_CASES: dict[str, tuple[str, str]] = {
    "docx_gridspan": ("a .docx table of 200 cells with gridSpan 2147483647, through the CLI", _cli("tag", "gridspan.docx")),
    "docx_ilvl_abc": ("report on a .docx with <w:ilvl w:val=\"abc\"/>, through the CLI", _cli("report", "ilvl", "-o", "ilvl.html")),
    "docx_100k_rows": ("a .docx table of 100,000 rows, through the CLI", _cli("tag", "rows.docx")),
    "docx_nested": ("a .docx of tables nested 60 deep (lxml refuses 84 and more), through the CLI", _cli("tag", "nested.docx")),
    "docx_entity": ("a .docx with a declared entity inside a run, through the CLI", _cli("tag", "entity.docx")),
    "million_lines": ("1,000,000 lines of '1' (2 MB), through the CLI", _cli("tag", "lines.txt")),
    "long_sentence": ("one 360,000-character sentence, through the CLI", _cli("tag", "long_sentence.txt")),
}

# Memory per input character (issue 19): each shape is tagged at two sizes in fresh
# processes; the difference of their peak RSS over the difference of their lengths is
# the marginal cost of a character, free of the fixed cost (Python, numpy, the model).
SHAPES: dict[str, tuple[str, int]] = {
    # name: (the unit repeated, how many characters at the smaller size)
    "ordinary text": ("对照党章党规，本人在理论学习上还不够系统深入，学用结合不紧。\n", 1_000_000),
    "short lines '1\\n'": ("1\n", 90_000),
    "一是 points, one a line": ("一是学习不够。\n", 350_000),  # 87,500 items at the larger size: under the cap
    "blank lines": ("学习不够深入。\n\n\n\n\n\n", 500_000),
    "one sentence of commas": ("学，", 1_000_000),
}
_SHAPE_CODE = (
    "import sys\nfrom dimtag import tag_document\nunit, n = sys.argv[1], int(sys.argv[2])\n"
    "tag_document(unit * (n // len(unit)))"
)


def bytes_per_char(src: Path, timeout: float) -> dict[str, float]:
    """The marginal peak RSS per input character of each shape, tagged with ``src``."""
    result = {}
    for name, (unit, n) in SHAPES.items():
        peaks = []
        for size in (n, 2 * n):
            code = f"import sys; sys.argv = ['x', {unit!r}, '{size}']\n" + _SHAPE_CODE
            _seconds, mb, status = measure(code, src, Path.cwd(), timeout)
            peaks.append(mb if status.startswith("exit 0") else float("nan"))
        result[name] = (peaks[1] - peaks[0]) * 2**20 / n
        print(f"{name:28} {peaks[0]:8.0f} MB at {n:,} chars, {peaks[1]:8.0f} MB at {2 * n:,}: {result[name]:6.0f} B/char", flush=True)
    return result


def measure(code: str, src: Path, cwd: Path, timeout: float) -> tuple[float, float, str]:
    """Run ``code`` in a fresh process; return (seconds, peak RSS MB, status)."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    status = ""
    while True:
        pid, wait_status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - start > timeout:
            os.killpg(proc.pid, signal.SIGKILL)
            pid, wait_status, usage = os.wait4(proc.pid, 0)
            status = "killed"
            break
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(wait_status)
    err = proc.stderr.read().decode("utf-8", "replace").strip().splitlines() if proc.stderr else []
    if not status:
        status = f"exit {proc.returncode}" + (f": {err[-1][:90]}" if err and proc.returncode else "")
    return seconds, usage.ru_maxrss / 1024, status


def _fmt(seconds: float, mb: float, status: str, timeout: float) -> str:
    if status == "killed":
        return f"> {timeout:.0f} s | {mb:,.0f} MB (when killed)"
    return f"{seconds:.2f} s | {mb:,.0f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="src folder of dimtag 1.0.0 (e.g. /tmp/v1/src)")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "DOS.md")
    parser.add_argument("--now-out", type=Path, help="write this tree's figures for the chosen cases here (e.g. benchmarks/DOS_REPORT.md)")
    parser.add_argument("--base", type=Path, help="src folder of dimtag 2.0.0: run the reading cases of issue 19 "
                        "and the memory per character, before and now, and write benchmarks/DOS_READING.md")
    args = parser.parse_args(argv)
    if args.base:
        return _reading(args.base.resolve(), args.timeout)
    versions = {"now": REPO / "src"}
    if args.old:
        versions = {"1.0.0": args.old.resolve(), **versions}
    rows = []
    with tempfile.TemporaryDirectory(prefix="dimtag-dos-") as tmp:
        shared = Path(tmp) / "inputs"
        shared.mkdir()
        _make_inputs(shared)
        folders = {}
        for label, src in versions.items():
            # one folder a version: the shared inputs, and a junk model made from its own shipped model
            folders[label] = Path(tmp) / label
            folders[label].mkdir()
            for item in shared.iterdir():
                (folders[label] / item.name).symlink_to(item)
            _model_with_junk(src, folders[label] / "junk.npz", 2)
        for name in args.cases:
            what, code = CASES[name]
            cells = []
            for label, src in versions.items():
                seconds, mb, status = measure(code, src, folders[label], args.timeout)
                ok = status != "killed" and seconds <= BUDGET_S and mb <= BUDGET_MB
                cells.append((label, seconds, mb, status, ok))
                print(f"{name:24} {label:6} {_fmt(seconds, mb, status, args.timeout):32} {status}", flush=True)
            rows.append((name, what, cells))
    if args.old and set(args.cases) == set(CASES):
        _write_report(args.out, rows, args.timeout)
        print(f"written {args.out}")
    elif args.now_out:
        _write_now(args.now_out, rows, args.timeout, argv if argv is not None else sys.argv[1:])
        print(f"written {args.now_out}")
    return 0


def _write_now(path: Path, rows: list, timeout: float, argv: list[str]) -> None:
    """This tree's figures only (the cases 1.0.0 has no counterpart for), with the load the machine was under."""
    load = os.getloadavg()
    lines = [
        "# Denial-of-service cases of the reviewer's report (issue 19)",
        "",
        f"Written by `python benchmarks/dos.py {' '.join(argv)}`. Each case runs in a fresh process; wall time and peak",
        f"RSS from the kernel (`os.wait4`); killed after {timeout:.0f} s. Load average when it ended: {load[0]:.1f} on",
        f"{os.cpu_count()} cores (other jobs share the machine), so compare rows, not machines.",
        "",
        "| case | what | time | peak RSS | exit |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, what, cells in rows:
        _label, seconds, mb, status, _ok = cells[-1]
        time_cell, rss_cell = _fmt(seconds, mb, status, timeout).split(" | ")
        lines.append(f"| {name} | {what} | {time_cell} | {rss_cell} | {status.replace('|', '/')} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _reading(base: Path, timeout: float) -> int:
    versions = {"2.0.0": base, "now": REPO / "src"}
    lines = [
        "# Hostile reading (issue 19): before and after",
        "",
        "Written by `python benchmarks/dos.py --base /tmp/base/src` (2.0.0 is the `src` of commit 703adb2). Each case runs",
        f"in a fresh process; wall time and peak RSS from the kernel (`os.wait4`); killed after {timeout:.0f} s. Budget:",
        f"{BUDGET_S:.0f} s and {BUDGET_MB:.0f} MB. 2-core machine shared with other jobs.",
        "",
        "| case | what | 2.0.0 time | 2.0.0 peak RSS | now time | now peak RSS | now | within budget |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    with tempfile.TemporaryDirectory(prefix="dimtag-dos-") as tmp:
        folder = Path(tmp)
        _make_reading_inputs(folder)
        for name, (what, code) in READING_CASES.items():
            cells = []
            for label, src in versions.items():
                seconds, mb, status = measure(code, src, folder, timeout)
                print(f"{name:24} {label:6} {_fmt(seconds, mb, status, timeout):32} {status}", flush=True)
                cells.append(_fmt(seconds, mb, status, timeout))
            ok = status != "killed" and seconds <= BUDGET_S and mb <= BUDGET_MB
            lines.append(f"| {name} | {what} | {' | '.join(cells)} | {status} | {'yes' if ok else '**no**'} |")
    lines += [
        "",
        "## Memory per input character",
        "",
        "Each shape tagged with `tag_document` at two sizes in fresh processes: the difference of peak RSS over",
        "the difference of length is what one more character costs (Python, numpy and the model cancel out).",
        "",
        "| shape | characters | 2.0.0 bytes/char | now bytes/char |",
        "| --- | --- | --- | --- |",
    ]
    per = {label: bytes_per_char(src, timeout) for label, src in versions.items()}
    def cell(value: float) -> str:
        return "failed (the run exited with an error)" if math.isnan(value) else f"{value:,.0f}"

    for name, (_unit, n) in SHAPES.items():
        lines.append(f"| {name} | {n:,} and {2 * n:,} | {cell(per['2.0.0'][name])} | {cell(per['now'][name])} |")
    out = REPO / "benchmarks" / "DOS_READING.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written {out}")
    return 0


def _write_report(path: Path, rows: list, timeout: float) -> None:
    lines = [
        "# Denial-of-service cases (issue 14): before and after",
        "",
        "Written by `python benchmarks/dos.py --old /tmp/v1/src` (1.0.0 is commit 2c06988). Each case runs in a fresh",
        f"process; wall time and peak RSS from the kernel (`os.wait4`). A case is killed after {timeout:.0f} s.",
        f"Budget: {BUDGET_S:.0f} s and {BUDGET_MB:.0f} MB per case. 2-core machine shared with other jobs.",
        "",
        "| case | what | 1.0.0 time | 1.0.0 peak RSS | now time | now peak RSS | now | within budget |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, what, cells in rows:
        parts = []
        for _label, seconds, mb, status, _ok in cells:
            parts.append(_fmt(seconds, mb, status, timeout))
        now_status = cells[-1][3]
        lines.append(f"| {name} | {what} | {' | '.join(parts)} | {now_status} | {'yes' if cells[-1][4] else '**no**'} |")
    over = [name for name, _what, cells in rows if not cells[-1][4]]
    if over:
        lines += ["", f"Over budget now: {', '.join(over)}. clean() and segment() are made linear on branch `struct`;",
                  "rerun this script once it has landed."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

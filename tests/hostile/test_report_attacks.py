"""The reviewer's report under attack (issue 19): custom models, formulas in cells, huge sentences, repeats, big folders.

Every input is written here. The CLI runs as ``sys.executable -m dimtag``; time and memory of the heavy cases are
in benchmarks/dos.py, not here.
"""

from __future__ import annotations

import csv
import os
import random
import re
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

from dimtag import Dimension, DocumentError, Role, TaggedDocument, TaggedSentence, Tagger, tag_document
from dimtag.decision import decide_point
from dimtag.errors import ReportError
from dimtag.reporting import Point, find_copies, points_of, report
from dimtag.reporting.html import CELL_CHARS
from dimtag.segmentation import MAX_ITEM_CHARS

from .helpers import _code_path

PROBLEM = "一、存在的问题\n"


def _cli(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": _code_path()}
    return subprocess.run([sys.executable, "-m", "dimtag", *map(str, args)], env=env, cwd=cwd, capture_output=True,
                          text=True, check=False)


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- a model trained on another framework ------------------------------------------------------------------------

# 四个带头, in sentences of our own: four labels and none.
CUSTOM = {
    "带头学习": ("带头学习理论不够，读原著少。", "学习贯彻创新理论不深入。", "学习笔记记得多、思考少。", "理论学习不够系统。",
             "读书学习坚持得不好。"),
    "带头担当": ("遇到难题不敢担当，绕着走。", "攻坚克难的劲头不足。", "怕担责任，事事请示。", "敢于斗争的勇气不够。",
             "干事创业的劲头减退。"),
    "带头廉洁": ("廉洁自律要求执行不严。", "对身边人员管得不严。", "八项规定精神落实有偏差。", "礼品礼金没有及时退回。",
             "一岗双责落实不到位。"),
    "带头为民": ("联系群众不够紧密。", "为群众办实事不多。", "下基层调研次数少。", "群众诉求回应不及时。", "为民服务意识不强。"),
    "none": ("现将情况报告如下。", "以上发言，请批评指正。", "根据组织安排召开会议。", "会前征求了意见。", "本支部现有党员30名。"),
}


@pytest.fixture(scope="module")
def custom_model(tmp_path_factory) -> Path:
    pytest.importorskip("sklearn")
    texts = [t for items in CUSTOM.values() for t in items]
    labels = [label for label, items in CUSTOM.items() for _ in items]
    path = tmp_path_factory.mktemp("custom") / "model"
    Tagger().fit(texts, labels).save(path)
    return path


CUSTOM_DOC = PROBLEM + "1.带头学习理论不够，读原著少，学习不够系统。\n2.遇到难题不敢担当，怕担责任。\n3.廉洁自律要求执行不严。\n"


def test_a_custom_label_model_reports_its_own_labels(custom_model, tmp_path):
    path = _write(tmp_path / "in", "a.txt", CUSTOM_DOC)
    tagger = Tagger.load(custom_model)
    rep = report(path, tagger=tagger)
    assert sorted(r["dimension"] for r in rep["coverage"]) == sorted(set(CUSTOM) - {"none"})
    assert [r["dimension_zh"] for r in rep["coverage"]] == [r["dimension"] for r in rep["coverage"]]
    assert {f["dimension"] for f in rep["flags"] if f["kind"] == "missing"} == {"带头为民"}
    assert "带头学习问题" in [c.heading for c in rep.as_tables()["documents"].columns]
    page = rep.write(tmp_path / "r.html")[0].read_text(encoding="utf-8")
    assert ">带头为民</text>" in page
    assert report(path, tagger=tagger, expect=["带头学习"])["flags"]
    with pytest.raises(ReportError, match="带头学习"):
        report(path, tagger=tagger, expect=["theory"])


def test_a_custom_label_model_through_the_cli(custom_model, tmp_path):
    folder = tmp_path / "in"
    _write(folder, "a.txt", CUSTOM_DOC)
    outs = ["r.html", "tables/", *(["r.xlsx"] if find_spec("openpyxl") else [])]
    for out in outs:
        done = _cli("report", folder, "--model", custom_model, "--expect", "带头学习,带头廉洁", "-o", f"{tmp_path}/{out}")
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "带头为民" in (tmp_path / "tables" / "coverage.csv").read_text(encoding="utf-8")
    bad = _cli("report", folder, "--model", custom_model, "--expect", "theory", "-o", tmp_path / "bad.html")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert bad.stderr.startswith("dimtag: error:") and "带头学习" in bad.stderr


# -- cells that a spreadsheet would run -----------------------------------------------------------------------------

FORMULAS = ("=HYPERLINK(\"http://x\",\"点击\")学习不够。", "+1+2调研不深入。", "-3+4作风不实。", "@SUM(A1)廉洁不严。")


def test_the_report_csv_tables_escape_formulas_as_tag_does(tmp_path):
    path = _write(tmp_path / "in", "f.txt", PROBLEM + "\n".join(FORMULAS) + "\n")
    report(path).write(tmp_path / "out" / "r.csv")
    cells = []
    for table in (tmp_path / "out").glob("r-*.csv"):
        with open(table, encoding="utf-8", newline="") as fh:
            cells += [cell for row in csv.reader(fh) for cell in row]
    assert not [c for c in cells if c and c[0] in "=+-@"]
    starts = tuple(f[:5] for f in FORMULAS)  # cleaning makes the closing brackets full-width; the starts stay
    sentences = {c for c in cells if c.lstrip("'").startswith(starts)}
    assert {c[:6] for c in sentences} == {"'" + f for f in starts}
    # The same cells as `dimtag tag --format csv` writes them.
    tagged = _cli("tag", "--format", "csv", path)
    assert sentences <= {cell for row in csv.reader(tagged.stdout.splitlines()) for cell in row}


# -- a sentence over the tagger's 100,000 characters --------------------------------------------------------------

def test_a_sentence_over_100000_characters_is_cut_into_items_not_a_traceback(tmp_path):
    # Issue 19 asks for no traceback, even with errors='skip'; reading cuts a run without a sentence end into
    # items of at most MAX_ITEM_CHARS, so the document is tagged (a clear skip would also have satisfied it).
    folder = tmp_path / "in"
    huge = _write(folder, "huge.txt", PROBLEM + "学" * 120_000 + "。\n")
    _write(folder, "fine.txt", PROBLEM + "一是理论学习不够深入。\n")
    for rep in (report(folder, errors="skip"), report(folder)):
        assert sorted(Path(r["file"]).name for r in rep["documents"]) == ["fine.txt", "huge.txt"]
        assert not rep.skipped
        cut = [r["text"] for r in rep["sentences"] if r["file"] == str(huge)]
        assert len(cut) > 1 and max(map(len, cut)) <= MAX_ITEM_CHARS
        assert "".join(cut) == "学" * 120_000 + "。"
    done = _cli("report", folder, "-o", tmp_path / "r.html")
    assert done.returncode == 0 and "Traceback" not in done.stderr and (tmp_path / "r.html").exists()


# -- the same file twice -------------------------------------------------------------------------------------------

def test_the_same_file_given_twice_is_one_document(tmp_path, monkeypatch):
    text = PROBLEM + "一是对群众反映的问题只登记在台账上，跟踪督办不够，个别诉求拖了两三个月才给答复，群众有不少怨言。\n"
    path = _write(tmp_path / "in", "a.txt", text)
    (tmp_path / "link.txt").symlink_to(path)
    monkeypatch.chdir(tmp_path)
    rep = report([path, str(path), "in/a.txt", tmp_path / "in", tmp_path / "link.txt"])
    assert len(rep["documents"]) == 1
    assert not rep["copying"] and not rep["shared"]
    assert not [f for f in rep["flags"] if f["kind"] == "copied"]
    doc = tag_document(text, name="a.txt")
    assert len(report([doc, doc])["documents"]) == 1


# -- what a killed report leaves ---------------------------------------------------------------------------------

@pytest.mark.parametrize("out", ["r.html", "r.csv", "r.xlsx"])
def test_temporary_files_left_by_a_killed_report_are_removed(tmp_path, out):
    if out.endswith(".xlsx"):
        pytest.importorskip("openpyxl")
    path = _write(tmp_path / "in", "a.txt", PROBLEM + "一是理论学习不够深入。\n")
    stem = Path(out).stem
    # A CSV report is one file a table (r-flags.csv …); the others are one file.
    left = [tmp_path / (f".{stem}-flags.csv.x9.tmp" if out.endswith(".csv") else f".{out}.k1ll3d.tmp")]
    for each in left:
        each.write_text("half a report", encoding="utf-8")
    keep = tmp_path / ".other.html.k1ll3d.tmp"  # another target's: not ours to remove
    keep.write_text("x", encoding="utf-8")
    report(path).write(tmp_path / out)
    assert not any(each.exists() for each in left)
    assert keep.exists()


# -- copy detection on repetitive input --------------------------------------------------------------------------

def test_a_sentence_repeated_a_thousand_times_counts_once():
    sentence = "我对理论学习的重视程度还不够高学得不深。"
    passage = "对群众反映的问题只登记在台账上，跟踪督办不够，个别诉求拖了两三个月才给答复，群众有不少怨言。"
    a = sentence * 1500 + passage
    b = passage + sentence * 1500
    result = find_copies([a, b, "另一份材料，请批评指正。"])
    # The repeated sentence is matched once, not 1,500 x 1,500 times: what is found is at most the distinct text.
    distinct = len(re.sub(r"\W", "", sentence + passage))
    assert result.passages and sum(p.chars for p in result.passages) <= distinct
    assert any(a[p.start_a : p.end_a].endswith(passage) or passage in a[p.start_a : p.end_a] for p in result.passages)


def _folder(n: int, shared_by: int) -> list[str]:
    """``n`` documents of their own words; the first ``shared_by`` also hold one passage."""
    pieces = ("学习", "调研", "台账", "督办", "群众", "落实", "推进", "资金", "项目", "审批", "检查", "整改", "会议", "基层")
    passage = "我在分管的城西片区危房改造中只听汇报不下现场，三十七户的鉴定结论拖了四个月才出，两户群众的安置过渡费也没有按时发放。"
    texts = []
    for i in range(n):
        rng = random.Random(i)
        own = "".join(rng.choice(pieces) + str(rng.randrange(100)) for _ in range(60))
        texts.append(own[:200] + (passage if i < shared_by else "") + own[200:])
    return texts


def test_a_passage_in_many_documents_is_one_group_not_every_pair():
    texts = _folder(40, 8)
    result = find_copies(texts)
    assert not result.passages  # no pair among the eight
    assert len(result.shared) == 1
    group = result.shared[0]
    assert group.docs == tuple(range(8)) and group.chars >= 50
    for d, (start, end) in zip(group.docs, group.spans):
        assert "城西片区危房改造" in texts[d][start:end]


def test_the_report_lists_a_shared_passage_once_with_its_documents():
    docs = [tag_document(PROBLEM + "一是" + t, name=f"{i:02}.txt") for i, t in enumerate(_folder(40, 8))]
    rep = report(docs)
    assert not rep["copying"]
    assert {r["group"] for r in rep["shared"]} == {1} and len(rep["shared"]) == 8
    copied = [f for f in rep["flags"] if f["kind"] == "copied"]
    assert len(copied) == 8 and all("另外7份材料" in f["detail"] for f in copied)


# -- the page stays readable --------------------------------------------------------------------------------------

def test_a_3000_character_token_does_not_squash_the_tables(tmp_path):
    pytest.importorskip("openpyxl")
    # Built as a problem directly: whether the model calls such a sentence a problem is not what is tested here.
    text = "一是理论学习不够深入，" + "A" * 3000 + "。"
    item = TaggedSentence(0, text, 0, len(text), Role.PROBLEM, 0.9, Dimension.THEORY, 0.9, "model", Dimension.THEORY,
                          0.9, None, "problem", 0, ())
    written = report([TaggedDocument("t.txt", text, [item])], tagger=None).write(tmp_path / "r.html")
    page = written[0].read_text(encoding="utf-8")
    assert "overflow-wrap:anywhere" in page and "word-break:break-word" in page
    cells = re.findall(r"<td[^>]*>(.*?)</td>", page, re.DOTALL)
    assert cells and max(len(re.sub(r"<[^>]+>", "", c)) for c in cells) < CELL_CHARS + 40
    assert "全文见工作簿" in page and "共3,000字" in page
    assert [p.name for p in written] == ["r.html", "r.xlsx"]  # the workbook the note points to is there


def _tiny_docs(n: int) -> list[TaggedDocument]:
    """``n`` one-problem documents, built directly (no model work), each missing five aspects."""
    docs = []
    for i in range(n):
        text = f"学习不够深入，第{i}份材料。"
        item = TaggedSentence(0, text, 0, len(text), Role.PROBLEM, 0.9, Dimension.THEORY, 0.9, "model", Dimension.THEORY,
                              0.9, None, "problem", 0, ())
        docs.append(TaggedDocument(f"{i:04}.txt", text, [item]))
    return docs


def test_long_tables_are_shortened_with_a_link_to_the_workbook(tmp_path):
    pytest.importorskip("openpyxl")
    import openpyxl

    rep = report(_tiny_docs(320), tagger=None)
    assert len(rep["flags"]) > 1000
    written = rep.write(tmp_path / "r.html")
    assert [p.name for p in written] == ["r.html", "r.xlsx"]
    page = written[0].read_text(encoding="utf-8")
    assert 'href="r.xlsx"' in page and "此处列出前 300 条标记" in page
    assert page.count('<span class="kind') == 300
    assert len(page) < 2_000_000
    book = openpyxl.load_workbook(written[1], read_only=True)
    assert sum(1 for _ in book["问题标记"].iter_rows()) == len(rep["flags"]) + 1


# -- cells over Excel's limit ---------------------------------------------------------------------------------------

def test_cells_over_excels_limit_are_marked_never_cut_silently(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    sentence = "理论学习不够深入" + "，学得不深" * 8000 + "。"
    assert 32_767 < len(sentence) < 100_000
    # Built directly: reading cuts a run this long into items of MAX_ITEM_CHARS, yet a document made in code
    # (or a custom segmenter) can still hold a sentence over Excel's limit.
    item = TaggedSentence(0, sentence, 0, len(sentence), Role.PROBLEM, 0.9, Dimension.THEORY, 0.9, "model",
                          Dimension.THEORY, 0.9, None, "problem", 0, ())
    rep = report([TaggedDocument("long.txt", sentence, [item])], tagger=None)
    rep.write(tmp_path / "r.xlsx")
    rep.write(str(tmp_path / "csv") + "/")
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True)["全部句子"]
    texts = [c for row in sheet.iter_rows(min_row=2, values_only=True) for c in row if isinstance(c, str) and len(c) > 1000]
    assert texts and all(len(t) <= 32_767 for t in texts)
    assert all(t.endswith(f"原文共{len(sentence):,}字，全文见CSV或HTML〕") for t in texts)
    with open(tmp_path / "csv" / "sentences.csv", encoding="utf-8", newline="") as fh:
        assert [r["text"] for r in csv.DictReader(fh)] == [sentence]


# -- a str is one path ----------------------------------------------------------------------------------------------

def test_a_str_is_one_path_never_its_characters(tmp_path):
    path = _write(tmp_path / "in", "a.txt", PROBLEM + "一是理论学习不够深入。\n")
    assert [r["file"] for r in report(str(path))["documents"]] == [str(path)]
    assert [r["file"] for r in report(path)["documents"]] == [str(path)]
    with pytest.raises(DocumentError, match="/x/file.txt"):
        report("/x/file.txt")


# -- nothing to report on --------------------------------------------------------------------------------------------

def test_an_empty_or_all_skipped_input_is_an_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ReportError, match="no document"):
        report([])
    with pytest.raises(ReportError, match="no document"):
        report(empty)
    bad = tmp_path / "bad"
    (bad).mkdir()
    (bad / "a.txt").write_bytes(b"\x00\x01\x02binary" * 100)
    with pytest.raises(ReportError, match="every file was skipped"):
        report(bad, errors="skip")
    for folder in (empty, bad):
        done = _cli("report", folder, "-o", tmp_path / "r.html")
        assert done.returncode == 1 and done.stderr.count("dimtag: error:") >= 1 and "Traceback" not in done.stderr
        assert "no document" in done.stderr
    assert not (tmp_path / "r.html").exists()


def test_files_a_folder_holds_but_the_report_cannot_read_are_listed(tmp_path):
    folder = tmp_path / "in"
    _write(folder, "a.txt", PROBLEM + "一是理论学习不够深入。\n")
    for name in ("b.doc", "c.wps", "d.pdf"):
        (folder / name).write_bytes(b"%PDF-1.4 or a binary document")
    (folder / "e.txt").write_bytes(b"\x00\xff" * 200)
    for name in ("photo.jpg", "last_year.xlsx", "r.html"):  # not materials: passed over
        (folder / name).write_bytes(b"\x89PNG")
    rep = report(folder, errors="skip")
    assert [Path(r["file"]).name for r in rep["documents"]] == ["a.txt"]
    assert sorted(Path(r["file"]).name for r in rep["skipped"]) == ["b.doc", "c.wps", "d.pdf", "e.txt"]
    assert all(r["reason"] for r in rep["skipped"])
    page = rep.write(tmp_path / "r.html")[0].read_text(encoding="utf-8")
    assert "未能读取的文件（4）" in page and "d.pdf" in page


# -- the house: typed points, one rule, writers that take tables ---------------------------------------------------

def _imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every ``from … import name`` in a file."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.module or "", alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names]


def test_writers_take_tables_and_no_module_borrows_private_helpers():
    folder = Path(_code_path()) / "dimtag" / "reporting"
    for writer in ("xlsx.py", "html.py", "csvfiles.py"):
        assert not [m for m, _ in _imports(folder / writer) if m.endswith("report")], writer
    for path in folder.glob("*.py"):
        borrowed = [(m, n) for m, n in _imports(path) if n.startswith("_") and n != "__future__" and m != "__future__"]
        assert not borrowed, (path.name, borrowed)


def test_points_are_typed_and_read_by_one_rule():
    doc = tag_document(PROBLEM + "（四）担当作为方面\n1.遇到矛盾绕着走。\n2.调研不深入，下基层少。\n", name="p.txt")
    points = points_of(doc, list(Dimension))
    assert points and all(isinstance(p, Point) and isinstance(p.role, Role) for p in points)
    by_index = {s.index: s for s in doc}
    for p in points:
        assert (p.role, p.dimension) == decide_point([by_index[i] for i in p.items], p.aspect)
    assert {p.dimension for p in points} == {Dimension.RESPONSIBILITY}

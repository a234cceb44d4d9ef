"""The reviewer's report: planted cases in examples/materials, copy detection on generated folders, outputs."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from generated_folders import FORMULAS, generate

from dimtag import Dimension, tag_document
from dimtag.cli import main
from dimtag.reporting import find_copies, report
from dimtag.reporting import points as points_module

REPO = Path(__file__).resolve().parents[1]
MATERIALS = REPO / "examples" / "materials"
# Written into 03_township.txt and 07_community.txt on purpose (under 工作作风).
COPIED = "有时习惯于坐在办公室听汇报、看材料，深入群众面对面了解情况不够，去年全年入户走访只有二十余次"


@pytest.fixture(scope="module")
def example():
    return report([MATERIALS])


def _names(rows, kind):
    return {Path(r["file"]).name for r in rows if r["kind"] == kind}


def test_the_missing_dimension_is_flagged_and_only_there(example):
    missing = [(Path(r["file"]).name, r["dimension"]) for r in example["flags"] if r["kind"] == "missing"]
    assert missing == [("05_hospital.txt", "integrity")]
    row = next(r for r in example["documents"] if r["file"].endswith("05_hospital.txt"))
    assert row["integrity_problems"] == 0 and row["theory_problems"] > 0


def test_the_vague_document_is_flagged_with_evidence_elsewhere(example):
    assert _names(example["flags"], "vague") == {"06_company.txt"}
    company = [r for r in example["concreteness"] if r["file"].endswith("06_company.txt")]
    assert company and not any(r["concrete"] for r in company)
    county = [r for r in example["concreteness"] if r["file"].endswith("01_county.txt") and r["concrete"]]
    # The evidence is the words themselves.
    assert any("比如" in r["example"] for r in county)
    assert any("15%" in r["number"] for r in county)
    generic = [r for r in example["concreteness"] if r["most_generic"]]
    assert generic and not any(r["concrete"] for r in generic)


def test_the_copied_pair_is_flagged_with_both_passages(example):
    rows = example["copying"]
    assert [(Path(r["file_a"]).name, Path(r["file_b"]).name) for r in rows] == [("03_township.txt", "07_community.txt")]
    row = rows[0]
    for side in "ab":
        text = example.texts[row[f"file_{side}"]]
        passage = text[row[f"start_{side}"] : row[f"end_{side}"]]
        assert passage == row[f"text_{side}"]
        assert COPIED in passage and len(passage) >= 150
    assert row["similarity"] > 0.95
    assert _names(example["flags"], "copied") == {"03_township.txt", "07_community.txt"}


def test_shared_formulas_are_listed_once_and_never_copied(example):
    texts = [r["text"] for r in example["formulas"]]
    assert len(texts) == len(set(texts))
    closing = [t for t in texts if "请批评指正" in t]
    assert closing == ["以上发言，请批评指正"]
    assert next(r for r in example["formulas"] if r["text"] == closing[0])["documents"] == 8
    assert any("习近平新时代中国特色社会主义思想" in t for t in texts)
    for row in example["copying"]:
        assert "请批评指正" not in row["text_a"]


def test_expect_changes_the_required_dimensions():
    rep = report([MATERIALS / "05_hospital.txt"], expect=["theory", "政治素质"])
    assert not [r for r in rep["flags"] if r["kind"] == "missing"]
    required = {r["dimension"] for r in rep["coverage"] if r["required"]}
    assert required == {"theory", "politics"}
    with pytest.raises(ValueError, match="not an aspect"):
        report([MATERIALS], expect=["廉洁"])


def test_unreadable_files_are_skipped_or_raised(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text((MATERIALS / "02_bureau.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02binary\xff\xfe")
    rep = report([tmp_path], errors="skip")
    assert [Path(r["file"]).name for r in rep["documents"]] == ["a.txt"]
    assert len(rep.skipped) == 1 and "b.txt" in rep.skipped[0]
    from dimtag import DocumentError

    with pytest.raises(DocumentError):
        report([tmp_path])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generated_copies_are_all_found_and_formulas_never_pair(seed):
    folder = generate(40, 8, seed=seed, long_every=8)
    assert len(folder.plants) == 8 and all(p.end_a - p.start_a >= 60 for p in folder.plants)
    assert any(len(t) > 5000 for t in folder.texts)
    result = find_copies(folder.texts)
    planted = {}
    for p in folder.plants:
        key = (min(p.a, p.b), max(p.a, p.b))
        planted[key] = (p.start_a, p.end_a, p.start_b, p.end_b) if p.a < p.b else (p.start_b, p.end_b, p.start_a, p.end_a)
    found_pairs = {(c.doc_a, c.doc_b) for c in result.passages}
    # Every pair made only of shared formulas (all the others) stays out.
    assert found_pairs == set(planted)
    for (a, b), (sa, ea, sb, eb) in planted.items():
        spans = [c for c in result.passages if (c.doc_a, c.doc_b) == (a, b)]
        # The passage found covers the planted one on both sides.
        assert any(c.start_a <= sa + 1 and c.end_a >= ea - 1 and c.start_b <= sb + 1 and c.end_b >= eb - 1 for c in spans)
    formula_texts = [f.text for f in result.formulas]
    assert any(FORMULAS[0] in t for t in formula_texts)


def test_a_copy_into_a_long_document_is_found_by_containment():
    folder = generate(16, 0, seed=5, long_every=0)
    passage = "我在分管的城西片区危房改造中只听汇报不下现场，三十七户的鉴定结论拖了四个月才出，两户群众的安置过渡费也没有按时发放。"
    # Eight documents end to end with the passage in the middle: some 8,500 characters.
    long_doc = "\n".join(folder.texts[:4]) + "\n" + passage + "\n" + "\n".join(folder.texts[4:8])
    texts = [long_doc, "（一）在工作作风方面。" + passage, *folder.texts[8:]]
    assert len(long_doc) > 8000
    result = find_copies(texts)
    assert [(c.doc_a, c.doc_b) for c in result.passages] == [(0, 1)]
    c = result.passages[0]
    assert texts[0][c.start_a : c.end_a] == passage and texts[1][c.start_b : c.end_b] == passage


def test_points_follow_the_segmenters_point_ids():
    body = "平时学习主要靠上级转发的材料，读原著原文少，对党的创新理论理解不深，学了之后联系本单位实际思考不够，用理论指导实践的办法不多。"
    doc = tag_document(f"一、存在的问题\n（一）在理论学习方面。\n1.学得不深。{body}\n（二）在工作作风方面。\n2.调研少。", name="p.txt")
    assert len(doc) == 3 and doc[0].point == doc[1].point != doc[2].point
    points = points_module.points_of(doc, list(Dimension))
    assert [(p.dimension, p.items) for p in points] == [(Dimension.THEORY, (0, 1)), (Dimension.WORK_STYLE, (2,))]
    assert points[0].text.startswith("1.学得不深。")
    unpointed = doc[:]
    unpointed.items = [replace(s, point=None) for s in doc]  # items outside any point: each is a point of its own
    assert len(points_module.points_of(unpointed, list(Dimension))) == 3


def test_xlsx_has_the_sheets_and_chinese_headers(example, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "r.xlsx"
    example.write(path)
    book = openpyxl.load_workbook(path, read_only=False)
    assert book.sheetnames == [
        "文档概览", "维度覆盖", "问题标记", "具体程度", "雷同段落", "多份雷同", "共用套话", "全部句子", "维度设置", "未读取文件",
    ]
    docs = book["文档概览"]
    header = [c.value for c in docs[1]]
    assert header[:4] == ["文件", "标题", "字数", "问题数"] and "廉洁自律问题" in header and "理论学习措施" in header
    assert docs.freeze_panes == "A2" and docs.auto_filter.ref.startswith("A1:")
    assert docs.max_row == 9
    assert [c.value for c in book["问题标记"][1]][:2] == ["文件", "类型"]
    assert [c.value for c in book["雷同段落"][1]][:4] == ["文件甲", "甲起", "甲止", "文件乙"]
    sentences = book["全部句子"]
    assert sentences.max_row - 1 == len(example["sentences"])


def test_xlsx_keeps_text_that_looks_like_a_formula(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    doc = tag_document("一、存在的问题\n=1+2学习不够深入。", name="f.txt")
    report([doc]).write(tmp_path / "f.xlsx")
    cells = [c.value for row in openpyxl.load_workbook(tmp_path / "f.xlsx")["全部句子"].iter_rows(min_row=2) for c in row]
    assert "=1+2学习不够深入。" in cells


def test_tag_csv_with_excel_starts_with_a_bom(tmp_path):
    source = MATERIALS / "02_bureau.txt"
    with_bom, without = tmp_path / "a.csv", tmp_path / "b.csv"
    assert main(["tag", str(source), "--format", "csv", "--excel", "-o", str(with_bom)]) == 0
    assert main(["tag", str(source), "--format", "csv", "-o", str(without)]) == 0
    assert with_bom.read_bytes().startswith(b"\xef\xbb\xbffile,index,")
    assert without.read_bytes().startswith(b"file,index,")
    with open(with_bom, encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.DictReader(fh))) > 10
    assert main(["tag", str(source), "--excel"]) == 1  # a BOM is for CSV only


def test_report_csv_tables(example, tmp_path):
    written = example.write(tmp_path / "out" / "review.csv", bom=True)
    assert {p.name for p in written} >= {"review-documents.csv", "review-flags.csv", "review-copying.csv"}
    flags = tmp_path / "out" / "review-flags.csv"
    assert flags.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(flags, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {"05_hospital.txt"} == {Path(r["file"]).name for r in rows if r["kind"] == "missing"}


def test_html_is_self_contained_and_holds_the_findings(example, tmp_path):
    path = tmp_path / "r.html"
    example.write(path)
    page = path.read_text(encoding="utf-8")
    assert not re.search(r"https?:|//[a-z]|\bsrc=|<link|@import|url\(", page, re.IGNORECASE)
    assert page.count("<svg") >= 3
    heat = page[page.index("<svg") : page.index("</svg>")]
    for dim in Dimension:
        assert f">{dim.zh}</text>" in heat  # chart labels are text, in Chinese
    assert ">缺</text>" in heat
    assert "<mark>" + COPIED in page
    assert "缺少维度" in page and "问题笼统" in page and "段落雷同" in page
    assert page.count("以上发言，请批评指正</td>") == 1
    for name in ("01_county.txt", "08_member.txt"):
        assert name in page


def test_cli_report_writes_each_format(tmp_path, capsys):
    assert main(["report", str(MATERIALS), "-o", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.html").stat().st_size > 10_000
    assert main(["report", str(MATERIALS / "06_company.txt"), "-o", str(tmp_path / "tables") + "/"]) == 0
    assert (tmp_path / "tables" / "documents.csv").exists()
    assert main(["report", str(MATERIALS), "-o", str(tmp_path / "r.pdf")]) == 1
    assert ".xlsx, .html or .csv" in capsys.readouterr().err
    assert main(["report", str(MATERIALS), "-o", str(tmp_path / "r.html"), "--expect", "nonsense"]) == 1
    assert "'nonsense' is not an aspect of this model" in capsys.readouterr().err


def test_frames_with_pandas(example):
    pytest.importorskip("pandas")
    frames = example.frames()
    assert list(frames["flags"].columns[:2]) == ["file", "kind"]
    assert len(frames["documents"]) == 8


def test_import_dimtag_leaves_the_report_out():
    code = "import sys, dimtag; print(any(m.startswith(('dimtag.reporting', 'openpyxl')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "False"


@pytest.mark.slow
def test_report_notebook_runs_top_to_bottom():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(REPO / "notebooks" / "report.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(REPO / "notebooks")}}).execute()
    outputs = "".join(str(o) for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs)
    assert "05_hospital.txt" in outputs and "<svg" in outputs and "147 characters" in outputs


def test_the_report_extra_brings_what_frames_needs():
    import tomllib

    extras = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert {re.split(r"[<>=\[]", r)[0] for r in extras["report"]} >= {"openpyxl", "pandas"}


def test_people_see_chinese_values_in_chinese_columns(example, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    example.write(tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True)
    english = {"True", "False", "problem", "cause", "measure", "positive", "other", "model", "heading", "section", "point",
               "missing", "thin", "vague", "copied", "no_measure", "first", "others", *(d.value for d in Dimension)}
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = next(rows)
        assert all(re.search(r"[\u4e00-\u9fff]", h) for h in header), (sheet.title, header)
        for row in rows:
            assert not [v for v in row if isinstance(v, bool) or v in english], (sheet.title, row)
    page = tmp_path / "r.html"
    example.write(page)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page.read_text(encoding="utf-8"))
    assert cells and not set(cells) & english

"""Issue 11: documents tagged with the evidence of their structure; .docx read as a document.

Every document here was written for this test.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from dimtag import RECORD_FIELDS, Dimension, tag_document, tag_file
from dimtag.cli import main

THEORY_SECTION = (
    "一、存在的问题\n"
    "（一）理论学习方面\n"
    "一是读原著原文的时间少，对新思想的理解满足于知道个大概。\n"
    "二是逢年过节对下属送来的土特产、购物卡没有拒收，参加过老板安排的宴请。\n"
    "三是把学到的理论用来指导工作还不够自觉。\n"
)


def test_a_heading_is_evidence_and_a_sure_stray_sentence_keeps_its_own_dimension(tagger):
    doc = tag_document(THEORY_SECTION, tagger=tagger)
    first, stray, third = doc
    assert first.dimension == third.dimension == Dimension.THEORY
    assert first.by == third.by == "heading"
    # The model is sure, and the labeling guide agrees: gifts and banquets are integrity.
    assert stray.model_dimension == Dimension.INTEGRITY
    assert stray.dimension == Dimension.INTEGRITY and stray.by == "model"


def test_score_is_the_final_dimensions_probability_under_the_combined_evidence(tagger):
    doc = tag_document(THEORY_SECTION, tagger=tagger, min_score=0)
    alone = tagger.scores([s.text for s in doc])
    for s, own in zip(doc, alone):
        assert s.model_score == pytest.approx(max(own.values()), abs=1e-6)
        if s.by == "heading":
            # The heading's evidence raises its dimension above the model's own reading.
            assert s.score >= own[s.dimension] - 1e-9
    # Filtering by score means one thing for every item, heading-decided or not.
    assert all(s.dimension is None for s in tag_document(THEORY_SECTION, tagger=tagger, min_score=1.01))


def test_closing_lines_after_the_last_section_abstain(tagger):
    doc = tag_document(
        "（六）廉洁自律方面\n一是对配偶子女的要求不够严格，过问少。\n以上发言，请同志们批评指正。\n2024年1月10日",
        tagger=tagger,
    )
    assert doc[0].dimension == Dimension.INTEGRITY
    for s in doc[1:]:
        assert s.dimension is None and s.heading is None and s.by == "section"


@pytest.mark.parametrize(
    "sentence",
    [
        "我单位现有干部职工56人，其中党员32名。",
        "所谓“四风”，是指形式主义、官僚主义、享乐主义和奢靡之风。",
        "对照上述要求，本人还存在以下问题：",
    ],
)
def test_facts_definitions_and_lead_ins_abstain_under_a_heading(sentence, tagger):
    doc = tag_document(f"（五）工作作风方面\n{sentence}\n一是下基层调研的次数少，和群众交流不深。", tagger=tagger)
    assert doc[0].dimension is None and doc[0].point is None
    assert doc[1].dimension == Dimension.WORK_STYLE


def test_records_carry_the_point_and_the_chain_so_problems_can_be_counted(tagger):
    text = (
        "（四）担当作为方面\n"
        "1.面对矛盾不敢碰硬。遇到群众反映强烈的难题，习惯于绕着走，推给下级去处理，自己很少出面协调，"
        "怕得罪人、怕担责任的思想比较重。有的事情拖了半年还没有结果。\n"
        "2.干事创业的劲头不足。满足于守摊子，缺少开拓进取的精气神。\n"
    )
    records = tag_document(text, tagger=tagger).to_records()
    assert all(list(r) == list(RECORD_FIELDS) for r in records)
    assert len(records) > 2
    assert {r["headings"] for r in records} == {"（四）担当作为方面"}
    per_point: dict[int, Counter[str]] = {}
    for r in records:
        per_point.setdefault(r["point"], Counter())[r["dimension"]] += 1
    problems = Counter(c.most_common(1)[0][0] for c in per_point.values())
    assert problems == {"responsibility": 2}, "two problems, each counted once by its point"


def test_dropped_debris_is_reported_with_raw_offsets(tagger):
    raw = "发布时间：2024-01-12 来源：某某网 作者：佚名\n一是学（xué）习不够深入。\n登录后可阅读全文"
    doc = tag_document(raw, tagger=tagger)
    assert [s.text for s in doc] == ["一是学习不够深入。"]
    assert [d.reason for d in doc.dropped] == ["page metadata", "pinyin annotation", "login wall"]
    a, b = doc.raw_span(doc[0].start, doc[0].end)
    assert raw[a:b] == "一是学（xué）习不够深入。"


def test_cli_verbose_shows_what_was_dropped(tmp_path, capsys):
    path = tmp_path / "page.txt"
    path.write_text("上一篇：某镇对照检查材料\n一是调研少。\n", encoding="utf-8")
    assert main(["tag", "--verbose", "--format", "jsonl", str(path)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["text"] == "一是调研少。"
    assert f"{path}: dropped 0-12 (page navigation): '上一篇：某镇对照检查材料'" in err


# -- .docx ---------------------------------------------------------------------------------


def _numbered(paragraph, level: int = 0) -> None:
    """Give a python-docx paragraph automatic numbering (numPr), as Word does."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    num_pr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), str(level))
    num_id = OxmlElement("w:numId")
    num_id.set(qn("w:val"), "1")
    num_pr.append(ilvl)
    num_pr.append(num_id)
    paragraph._p.get_or_add_pPr().append(num_pr)


def test_docx_heading_styles_numbering_and_tables(tmp_path, tagger):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("个人对照检查材料", style="Title")
    document.add_paragraph("现将有关情况报告如下：")
    document.add_heading("存在的问题", level=1)
    document.add_heading("政治素质方面", level=2)
    _numbered(document.add_paragraph("对意识形态领域的苗头性问题警惕不够。"))
    document.add_paragraph("有时把政治要求当成一般工作来布置，研判少。")
    document.add_heading("整改清单", level=1)
    table = document.add_table(rows=3, cols=3)
    for r, cells in enumerate(
        [("问题", "整改措施", "完成时限"), ("读原著少，学习不系统", "每周集中学习一次原著", "2024年6月"),
         ("下基层调研少", "每月到联系点调研两次", "长期坚持")]
    ):
        for c, value in enumerate(cells):
            table.cell(r, c).text = value
    document.add_paragraph("以上发言，请批评指正。")
    path = tmp_path / "材料.docx"
    document.save(path)

    doc = tag_file(path, tagger=tagger)
    assert [(h.kind, h.text) for h in doc.headings] == [
        ("title", "个人对照检查材料"), ("part", "存在的问题"), ("section", "政治素质方面"),
        ("part", "整改清单"), ("section", "问题；整改措施；完成时限"),
    ]
    texts = [s.text for s in doc]
    # The header names the columns' roles: the table is read by column, one item a cell, the deadline with its measure.
    assert "读原著少，学习不系统" in texts and "每周集中学习一次原著；2024年6月" in texts
    assert not any(t in ("问题", "完成时限") for t in texts)  # header cells are not items
    numbered = doc[texts.index("对意识形态领域的苗头性问题警惕不够。")]
    follow = doc[texts.index("有时把政治要求当成一般工作来布置，研判少。")]
    assert numbered.section == "problem" and numbered.heading == "政治素质方面"
    assert numbered.dimension == follow.dimension == Dimension.POLITICS
    assert numbered.point == follow.point
    cells = doc[texts.index("读原著少，学习不系统"):texts.index("以上发言，请批评指正。")]
    assert [s.section for s in cells] == ["problem", "measure", "problem", "measure"]
    assert len({s.point for s in cells}) == 4
    assert doc[-1].dimension is None  # the closing formula


def test_a_problem_list_table_is_read_by_column(tmp_path, tagger):
    """Issue 18: a 问题清单 .docx gives problem and measure items by column, each problem linked to its row's measure."""
    docx = pytest.importorskip("docx")
    from dimtag.document import read_structure

    document = docx.Document()
    document.add_paragraph("党支部班子检视问题整改清单", style="Title")
    rows = [
        ("序号", "方面", "问题表现", "原因分析", "整改措施", "责任人", "完成时限"),
        ("1", "理论学习", "集中学习多是读文件，研讨发言照本宣科。", "对学习的重要性认识不足。", "每次集中学习确定一个研讨题目，轮流领学。", "支部书记", "2025年3月"),
        ("2", "廉洁自律", "对党员干部八小时以外的监督存在盲区。", "", "建立家访谈心制度，每半年走访一次。", "纪检委员", "长期坚持"),
    ]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            table.cell(r, c).text = value
    path = tmp_path / "清单.docx"
    document.save(path)

    structure = read_structure(path.read_bytes())
    items = [(s.section, s.text, s.row) for s in structure.items]
    assert items == [
        ("problem", "1；集中学习多是读文件，研讨发言照本宣科。", 0),
        ("cause", "对学习的重要性认识不足。", 0),
        ("measure", "每次集中学习确定一个研讨题目，轮流领学。；支部书记；2025年3月", 0),
        ("problem", "2；对党员干部八小时以外的监督存在盲区。", 1),
        ("measure", "建立家访谈心制度，每半年走访一次。；纪检委员；长期坚持", 1),
    ]
    # The 方面 column heads its row, under the header row.
    assert [s.headings[-2:] for s in structure.items] == [(structure.headings[1].text, "理论学习")] * 3 + [
        (structure.headings[1].text, "廉洁自律")
    ] * 2
    assert len({s.point for s in structure.items}) == 5  # each cell a point: problems and measures counted apart

    doc = tag_file(path, tagger=tagger)
    assert [s.section for s in doc] == ["problem", "cause", "measure", "problem", "measure"]
    assert doc[0].dimension == Dimension.THEORY and doc[4].dimension == Dimension.INTEGRITY


_TEXT_TABLE = (
    "党支部检视问题整改清单\n"
    "经支部委员会研究，列出问题如下：\n"
    "序号｜问题表现｜原因分析｜整改措施｜责任人｜完成时限\n"
    "1｜集中学习多是读文件，研讨发言照本宣科｜对学习的重要性认识不足｜每次集中学习确定一个研讨题目，轮流领学｜支部书记｜2025年3月\n"
    "2\t对党员干部八小时以外的监督存在盲区，\t\t建立家访谈心制度，每半年走访一次\t纪检委员\t长期坚持\n"
    "备注：整改完成一项销号一项。\n"
)


def test_a_problem_list_pasted_as_text_is_read_by_column_as_a_docx_table_is():
    """Issue 18: a 问题清单 pasted as text, cells between bars or tabs, gives problem, cause and measure items by column."""
    from dimtag.document import read_structure

    structure = read_structure(_TEXT_TABLE)
    # The header names the columns: a heading, not an item.
    assert [h.text for h in structure.headings][-1] == "序号｜问题表现｜原因分析｜整改措施｜责任人｜完成时限"
    items = [(s.section, s.text, s.row) for s in structure.items]
    assert items == [
        ("other", "经支部委员会研究，列出问题如下：", None),
        ("problem", "1｜集中学习多是读文件，研讨发言照本宣科", 0),
        ("cause", "对学习的重要性认识不足", 0),
        ("measure", "每次集中学习确定一个研讨题目，轮流领学｜支部书记｜2025年3月", 0),
        # Tabs are cell bars too, and a row ending in a comma is not joined to the next line.
        ("problem", "2｜对党员干部八小时以外的监督存在盲区，", 1),
        ("measure", "建立家访谈心制度，每半年走访一次｜纪检委员｜长期坚持", 1),
        # The first line that is no row ends the table.
        ("other", "备注：整改完成一项销号一项。", None),
    ]
    assert len({s.point for s in structure.items[1:6]}) == 5  # each cell a point: problems and measures counted apart
    assert all(s.headings[-1] == structure.headings[-1].text for s in structure.items[1:6])
    assert structure.items[-1].headings == ()


def test_a_line_with_bars_is_no_table_without_a_header_that_names_a_role():
    from dimtag.document import read_structure

    text = "姓名｜职务｜单位\n张三｜支部书记｜办公室\n学习不够深入，满足于读文件。\n"
    structure = read_structure(text)
    assert [s.text for s in structure.items][-1] == "学习不够深入，满足于读文件。"
    assert all(s.row is None for s in structure.items)
    assert not [s.text for s in structure.segments if s.style == "table"]  # no table heading, no cells read by column


_TRADITIONAL = """個人對照檢查材料
一、存在的問題
（一）理論學習方面
學習黨的創新理論不夠系統深入，滿足於讀文件、記筆記，
聯繫實際思考不多。
（四）擔當作為方面
面對急難險重任務，有時存在畏難情緒，不敢動真碰硬。
二、原因分析
宗旨意識有所淡化，對群眾的難處體會不深。
三、整改措施
堅持每週集中學習一次原著，撰寫學習筆記。
以上發言，請批評指正。"""


def test_a_traditional_glyph_document_has_its_headings_and_parts_read(tagger):
    """Issue 18: headings such as （四）擔當作為方面 and parts such as 存在的問題 are read; items stay as written."""
    pytest.importorskip("opencc")
    doc = tag_document(_TRADITIONAL, tagger=tagger)
    assert [(h.kind, h.text) for h in doc.headings] == [
        ("title", "個人對照檢查材料"), ("part", "一、存在的問題"), ("section", "（一）理論學習方面"),
        ("section", "（四）擔當作為方面"), ("part", "二、原因分析"), ("part", "三、整改措施"),
    ]
    first, second = doc[0], doc[1]
    assert first.text == "學習黨的創新理論不夠系統深入，滿足於讀文件、記筆記，聯繫實際思考不多。"  # the broken line joined
    assert (first.section, first.dimension, first.by) == ("problem", Dimension.THEORY, "heading")
    assert (second.section, second.dimension, second.heading) == ("problem", Dimension.RESPONSIBILITY, "（四）擔當作為方面")
    assert [s.section for s in doc][2:] == ["cause", "measure", "other"]
    assert doc[-1].dimension is None  # 請批評指正 is the closing formula
    assert all(doc.text[s.start : s.end] == s.text for s in doc)


def test_without_opencc_a_traditional_document_is_read_as_written_with_a_warning(tagger, monkeypatch, caplog):
    from dimtag import glyphs

    monkeypatch.setattr(glyphs, "_converter", lambda: None)
    with caplog.at_level("WARNING", logger="dimtag.glyphs"):
        doc = tag_document(_TRADITIONAL, tagger=tagger)
    assert 'pip install "dimtag[traditional]"' in caplog.text
    assert doc[0].text.startswith("學習黨的創新理論")  # nothing lost, nothing converted

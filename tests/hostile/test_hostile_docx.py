"""Issue 19, hostile .docx files: huge spans, bad attribute values, huge and nested tables, entities.

Each file is a real .docx from python-docx whose word/document.xml body is
replaced by the XML under test. Time and memory of the large cases are
measured in benchmarks/dos.py; here a hang guard stops code that would take
far longer than reading should.
"""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from dimtag import DocumentError, tag_document
from dimtag.reading import MAX_DOCX_GRID_SPAN, MAX_DOCX_TABLE_ROWS, load_source

from .test_hostile_dos import _hang_guard

docx = pytest.importorskip("docx")


@pytest.fixture(scope="module")
def template() -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def with_body(template: bytes, body: str, doctype: str = "") -> bytes:
    """The template .docx with ``body`` as the content of <w:body> (its section properties kept)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                head, rest = data.split(b"<w:body>", 1)
                if doctype:
                    head = head.replace(b"?>", b"?>" + doctype.encode(), 1)
                data = head + b"<w:body>" + body.encode() + rest[rest.index(b"<w:sectPr") :]
            target.writestr(info, data)
    return out.getvalue()


def p(text: str, ppr: str = "") -> str:
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}<w:r><w:t>{text}</w:t></w:r></w:p>"


def tc(content: str, tcpr: str = "") -> str:
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{content}</w:tc>"


def table(rows: list[list[str]]) -> str:
    return "<w:tbl>" + "".join("<w:tr>" + "".join(cells) + "</w:tr>" for cells in rows) + "</w:tbl>"


def test_a_grid_span_of_two_billion_is_capped(template):
    # 2.0.0: python-docx expanded the span into a list of 2,147,483,647 cells: over 3.5 GB and 60 s.
    huge = '<w:gridSpan w:val="2147483647"/>'
    body = p("一、存在的问题") + table([
        [tc(p("问题")), tc(p("整改措施"))],
        [tc(p("理论学习不够深入，读原著少。")), tc(p("每周读一篇原著。"), huge)],
    ])
    with _hang_guard(10.0):
        doc = tag_document(with_body(template, body))
    assert [s.text for s in doc] == ["理论学习不够深入，读原著少。", "每周读一篇原著。"]
    assert [s.section for s in doc] == ["problem", "measure"]
    assert MAX_DOCX_GRID_SPAN == 63  # Word's own column limit


@pytest.mark.parametrize("value", ["abc", "-1", "", "9999999999999999999999", "٣"])
def test_a_list_level_that_is_not_a_number_reads_as_the_top_level(template, value, tmp_path):
    numbered = f'<w:numPr><w:ilvl w:val="{value}"/><w:numId w:val="1"/></w:numPr>'
    body = p("一、存在的问题") + p("调查研究不够深入，听汇报多。", numbered) + p("落实八项规定不够严格。", numbered)
    data = with_body(template, body)
    doc = tag_document(data)
    assert [s.text for s in doc] == ["调查研究不够深入，听汇报多。", "落实八项规定不够严格。"]
    assert doc[0].point != doc[1].point  # two numbered points at one level
    path = tmp_path / "ilvl.docx"
    path.write_bytes(data)
    import dimtag

    result = dimtag.report([str(path)])  # 2.0.0: a traceback from int("abc")
    assert [d["file"] for d in result["documents"]] == [str(path)]


def _row_table(rows: int, seed: int = 0) -> str:
    # Random cell texts: the XML does not compress past the zip-bomb ratio, so the row limit is what refuses it.
    rng = random.Random(seed)
    cells = "".join(f"<w:tr><w:tc><w:p><w:r><w:t>{rng.getrandbits(40):x}</w:t></w:r></w:p></w:tc></w:tr>" for _ in range(rows))
    return f"<w:tbl>{cells}</w:tbl>"


def test_a_table_of_100000_rows_is_refused_clearly_and_fast(template):
    # 2.0.0: 36 s and 380 MB.
    data = with_body(template, _row_table(100_000))
    with _hang_guard(10.0), pytest.raises(DocumentError, match=r"100,000 rows \(the limit is 20,000"):
        load_source(data)


def test_rows_count_over_all_tables_of_a_document(template):
    half = MAX_DOCX_TABLE_ROWS // 2 + 1
    data = with_body(template, _row_table(half, 1) + p("中间的段落。") + _row_table(half, 2))
    with _hang_guard(10.0), pytest.raises(DocumentError, match="rows"):
        load_source(data)


def test_nested_tables_are_read_into_their_cell(template):
    inner = table([[tc(p("对下属监督不够严格")), tc(p("收受过土特产"))]])
    body = p("一、存在的问题") + table([
        [tc(p("组织生活") + inner), tc(p("宗旨意识淡薄，服务群众不主动。"))],
    ])
    doc = tag_document(with_body(template, body))
    text = "\n".join(s.text for s in doc)
    for piece in ("组织生活", "对下属监督不够严格", "收受过土特产", "宗旨意识淡薄"):
        assert piece in text  # 2.0.0 dropped the inner table's text silently


def test_deeply_nested_tables_are_read_without_recursion(template):
    depth = 2_000
    body = "".join(f"<w:tbl><w:tr><w:tc>{p(f'第{i}层')}" for i in range(depth)) + "</w:tc></w:tr></w:tbl>" * depth
    try:
        doc = load_source(with_body(template, body))
    except DocumentError as exc:  # lxml refuses a tree this deep: a clear error, never a crash
        assert "not a valid .docx" in str(exc)
    else:
        assert "第0层" in doc.text and f"第{depth - 1}层" in doc.text


def test_an_unresolved_entity_is_an_error_not_a_silent_cut(template):
    # 2.0.0: the text after &x; vanished from its run without a word.
    body = p("理论学习不够&x;深入，读原著少。")
    data = with_body(template, body, doctype='<!DOCTYPE w:document [<!ENTITY x "系统">]>')
    with pytest.raises(DocumentError, match=r"unresolved XML entity \(&x;\)"):
        tag_document(data)


def test_an_undeclared_entity_is_not_a_valid_docx(template):
    with pytest.raises(DocumentError, match="not a valid .docx"):
        tag_document(with_body(template, p("学习不够&nope;深入。")))


def test_vertically_merged_cells_are_read_once(template):
    restart, cont = '<w:vMerge w:val="restart"/>', "<w:vMerge/>"
    body = table([
        [tc(p("问题")), tc(p("整改措施"))],
        [tc(p("理论学习不系统。")), tc(p("制定学习计划，每月检查。"), restart)],
        [tc(p("学用结合不紧密。")), tc(p(""), cont)],
    ])
    doc = tag_document(with_body(template, body))
    assert [s.text for s in doc] == ["理论学习不系统。", "制定学习计划，每月检查。", "学用结合不紧密。"]
    assert [s.section for s in doc] == ["problem", "measure", "problem"]

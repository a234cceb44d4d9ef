"""tag_document: headings, heading-aware tags, offsets, inputs and encodings."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dimtag import Dimension, DocumentError, clean, tag_document, tag_file

SIX = ["理论学习", "政治素质", "能力本领", "担当作为", "工作作风", "廉洁自律"]
IDS = ["theory", "politics", "ability", "responsibility", "work_style", "integrity"]
# Read off the seed documents by hand: the section headings that name one dimension. 001's
# "（一）提高政治站位，加强理论学习。" names two (politics and theory), so it gives no heading evidence.
NAMED_HEADINGS = {
    "000": {},
    "001": {
        **{f"（{n}）在{zh}方面。": d for n, zh, d in zip("一二三四五六", SIX, IDS)},
        "（一）理论学习不够深入。": "theory",
        "（四）作风建设有待巩固。": "work_style",
        "（三）主动担当作为，狠抓工作落实。": "responsibility",
    },
    "002": {f"（{n}）在{zh}方面。": d for n, zh, d in zip("一二三四五六", SIX, IDS)},
    "003": {"（三）工作作风方面": "work_style"},
    "004": {f"（{n}）对照{zh}方面突出问题": d for n, zh, d in zip("一二三四五六", SIX, IDS)},
}


def test_seed_headings_and_heading_tags(seed_paths, tagger, items):
    label = {it.text: it.dimension for it in items}
    agree = total = 0
    for path in seed_paths:
        doc = tag_file(path, tagger=tagger)
        named = NAMED_HEADINGS[path.name[:3]]
        headings = {h.text for h in doc.headings}
        assert set(named) <= headings, path.name
        for heading, dimension in named.items():
            under = [s for s in doc if s.heading == heading]
            assert under, (path.name, heading)
            # A heading is evidence, not an override: the items the guide puts under its dimension get it, and
            # an item that keeps another dimension does so because the model reads it there.
            agreeing = [s for s in under if label.get(s.text) == dimension]
            agree += sum(s.dimension == dimension for s in agreeing)
            total += len(agreeing)
            assert all(s.model_dimension == s.dimension for s in under if s.dimension not in (None, dimension))
        # A heading that names a topic is not tagged as a sentence; one that makes a claim is (a reader counts it).
        from dimtag.lexicon import is_topic

        assert not any(s.text == h for s in doc for h in headings if is_topic(h)), "topic headings are not tagged"
    # Over every named heading of the seeds (the weight of a heading is learned, so one long sentence under a
    # heading may keep the dimension it speaks to more strongly).
    assert agree >= 0.9 * total, (agree, total)


def test_offsets_slice_the_cleaned_text(seed_paths, tagger):
    for path in seed_paths:
        doc = tag_file(path, tagger=tagger)
        assert doc.text == clean(path.read_text(encoding="utf-8"))
        assert [s.index for s in doc] == list(range(len(doc)))
        for s in doc:
            assert doc.text[s.start : s.end] == s.text


@settings(max_examples=60, deadline=None)
@given(st.text(st.sampled_from(list("学习作风廉洁一二是（）、。；\n政治担当XX")), min_size=1, max_size=200))
def test_offsets_property(text):
    doc = tag_document(text, min_score=0)
    for s in doc:
        assert doc.text[s.start : s.end] == s.text
        assert s.dimension is None or isinstance(s.dimension, Dimension)
        assert 0.0 <= s.score <= 1.0


def test_sections_are_read_from_part_headings(seed_paths, tagger):
    doc = tag_file(seed_paths[1], tagger=tagger)
    sections = [s.section for s in doc]
    assert sections[0] == "other"
    assert {"problem", "cause", "measure"} <= set(sections)
    assert sections == sorted(sections, key=["other", "problem", "cause", "measure"].index)


def test_min_score_filters_on_the_final_score_for_every_item(seed_paths, tagger):
    doc = tag_file(seed_paths[0], min_score=1.01, tagger=tagger)
    assert doc and all(s.dimension is None for s in doc), "a heading-given dimension is filtered like any other"
    text = "学习不够，调研也不深入。廉洁方面有问题，担当也不够。能力和作风都要提高。学习不够深入。"
    lenient = tag_document(text, min_score=0, tagger=tagger)  # only none-detected items abstain
    threshold = sorted(s.score for s in lenient)[len(lenient) // 2]
    strict = tag_document(text, min_score=threshold, tagger=tagger)
    for lo, hi in zip(lenient, strict):
        assert (hi.dimension is None) == (lo.dimension is None or lo.score < threshold)
    assert any(s.dimension is None for s in strict) and any(s.dimension is not None for s in strict)


def test_introductions_and_closings_abstain_by_default(tagger):
    doc = tag_document("现将个人对照检查情况报告如下：\n一是调查研究不深入。\n以上发言，请批评指正。", tagger=tagger)
    assert [s.dimension for s in doc] == [None, Dimension.WORK_STYLE, None]


TEXT = "（一）在廉洁自律方面。一是落实一岗双责不到位。\n二、原因分析\n学习不够深入。"


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: t.encode("gb18030"),
        lambda t: t.encode("gbk"),
        lambda t: t.encode("utf-16"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "utf16"],
)
def test_encodings_are_detected(tmp_path, encode, tagger):
    path = tmp_path / "doc.txt"
    path.write_bytes(encode(TEXT))
    doc = tag_file(path, tagger=tagger)
    assert [s.text for s in doc] == ["一是落实一岗双责不到位。", "学习不够深入。"]
    assert doc[0].dimension == Dimension.INTEGRITY and doc[0].by == "heading"
    assert tag_document(io.BytesIO(encode(TEXT)), tagger=tagger)[1].text == "学习不够深入。"


def test_docx_is_read(tmp_path, tagger):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in TEXT.split("\n"):
        document.add_paragraph(line)
    path = tmp_path / "材料.docx"
    document.save(path)
    doc = tag_file(path, tagger=tagger)
    assert [s.text for s in doc] == ["一是落实一岗双责不到位。", "学习不够深入。"]


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Word 97-2003"),
        ("blob.bin", bytes(range(256)) * 10, "binary"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "not a valid .docx"),
        ("latin.txt", b"\xff\xfe\xfd" * 3 + b"abc\x81", "binary|cannot decode|not valid UTF-16"),
    ],
)
def test_unreadable_documents_raise_a_clear_error(tmp_path, name, data, message, tagger):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError, match=message):
        tag_file(path, tagger=tagger)


def test_a_str_is_always_text_and_files_go_through_tag_file(tmp_path, tagger):
    path = tmp_path / "a.txt"
    path.write_text("学习不够深入。", encoding="utf-8")
    assert tag_file(str(path), tagger=tagger).name == str(path)
    assert tag_file(path, tagger=tagger)[0].text == "学习不够深入。"
    doc = tag_document(str(path), tagger=tagger)
    assert doc.name == "<text>" and doc.text == str(path), "a str that names a file is still text"
    assert tag_document("/etc/passwd", tagger=tagger).text == "/etc/passwd"
    with pytest.raises(DocumentError, match="no such file"):
        tag_file(tmp_path / "missing.txt", tagger=tagger)
    with pytest.raises(TypeError, match="tag_file"):
        tag_document(path, tagger=tagger)  # type: ignore[arg-type]


def test_a_slice_keeps_the_documents_text_and_records_carry_the_schema(tagger):
    from dimtag import RECORD_FIELDS, TaggedDocument

    doc = tag_document("一、存在的问题\n学习不够深入。调研不深入。落实一岗双责不到位。", tagger=tagger)
    part = doc[1:]
    assert isinstance(part, TaggedDocument) and part.text == doc.text and len(part) == len(doc) - 1
    assert [s.text for s in part] == [s.text for s in doc.items[1:]]
    records = doc.to_records()
    assert all(list(r) == list(RECORD_FIELDS) for r in records) and records[0]["file"] == "<text>"

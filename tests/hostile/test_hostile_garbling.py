"""Issue 14, silent garbling or truncation: wrong encodings, long streams, nothing to tag, wrong types."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dimtag import DocumentError, Tagger, read_document, tag, tag_document
from dimtag.reading import MAX_DOCUMENT_BYTES, MAX_DOCUMENT_CHARS, decode_bytes

REPO = Path(__file__).resolve().parents[2]

# Written for these tests: the same kind of content in other languages and scripts.
JAPANESE = ("私たちは毎日の仕事の中で、学習の大切さを改めて感じています。会議では多くの意見が出されましたが、"
            "実際の行動に結びつけることが課題です。")
KOREAN = ("우리는 매일 업무 속에서 학습의 중요성을 다시 느끼고 있습니다. 회의에서는 많은 의견이 나왔지만 "
          "실제 행동으로 연결하는 것이 과제입니다.")
TRADITIONAL = ("在理論學習方面，本人對黨的創新理論學習不夠系統深入，往往滿足於參加會議、閱讀文件，"
               "沒有做到學思用貫通。在工作作風方面，深入基層調查研究不夠，聽彙報多、實地察看少。")
GERMAN = "Die Sitzung war sehr nützlich. Wir müssen unsere Arbeitsweise überprüfen und größere Fortschritte erzielen."
FRENCH = "Nous avons étudié le problème à fond; la réunion a été très utile et chacun s'est engagé à réviser ses méthodes."
MATERIAL = ("一、存在的问题\n（一）在理论学习方面。一是学习不够系统深入，满足于参加会议、传达文件。"
            "二是学用结合不紧，运用理论指导实践的能力不强。\n（二）在工作作风方面。调查研究不够深入，听汇报多、下基层少。")
EVERYDAY = "周末我和家人去了郊外的公园，天气很好。孩子们在草地上放风筝，老人坐在树下聊天，中午吃了饺子和面条。"


@pytest.mark.parametrize(
    "text, codec, named",
    [
        (JAPANESE, "shift_jis", "Shift-JIS"),
        (JAPANESE, "cp932", "Shift-JIS"),
        (KOREAN, "euc_kr", "EUC-KR"),
        (TRADITIONAL, "big5", "Big5"),
        (GERMAN, "latin-1", "Latin-1"),
        (FRENCH, "cp1252", "Latin-1"),
        (MATERIAL, "utf-16-le", "UTF-16"),
        (MATERIAL, "utf-16-be", "UTF-16"),
        ("Plain notes in UTF-16, with 中文 inside.\n" * 3, "utf-16-le", "UTF-16"),
        (MATERIAL, "utf-32-le", "UTF-32"),
        (MATERIAL, "utf-32-be", "UTF-32"),
    ],
)
def test_other_encodings_are_refused_naming_the_likely_one(text, codec, named, tmp_path):
    data = text.encode(codec)
    with pytest.raises(DocumentError, match=named):
        decode_bytes(data)
    path = tmp_path / "doc.txt"
    path.write_bytes(data)
    with pytest.raises(DocumentError, match=named) as excinfo:
        read_document(path)
    assert str(path) in str(excinfo.value)
    assert "binary" not in str(excinfo.value)


def test_big5_refusal_says_what_to_do():
    with pytest.raises(DocumentError, match="simplified"):
        tag_document(TRADITIONAL.encode("big5"))


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "gb18030", "gbk", "gb2312", "utf-16", "utf-32"])
@pytest.mark.parametrize("text", [MATERIAL, EVERYDAY, "学习不够。", "XXX同志：" + "整改" * 3, "20XX年X月X日", "用好PPT和APP平台。"])
def test_chinese_in_supported_encodings_is_read_unchanged(text, codec):
    assert decode_bytes(text.encode(codec)) == text


def test_seed_documents_in_gb18030_are_read(seed_paths):
    for path in seed_paths:
        text = path.read_text(encoding="utf-8")
        assert decode_bytes(text.encode("gb18030"), path.name) == text


def test_gb18030_that_reads_as_nothing_is_refused():
    # Valid GB18030, but made of rare characters only: not this kind of document.
    rare = "".join(chr(c) for c in range(0x9F00, 0x9F40)) * 3
    with pytest.raises(DocumentError, match="GB18030"):
        decode_bytes(rare.encode("gb18030"))


def test_text_stream_longer_than_the_limit_is_refused_not_cut():
    class LongTextStream:
        name = "<long stream>"

        def read(self, size: int = -1) -> str:
            return "a" * (MAX_DOCUMENT_CHARS + 10 if size < 0 else size)

    with pytest.raises(DocumentError, match="too large"):
        tag_document(LongTextStream())


def test_stringio_over_the_limit_is_refused(monkeypatch):
    from dimtag import reading

    monkeypatch.setattr(reading, "MAX_DOCUMENT_CHARS", 1000)
    with pytest.raises(DocumentError, match="too large"):
        tag_document(io.StringIO("学习不够。" * 201))
    # at the limit it is read whole
    assert tag_document(io.StringIO("学习不够。" * 200)).text.count("学习不够。") == 200


def test_str_longer_than_the_limit_is_refused():
    assert MAX_DOCUMENT_CHARS <= MAX_DOCUMENT_BYTES
    with pytest.raises(DocumentError, match="too large"):
        tag_document("a" * (MAX_DOCUMENT_CHARS + 1))


NOTHING = ["\u200b", "\u200b\u200b\u200b", "\u00a0", "XXX", "××", "🙂🙂", "\ue000\ue001", "123 456", "\ufeff", "。，！"]


@pytest.mark.parametrize("text", NOTHING)
def test_tag_refuses_a_text_with_nothing_to_tag(text, tagger):
    with pytest.raises(ValueError, match="nothing to tag"):
        tagger.tag(text)
    assert tagger.tag(text, abstain=True) is None


def test_a_list_names_the_item_with_nothing_to_tag(tagger):
    with pytest.raises(ValueError, match="item 1: nothing to tag"):
        tagger.tag(["学习不够深入。", "\u200b"])
    assert tagger.tag(["学习不够深入。", "\u200b"], abstain=True)[1] is None


def test_documents_abstain_on_items_with_nothing_to_tag(tagger):
    doc = tag_document("一、存在的问题\n一是理论学习不够深入。\n🙂🙂\ue000\ue001。\nXXX、××。\n\u200b\u200b。", tagger=tagger)
    by_text = {s.text.replace("\u200b", ""): s.dimension for s in doc}
    assert by_text.pop("一是理论学习不够深入。") is not None
    assert by_text and all(d is None for d in by_text.values()), by_text


def test_dict_set_and_dataframe_are_refused_with_what_to_pass(tagger):
    for bad in ({"text": "学习不够"}, {"学习不够"}, frozenset({"学习不够"})):
        with pytest.raises(TypeError, match="list of str"):
            tagger.tag(bad)
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"text": ["学习不够深入。", "调研不够。"]})
    with pytest.raises(TypeError, match="DataFrame"):
        tag(frame)


def test_iter_tag_refuses_one_str(tagger):
    with pytest.raises(TypeError, match="not one str"):
        next(tagger.iter_tag("学习不够深入。"))
    with pytest.raises(TypeError):
        next(tagger.iter_tag(b"bytes"))


@pytest.mark.parametrize("bad, error", [(3, TypeError), ("\u200b", ValueError)])
def test_iter_tag_reports_the_global_index(bad, error, tagger):
    texts = ["学习不够深入。"] * 2500 + [bad]
    with pytest.raises(error, match="item 2500"):
        for _ in tagger.iter_tag(iter(texts), chunk_size=1024):
            pass


def test_iter_tag_global_index_with_abstain_none(tagger):
    labels = list(tagger.iter_tag(iter(["学习不够深入。"] * 1030 + ["\u200b"]), chunk_size=1024, abstain=True))
    assert len(labels) == 1031 and labels[-1] is None and labels[0] is not None


def test_module_tag_uses_the_same_checks():
    assert isinstance(Tagger.load(), Tagger)
    with pytest.raises(TypeError):
        tag({"a": 1})

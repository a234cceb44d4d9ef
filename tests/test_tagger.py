"""The public tagging API: Dimension, tag, scores, explain, Tagger, and bad input."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import dimtag
from dimtag import Dimension, Tagger, explain, scores, tag

THEORY = "对习近平新时代中国特色社会主义思想的学习不够系统深入。"


def test_public_api_is_declared():
    for name in ("tag", "scores", "explain", "Tagger", "Dimension", "tag_document", "clean"):
        assert name in dimtag.__all__, name
        assert hasattr(dimtag, name)


def test_dimension_enum_behaves_as_str():
    assert Dimension.THEORY == "theory"
    assert str(Dimension.WORK_STYLE) == "work_style"
    assert [d.zh for d in Dimension] == ["理论学习", "政治素质", "能力本领", "担当作为", "工作作风", "廉洁自律"]
    assert Dimension("integrity") is Dimension.INTEGRITY


def test_issue_example_is_theory():
    assert tag(THEORY) is Dimension.THEORY


@pytest.mark.parametrize(
    "text, expected",
    [
        ("政治敏锐性不强，对意识形态领域的错误言论没有及时批驳。", "politics"),
        ("专业知识储备不足，存在本领恐慌，驾驭复杂局面的能力不强。", "ability"),
        ("面对急难险重任务有畏难情绪，不敢动真碰硬。", "responsibility"),
        ("调查研究不深入，下基层听汇报多、走访群众少。", "work_style"),
        ("对中央八项规定精神执行不严，对干部违规吃喝问题监督不够。", "integrity"),
    ],
)
def test_clear_sentences_get_their_dimension(text, expected):
    assert tag(text) == expected


def test_batch_equals_singles_and_keeps_order(items):
    texts = [it.text for it in items[::7]]
    batch = tag(texts)
    assert batch == [tag(t) for t in texts]
    assert tag(list(reversed(texts))) == list(reversed(batch))


def test_batch_is_one_vectorized_pass(monkeypatch, tagger):
    calls = []
    original = tagger.model.predict_proba
    monkeypatch.setattr(tagger.model, "predict_proba", lambda texts: calls.append(len(texts)) or original(texts))
    tagger.tag(["学习不够。"] * 50)
    assert calls == [50]


def test_scores_are_probabilities():
    s = scores(THEORY)
    assert set(s) == set(Dimension)
    assert sum(s.values()) == pytest.approx(1.0)
    assert all(0.0 <= v <= 1.0 for v in s.values())
    assert max(s, key=s.get) == tag(THEORY)
    rows = scores([THEORY, "落实一岗双责不到位。"])
    assert len(rows) == 2 and all(sum(r.values()) == pytest.approx(1.0) for r in rows)


def test_explain_names_terms_that_push_the_decision():
    e = explain("对干部违规收受礼品礼金问题监督不够，廉政风险防控存在漏洞。", top=4)
    assert e.dimension is Dimension.INTEGRITY
    assert len(e.terms) == 4
    weights = [w for _, w in e.terms]
    assert weights == sorted(weights, reverse=True) and weights[0] > 0
    assert any("廉" in term for term, _ in e.terms)


def test_explain_without_known_terms_is_empty_not_an_error():
    e = explain("@@@ ###")
    assert e.terms == [] and isinstance(e.dimension, Dimension)


@pytest.mark.parametrize("bad", [None, 3, 2.5, b"bytes", bytearray(b"x")])
def test_non_text_raises_type_error(bad):
    with pytest.raises(TypeError):
        tag(bad)


def test_bad_item_in_list_is_named_with_its_index():
    with pytest.raises(TypeError, match=r"item 2 is int"):
        tag(["学习不够。", "政治站位不高。", 7])
    with pytest.raises(TypeError, match=r"item 1 is bytes"):
        scores(["学习不够。", b"x"])


@pytest.mark.parametrize("blank", ["", "   ", "\n\t　"])
def test_blank_raises_value_error(blank):
    with pytest.raises(ValueError):
        tag(blank)
    with pytest.raises(ValueError, match="item 1"):
        tag(["学习不够。", blank])


@pytest.mark.parametrize(
    "odd",
    [
        "hello world",
        "😀😀😀",
        "<p>学习<b>不够</b></p>",
        "\x00\x01\x02 控制字符",
        "對黨的理論學習不夠深入系統。",
        "XXX ×× xx **",
        "学" * 500_000,
    ],
)
def test_any_other_string_gives_a_dimension(odd):
    assert isinstance(tag(odd), Dimension)


def test_empty_list_gives_empty_list():
    assert tag([]) == [] and scores([]) == []


def test_tagger_pickles_and_keeps_answers(tagger):
    clone = pickle.loads(pickle.dumps(tagger))
    texts = ["学习不够。", "调研不深。", "落实一岗双责不到位。"]
    assert clone.tag(texts) == tagger.tag(texts)


def test_save_and_load_roundtrip(tmp_path, tagger):
    tagger.save(tmp_path)
    again = Tagger.load(tmp_path)
    texts = ["学习不够深入。", "对分管领域廉政风险排查不细。"]
    np.testing.assert_array_equal(again.predict_proba(texts)[0], tagger.predict_proba(texts)[0])
    assert again.metadata["model_sha256"] == tagger.metadata["model_sha256"]


def test_n_jobs_gives_the_serial_answers(items):
    texts = [it.text for it in items] * 2  # more than one chunk
    assert tag(texts, n_jobs=2) == tag(texts)
    assert scores(texts[:5], n_jobs=2) == scores(texts[:5])


def test_iter_tag_is_lazy_and_equals_tag(tagger, items):
    texts = [it.text for it in items[:250]]
    pulled = []

    def source():
        for t in texts:
            pulled.append(t)
            yield t

    stream = tagger.iter_tag(source(), chunk_size=100)
    first = next(stream)
    assert len(pulled) == 100, "only the first chunk was read"
    assert [first, *stream] == tagger.tag(texts)

"""The public tagging API: Dimension, tag, scores, explain, Tagger, and bad input."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import dimtag
from dimtag import Dimension, Tagger, explain, scores, tag
from dimtag.features import has_content

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
    # Page furniture such as "— 2 —" is labeled `other` but has nothing to tag: tag() refuses it (see below).
    texts = [it.text for it in items[::7] if has_content(it.text)]
    batch = tag(texts)
    assert batch == [tag(t) for t in texts]
    assert tag(list(reversed(texts))) == list(reversed(batch))


def test_batch_is_one_vectorized_pass(monkeypatch, tagger):
    calls = []
    original = tagger.model_.sparse
    monkeypatch.setattr(tagger.model_, "sparse", lambda texts: calls.append(len(texts)) or original(texts))
    tagger.tag(["学习不够。"] * 50)
    assert calls == [50]
    # With roles too (abstain reads the role), the batch is still featurized once for both heads.
    tagger.tag(["学习不够。"] * 50, abstain=True)
    assert calls == [50, 50]


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
    e = explain("♪♪♪ ☃☃☃")  # symbols no labeled sentence holds
    assert e.terms == [] and isinstance(e.dimension, Dimension)


@pytest.mark.parametrize("bad", [None, 3, 2.5, b"bytes", bytearray(b"x")])
def test_non_text_raises_type_error(bad):
    with pytest.raises(TypeError):
        tag(bad)


def test_bad_item_in_list_is_named_with_its_index():
    with pytest.raises(TypeError, match=r"item 2: expected str, got int"):
        tag(["学习不够。", "政治站位不高。", 7])
    with pytest.raises(TypeError, match=r"item 1: expected str, got bytes"):
        scores(["学习不够。", b"x"])


@pytest.mark.parametrize("blank", ["", "   ", "\n\t　", "\u200b", "\u00a0", "XXX ×× xx **", "😀😀😀", "\ue000\ue001", "123 456"])
def test_nothing_to_tag_raises_or_abstains_as_documented(blank):
    with pytest.raises(ValueError, match="nothing to tag"):
        tag(blank)
    with pytest.raises(ValueError, match="item 1"):
        tag(["学习不够。", blank])
    assert tag(blank, abstain=True) is None
    assert tag(["学习不够。", blank], abstain=True) == ["theory", None]


@pytest.mark.parametrize(
    "odd",
    [
        "hello world",
        "<p>学习<b>不够</b></p>",
        "\x00\x01\x02 控制字符",
        "對黨的理論學習不夠深入系統。",
        "学" * 100_000,
    ],
    ids=["latin", "html", "controls", "traditional", "long"],
)
def test_any_other_string_gives_a_dimension(odd):
    assert isinstance(tag(odd), Dimension)


def test_a_text_longer_than_the_limit_is_refused():
    from dimtag.tagger import MAX_TEXT_CHARS

    with pytest.raises(ValueError, match="tag_document"):
        tag("学" * (MAX_TEXT_CHARS + 1))


@pytest.mark.parametrize("bad", [{"a": "学习不够。"}, {"学习不够。"}, frozenset({"学习不够。"})])
def test_containers_that_are_not_lists_are_refused(bad):
    with pytest.raises(TypeError, match="list of str"):
        tag(bad)


def test_a_dataframe_is_refused_with_what_to_pass():
    class FakeFrame:  # what tag() sees of a pandas DataFrame: iterable over column names
        columns = ["text"]

        def __iter__(self):
            return iter(self.columns)

    with pytest.raises(TypeError, match=r"df\['text'\]"):
        tag(FakeFrame())


def test_iter_tag_refuses_a_str_and_names_the_global_index(tagger):
    with pytest.raises(TypeError, match="not one str"):
        list(tagger.iter_tag("学习不够。"))
    texts = ["学习不够。"] * 2500
    texts[2400] = 7  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="item 2400"):
        list(tagger.iter_tag(iter(texts), chunk_size=1000))


def test_estimator_api_predict_proba_over_classes(tagger):
    texts = ["学习不够深入。", "以上发言，请批评指正。"]
    proba = tagger.predict_proba(texts)
    assert proba.shape == (2, len(tagger.classes_)) and "none" in tagger.classes_
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(tagger.predict(texts)) == ["theory", "none"]
    assert list(tagger.predict(texts)) == [tagger.classes_[i] for i in proba.argmax(axis=1)]
    assert tagger.get_params() == {"features": "char13", "clf": "svc", "C": 1.0, "class_weight": "balanced"}
    with pytest.raises(ValueError, match="unknown parameter"):
        tagger.set_params(gamma=1)


def test_scores_can_include_none(tagger):
    with_none = tagger.scores("以上发言，请批评指正。", include_none=True)
    assert set(with_none) == set(Dimension) | {"none"} and max(with_none, key=with_none.get) == "none"
    assert sum(with_none.values()) == pytest.approx(1.0)
    without = tagger.scores("以上发言，请批评指正。")
    assert set(without) == set(Dimension) and sum(without.values()) == pytest.approx(1.0)


def test_abstaining_tag_agrees_with_documents(tagger):
    from dimtag import tag_document

    text = "现将对照检查情况报告如下：\n学习不够深入，读原著少。\n以上发言，请批评指正。"
    doc = tag_document(text, tagger=tagger)
    assert [s.dimension for s in doc] == tagger.tag([s.text for s in doc], abstain=True)
    assert doc[0].dimension is None and doc[1].dimension == "theory"


def test_dimtag_model_environment_variable_selects_the_model(tmp_path, tagger):
    import subprocess
    import sys

    custom = Tagger.load()
    custom.model_.intercept[custom.classes_.index("integrity")] += 50.0
    custom.save(tmp_path / "m")
    code = "import dimtag; print(dimtag.tag('学习不够深入。'))"
    env = {**__import__("os").environ, "DIMTAG_MODEL": str(tmp_path / "m")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "integrity"
    env.pop("DIMTAG_MODEL")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "theory"


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
    np.testing.assert_array_equal(again.predict_proba(texts), tagger.predict_proba(texts))
    assert again.metadata_.model_sha256 == Tagger.load().metadata_.model_sha256, "same bytes, same hash"


def test_n_jobs_gives_the_serial_answers(items):
    from dimtag.features import has_content

    texts = [it.text for it in items if has_content(it.text)][:1500] * 2  # more than one chunk
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

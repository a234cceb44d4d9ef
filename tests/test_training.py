"""Training: exact export, determinism, grouped folds, metadata, and the shipped model in sync with the data."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dimtag import ModelMetadata, Tagger
from dimtag.export import PROBA_TOLERANCE, check_export, from_pipeline
from dimtag.fitting import CLASSIFIERS, FEATURE_SETS, Config, fit_pipeline
from dimtag.learn import cv
from dimtag.learn.labels import file_sha256, read_labels
from dimtag.learn.training import DEFAULT_GRID, SMALL_GRID, check_out_dir, train

from conftest import LABELS


def test_shipped_model_was_trained_on_this_labels_csv(tagger):
    assert tagger.metadata_.data["sha256"] == file_sha256(LABELS), "labels.csv changed: run dimtag train"


def test_small_grid_config_and_metadata_agree_on_the_shipped_model(tagger):
    assert SMALL_GRID == (Config(),)
    assert Config.from_dict(tagger.metadata_.config) == Config()
    assert Config() in DEFAULT_GRID


@pytest.fixture(scope="module")
def shipped_fit(items):
    """The shipped configuration fitted on every labeled item, once."""
    texts = [it.text for it in items]
    return fit_pipeline(texts, [it.dimension for it in items], Config()), texts


@pytest.mark.slow  # fits on all 10,000 items; the grid options' exact export is checked on a subset below
def test_export_predicts_exactly_like_the_pipeline_on_every_labeled_item(shipped_fit):
    pipeline, texts = shipped_fit
    model = from_pipeline(pipeline)
    check_export(pipeline, model, texts)  # the check training runs; it raises on any difference
    np.testing.assert_array_equal(model.predict(texts), pipeline.predict(texts))
    np.testing.assert_allclose(model.predict_proba(texts), pipeline.predict_proba(texts), atol=PROBA_TOLERANCE)


@pytest.mark.slow  # fits on all 10,000 items
def test_retraining_reproduces_the_shipped_model(shipped_fit, tagger):
    pipeline, texts = shipped_fit
    from importlib import metadata as md

    agreement = float(np.mean(tagger.predict(texts) == pipeline.predict(texts)))
    same_versions = tagger.metadata_.versions.get("scikit-learn") == md.version("scikit-learn")
    assert agreement == 1.0 if same_versions else agreement >= 0.98


#: Grid options checked in the default run: the shipped configuration, and the word blocks (with and without the
#: domain dictionary) under each classifier. The slow step checks every other option.
_QUICK_OPTIONS = {("svc", "char13"), ("lr", "char13+word"), ("svc", "word-nodict")}


@pytest.mark.parametrize(("clf", "features"), [
    pytest.param(clf, features, marks=() if (clf, features) in _QUICK_OPTIONS else pytest.mark.slow)
    for clf in CLASSIFIERS for features in sorted(FEATURE_SETS)
])
def test_every_grid_option_exports_exactly(small_items, features, clf):
    texts = [it.text for it in small_items]
    pipeline = fit_pipeline(texts, [it.dimension for it in small_items], Config(features, clf, 1.0, "balanced"))
    model = from_pipeline(pipeline)
    check_export(pipeline, model, texts + ["", "XX 123", "学习 不够！"])


def test_check_export_refuses_a_model_that_differs(small_items):
    texts = [it.text for it in small_items]
    pipeline = fit_pipeline(texts, [it.dimension for it in small_items], Config())
    model = from_pipeline(pipeline)
    model.intercept[0] += 5.0
    with pytest.raises(RuntimeError, match="differ"):
        check_export(pipeline, model, texts)


def test_folds_hold_out_one_group_and_schemes_test_the_right_items(small_items):
    result = cv.oof(small_items, Config())
    groups = [it.group for it in small_items]
    for fold in cv.folds(small_items):
        held = {groups[i] for i in fold.test}
        assert len(held) == 1 and held.isdisjoint(groups[i] for i in fold.train)
    assert (result.fold_of >= 0).all(), "every item is scored once"
    np.testing.assert_allclose(result.proba.sum(axis=1), 1.0)
    seed, writer = cv.tested_by(small_items, "seed"), cv.tested_by(small_items, "writer")
    assert seed.sum() + writer.sum() == len(small_items) and not (seed & writer).any()
    s = cv.scores(result, writer)
    assert s["n_test"] == sum(1 for it in small_items if it.origin == "authored" and it.dimension != "none")
    assert 0 < s["macro_f1"] <= 1


def test_oof_only_fits_the_folds_asked_for(small_items):
    seed = cv.tested_by(small_items, "seed")
    result = cv.oof(small_items, Config(), only=seed)
    assert (result.fold_of[seed] >= 0).all() and (result.fold_of[~seed] == -1).all()


def test_training_the_shipped_configuration_is_deterministic_and_loadable(tmp_path, small_labels_csv):
    meta_a = train(small_labels_csv, tmp_path / "a", SMALL_GRID, n_jobs=1)
    meta_b = train(small_labels_csv, tmp_path / "b", SMALL_GRID, n_jobs=1)
    assert isinstance(meta_a, ModelMetadata)
    assert meta_a.model_sha256 == meta_b.model_sha256, "same data and versions give the same bytes"
    assert (tmp_path / "a" / meta_a.model_file).read_bytes() == (tmp_path / "b" / meta_b.model_file).read_bytes()
    assert meta_a.data["sha256"] == file_sha256(small_labels_csv)
    assert set(meta_a.cv) >= {"seed", "writer"} and 0 < meta_a.cv["writer"]["macro_f1"] <= 1
    assert meta_a.config == Config().to_dict()
    texts = [it.text for it in read_labels(small_labels_csv)[:50]]
    assert Tagger.load(tmp_path / "a").tag(texts) == Tagger.load(tmp_path / "b").tag(texts)


def test_train_refuses_labels_without_every_dimension(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("text,dimension,source,origin\n学习不够。,theory,x.txt,seed\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no items for"):
        train(path, tmp_path / "out", SMALL_GRID, n_jobs=1)


def test_fit_says_which_labels_have_too_few_items():
    with pytest.raises(ValueError, match="at least 5 items.*rare"):
        fit_pipeline(["学习不够。"] * 6 + ["作风不实。"], ["common"] * 6 + ["rare"], Config())
    with pytest.raises(ValueError, match="at least two labels"):
        fit_pipeline(["学习不够。"] * 6, ["only"] * 6, Config())


def test_training_never_writes_into_an_installed_package(tmp_path, monkeypatch):
    from dimtag.learn import training

    fake = tmp_path / "site-packages" / "dimtag"
    fake.mkdir(parents=True)
    monkeypatch.setattr(training, "_PACKAGE", fake)  # where the package is installed
    with pytest.raises(ValueError, match="installed dimtag package"):
        check_out_dir(fake / "model")
    assert check_out_dir(tmp_path / "elsewhere") == (tmp_path / "elsewhere").resolve()


def test_a_custom_label_set_round_trips(tmp_path):
    """A user with another framework (四个带头) trains on their own labels and gets them back."""
    rows = {
        "忠诚": ["政治忠诚不够坚定。", "对党忠诚的信念有所松动。", "维护核心的自觉性不强。", "政治立场不够鲜明。", "忠诚意识淡薄。", "对党不够忠诚老实。"],
        "政绩观": ["政绩观有偏差。", "热衷于搞面子工程。", "追求短期政绩。", "不顾实际铺摊子。", "盲目举债上项目。", "重显绩轻潜绩。"],
        "落实": ["工作落实不到位。", "抓落实不够有力。", "任务推进缓慢。", "落实打折扣。", "执行力不强。", "工作拖拉不落实。"],
        "none": ["以上发言请批评指正。", "谢谢大家。", "现将情况报告如下。", "会前征求了意见。", "下面作对照检查。", "我的发言完毕。"],
    }
    texts = [t for ts in rows.values() for t in ts]
    labels = [k for k, ts in rows.items() for _ in ts]
    tagger = Tagger(C=10.0).fit(texts, labels)
    assert tagger.fit(texts, labels) is tagger
    assert set(tagger.classes_) == set(rows) and "none" not in tagger.labels_
    tagger.save(tmp_path / "m")
    again = Tagger.load(tmp_path / "m")
    assert again.tag(texts[:18]) == labels[:18]
    assert again.tag("以上发言请批评指正。", abstain=True) is None
    assert set(again.scores("政绩观有偏差。")) == {"忠诚", "政绩观", "落实"}
    assert again.get_params()["C"] == 10.0 and "classes" in repr(again)


def test_a_two_class_model_exports_exactly():
    texts = ["学习不够深入。", "理论武装不够。", "读原著少。", "学用脱节。", "学习碎片化。", "学得不深。",
             "违规吃喝。", "收受礼品。", "八项规定执行不严。", "廉洁意识淡薄。", "家风不严。", "监督不力。"]
    labels = ["theory"] * 6 + ["integrity"] * 6
    for clf in CLASSIFIERS:
        pipeline = fit_pipeline(texts, labels, Config(clf=clf))
        check_export(pipeline, from_pipeline(pipeline), texts)


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80) | st.text(
    st.sampled_from(list("学习作风廉洁一二是（）、。，XX1.\n\x00 ")), max_size=80
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_text, max_size=6))
def test_batch_prepare_equals_per_text_prepare(texts):
    from dimtag.features import prepare, prepare_joined

    if texts:
        assert prepare_joined(texts).split("\0") == [prepare(t) for t in texts]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(st.characters(codec="utf-8"), max_size=3), min_size=1, max_size=20))
def test_packed_keys_are_the_code_points_in_order(terms):
    # The vocabulary's keys are made on arrays; the text's n-grams are keyed one code point after another
    # (FeatureBlock._char_ids): both must give every term the same number, or a term is never found.
    from dimtag.features import _pack

    array = np.array(terms, dtype="<U3")
    expected = []
    for term in array.tolist():  # numpy drops trailing NULs: the key is of the term as stored
        key = 0
        for ch in term:
            key = (key << 21) | ord(ch)
        expected.append(key)
    assert _pack(array).tolist() == expected


_PIPELINE: dict[str, object] = {}


@pytest.mark.slow  # fits a pipeline and runs scikit-learn's analyzers (jieba) on 60 examples: about 5 s
@settings(max_examples=60, deadline=None)
@given(st.lists(_text, min_size=1, max_size=6))
def test_export_equals_pipeline_on_arbitrary_text(texts):
    if not _PIPELINE:
        items = read_labels(LABELS)[::12]
        pipeline = fit_pipeline([it.text for it in items], [it.dimension for it in items], Config("char13+word", "lr", 10.0))
        _PIPELINE.update(pipeline=pipeline, model=from_pipeline(pipeline))
    pipeline, model = _PIPELINE["pipeline"], _PIPELINE["model"]
    np.testing.assert_allclose(model.predict_proba(texts), pipeline.predict_proba(texts), atol=PROBA_TOLERANCE)

"""Training: exact export, determinism, metadata, and the shipped model in sync with the data."""

from __future__ import annotations

import json
from importlib import metadata as md
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from conftest import LABELS

from dimtag.learn.labels import file_sha256, read_labels
from dimtag.linear_model import LinearTextModel, from_pipeline
from dimtag.learn.training import SMALL_GRID, Config, build_pipeline, cv_scores, grouped_oof, train


@pytest.fixture(scope="module")
def shipped_meta():
    return json.loads((resources.files("dimtag") / "model" / "metadata.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fitted(items, shipped_meta):
    config = Config(**shipped_meta["config"])
    texts = [it.text for it in items]
    return build_pipeline(config).fit(texts, [it.dimension for it in items]), texts


def test_shipped_model_was_trained_on_this_labels_csv(shipped_meta):
    assert shipped_meta["data"]["sha256"] == file_sha256(LABELS), "labels.csv changed: run python training/train.py"


def test_export_predicts_exactly_like_the_pipeline_on_every_item(fitted):
    pipeline, texts = fitted
    model = from_pipeline(pipeline)
    got = np.array(model.classes)[model.decision_function(texts).argmax(axis=1)]
    np.testing.assert_array_equal(got, pipeline.predict(texts))
    np.testing.assert_allclose(model.predict_proba(texts), pipeline.predict_proba(texts), atol=1e-9)


def test_export_survives_save_and_load(fitted, tmp_path):
    pipeline, texts = fitted
    path = tmp_path / "m.npz"
    from_pipeline(pipeline).save(path)
    again = LinearTextModel.load(path)
    np.testing.assert_array_equal(np.array(again.classes)[again.decision_function(texts).argmax(axis=1)], pipeline.predict(texts))


def test_retraining_reproduces_the_shipped_model(fitted, tagger, shipped_meta):
    pipeline, texts = fitted
    shipped = np.array(tagger.model.classes)[tagger.model.decision_function(texts).argmax(axis=1)]
    agreement = float(np.mean(shipped == pipeline.predict(texts)))
    same_versions = shipped_meta["versions"]["scikit-learn"] == md.version("scikit-learn")
    assert agreement == 1.0 if same_versions else agreement >= 0.98


def test_grouped_folds_never_test_authored_items_or_train_on_the_test_document(items, monkeypatch):
    import dimtag.learn.training as training

    seen = []
    real = training.build_pipeline

    class Spy:
        def __init__(self, config, n_samples=1700):
            self.inner = real(config, n_samples)

        def fit(self, X, y):
            seen.append(set(X))
            self.inner.fit(X, y)
            self.classes_ = self.inner.classes_
            return self

        def predict_proba(self, X):
            seen[-1] = (seen[-1], set(X))
            return self.inner.predict_proba(X)

    monkeypatch.setattr(training, "build_pipeline", Spy)
    subset = [it for i, it in enumerate(items) if it.origin == "seed" or i % 10 == 0]
    tested, proba, classes = grouped_oof(subset, SMALL_GRID[0])
    assert all(it.origin == "seed" for it in tested)
    assert len(seen) == 5, "one fold per seed document"
    source_of = {it.text: it.source for it in subset}
    for train_texts, test_texts in seen:
        assert not train_texts & test_texts
        assert len({source_of[t] for t in test_texts}) == 1
    scores = cv_scores(tested, proba, classes)
    assert 0 <= scores["macro_f1"] <= 1 and set(scores["per_class"]) == {c for c in classes if c != "none"}


def test_train_writes_a_loadable_model_deterministically(tmp_path, items):
    from dimtag import Tagger

    subset = tmp_path / "labels.csv"
    lines = LABELS.read_text(encoding="utf-8").splitlines()
    subset.write_text("\n".join(lines[:1] + lines[1::3]) + "\n", encoding="utf-8")
    meta_a = train(subset, tmp_path / "a", SMALL_GRID, n_jobs=1)
    meta_b = train(subset, tmp_path / "b", SMALL_GRID, n_jobs=1)
    assert meta_a["model_sha256"] == meta_b["model_sha256"]
    assert meta_a["data"]["sha256"] == file_sha256(subset)
    for key in ("created", "versions", "cv", "calibration", "min_score", "config", "grid"):
        assert key in meta_a
    tagger = Tagger.load(tmp_path / "a")
    texts = [it.text for it in read_labels(subset)[:50]]
    assert tagger.tag(texts) == Tagger.load(tmp_path / "b").tag(texts)


def test_train_refuses_labels_without_every_dimension(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("text,dimension,source,origin\n学习不够。,theory,authored,authored\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no items for"):
        train(path, tmp_path / "out", SMALL_GRID, n_jobs=1)


_PIPELINE_CACHE: dict = {}


def _small_pipeline():
    """A char+word pipeline fitted once, for property tests of the exporter."""
    if not _PIPELINE_CACHE:
        from dimtag.learn.labels import read_labels as _read

        items = _read(LABELS)[::4]
        pipeline = build_pipeline(Config("char13+word", 10.0, None)).fit([it.text for it in items], [it.dimension for it in items])
        _PIPELINE_CACHE["p"] = (pipeline, from_pipeline(pipeline))
    return _PIPELINE_CACHE["p"]


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80) | st.text(st.sampled_from(list("学习作风廉洁一二是（）、。，XX1.\n\x00 ")), max_size=80)


@settings(max_examples=150, deadline=None)
@given(st.lists(_text, max_size=6))
def test_batch_prepare_equals_per_text_prepare(texts):
    from dimtag.features import prepare, prepare_joined

    if texts:
        assert prepare_joined(texts).split("\0") == [prepare(t) for t in texts]


@settings(max_examples=100, deadline=None)
@given(st.lists(_text, min_size=1, max_size=6))
def test_export_equals_pipeline_on_arbitrary_text(texts):
    pipeline, model = _small_pipeline()
    np.testing.assert_allclose(model.predict_proba(texts), pipeline.predict_proba(texts), atol=1e-9)

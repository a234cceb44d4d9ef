"""Issue 19: attacks on the estimator, its labels and its model file; each gets a clear DimtagError."""

from __future__ import annotations

import json
import unicodedata

import numpy as np
import pytest

from dimtag import DimtagError, ModelError, Tagger
from dimtag.errors import LabelsError, NotFittedError, TextError
from dimtag.linear_model import LinearTextModel
from dimtag.model_file import METADATA_FILE, ModelMetadata, save_model

from .helpers import cli, tiny_rows

ROWS = tiny_rows()
TEXTS = [r["text"] for r in ROWS]
LABELS = [r["dimension"] for r in ROWS]


@pytest.fixture(scope="module")
def shipped() -> Tagger:
    return Tagger.load()


# -- labels ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("blank", ["", "   ", "\u3000", "\t", "\u200b", " \u2060\ufeff "])
def test_empty_or_blank_labels_are_refused(blank):
    labels = [*LABELS]
    labels[7] = blank
    with pytest.raises(LabelsError, match=r"label 7: blank label") as caught:
        Tagger().fit(TEXTS, labels)
    assert isinstance(caught.value, ValueError)


@pytest.mark.usefixtures("one_blas_thread")
def test_nfc_and_nfd_spellings_of_one_label_are_one_class():
    composed, decomposed = "th\u00e9orie", "the\u0301orie"
    assert composed != decomposed and unicodedata.normalize("NFC", decomposed) == composed
    labels = [(composed if i % 2 else decomposed) if label == "theory" else label for i, label in enumerate(LABELS)]
    tagger = Tagger().fit(TEXTS, labels)
    assert composed in tagger.classes_ and decomposed not in tagger.classes_ and len(tagger.classes_) == 6
    assert tagger.tag("一是理论学习还不够到位。") == composed
    assert tagger.score(TEXTS, labels) == tagger.score(TEXTS, [unicodedata.normalize("NFC", x) for x in labels])


@pytest.mark.parametrize("bad", ["a\nb", "li\rne", "x\x00y", "para\u2029graph", "line\u2028sep"])
def test_a_label_holding_a_line_break_or_control_character_is_refused(bad):
    labels = [*LABELS]
    labels[3] = bad
    with pytest.raises(LabelsError, match=r"label 3: .*control character or line break"):
        Tagger().fit(TEXTS, labels)


def test_a_model_whose_class_holds_a_newline_never_reaches_text_output(shipped, tmp_path, doc, capsys):
    m = shipped.model_
    classes = [*m.classes[:-1], m.classes[-1] + "\n伪造"]
    assert classes == sorted(classes)
    crafted = LinearTextModel(m.blocks, m.coef, m.intercept, classes, link=m.link, scale=m.scale, shift=m.shift)
    save_model(crafted, ModelMetadata(), tmp_path / "m")
    with pytest.raises(ModelError, match="control character or line break"):
        Tagger.load(tmp_path / "m")
    code, out, err = cli(capsys, "tag", "--format", "text", "--model", tmp_path / "m", doc)
    assert code == 1 and out == "" and "line break" in err and err.count("\n") == 1


@pytest.mark.parametrize("bad, kind", [(float("nan"), "float: nan"), (None, "NoneType: None"), (3, "int: 3"),
                                       (np.nan, "float: nan"), (b"theory", "bytes")])
def test_nan_none_and_number_labels_are_refused_not_turned_into_strings(bad, kind):
    labels: list = [*LABELS]
    labels[5] = bad
    with pytest.raises(LabelsError, match=rf"label 5: a label must be a str, got {kind}"):
        Tagger().fit(TEXTS, labels)
    as_objects = np.array(labels, dtype=object)
    with pytest.raises(LabelsError, match="label 5"):
        Tagger().fit(TEXTS, as_objects)


def test_labels_given_as_one_str_are_refused():
    with pytest.raises(LabelsError, match="sequence of str"):
        Tagger().fit(TEXTS[:6], "theory")


# -- the unfitted tagger ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("method, arg", [("predict", ["学习不够。"]), ("predict_proba", ["学习不够。"]), ("tag", "学习不够。"),
                                         ("scores", "学习不够。"), ("explain", "学习不够。"), ("decide", ["学习不够。"]),
                                         ("score", ["学习不够。"])])
def test_an_unfitted_tagger_raises_the_unfitted_error(method, arg):
    args = (arg, ["theory"]) if method == "score" else (arg,)
    with pytest.raises(NotFittedError, match="not fitted") as caught:
        getattr(Tagger(), method)(*args)
    # What scikit-learn's NotFittedError is, and one of dimtag's errors.
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, AttributeError)
    assert isinstance(caught.value, DimtagError)


def test_an_unfitted_tagger_refuses_numbers_as_unfitted_first():
    with pytest.raises(NotFittedError):
        Tagger().predict(np.zeros((3, 2)))


# -- saving ---------------------------------------------------------------------------------------------------

def test_save_onto_an_existing_file_is_a_clear_error_and_leaves_the_file(shipped, tmp_path):
    target = tmp_path / "model.npz"
    target.write_bytes(b"precious")
    with pytest.raises(ModelError, match="exists and is not a directory"):
        shipped.save(target)
    assert target.read_bytes() == b"precious"
    with pytest.raises(ModelError, match="cannot create the model directory"):
        shipped.save(target / "inside")


# -- weights too large for memory ---------------------------------------------------------------------------------

def _many_classes(n_classes: int, length: int, per_class: int = 5) -> tuple[list[str], list[str]]:
    """Texts of pseudo-random common characters: about 2 x length new n-grams each."""
    rng = np.random.default_rng(0)
    chars = np.array([chr(c) for c in range(0x4E00, 0x4E00 + 3000)])
    texts = ["".join(rng.choice(chars, length)) for _ in range(n_classes * per_class)]
    return texts, [f"类{i // per_class}" for i in range(len(texts))]


# 2,000 labels x 130,000 n-grams would be 2 GiB of weights; 500 x 95,000, 0.4 GiB.
@pytest.mark.parametrize("n_classes, length", [(2000, 8), (500, 20)])
def test_a_class_count_whose_weights_would_not_fit_is_refused_before_allocating(n_classes, length, monkeypatch):
    pytest.importorskip("sklearn")
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression

    def allocate(*args, **kwargs):
        raise AssertionError("the classifier was fitted: its weights were allocated")

    monkeypatch.setattr(CalibratedClassifierCV, "fit", allocate)
    monkeypatch.setattr(LogisticRegression, "fit", allocate)
    texts, labels = _many_classes(n_classes, length)
    for clf in ("svc", "lr"):
        with pytest.raises(LabelsError, match=rf"{n_classes:,} labels x [\d,]+ features would need [\d.]+ GiB") as caught:
            Tagger(clf=clf).fit(texts, labels)
        assert "limit of 256 MiB" in str(caught.value)


# -- the text -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["   ", "\u200b", "XX ××", "学" * 100_001])
def test_a_text_tag_cannot_take_is_a_dimtag_error_and_a_value_error(shipped, text):
    with pytest.raises(TextError) as caught:
        shipped.tag(text)
    assert isinstance(caught.value, DimtagError) and isinstance(caught.value, ValueError)


# -- model metadata ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "change, words",
    [
        ({"format_version": 99}, "format_version 99 is not one this dimtag reads"),
        ({"format_version": "1"}, "format_version must be int"),
        ({"config": {"features": "char99"}}, "config: unknown features 'char99'"),
        ({"config": {"clf": "svc", "C": -1}}, "config: C must be a positive"),
        ({"config": {"class_weight": "most"}}, "config: class_weight"),
    ],
)
def test_metadata_of_an_unknown_format_or_features_is_refused(saved_model, change, words):
    directory = saved_model
    meta = json.loads((directory / METADATA_FILE).read_text(encoding="utf-8"))
    assert meta["format_version"] == 1, "saved models say their format"
    (directory / METADATA_FILE).write_text(json.dumps({**meta, **change}), encoding="utf-8")
    with pytest.raises(ModelError, match=words) as caught:
        Tagger.load(directory)
    assert METADATA_FILE in str(caught.value)


def test_metadata_without_a_format_version_is_version_one(saved_model):
    directory = saved_model
    meta = json.loads((directory / METADATA_FILE).read_text(encoding="utf-8"))
    del meta["format_version"]
    (directory / METADATA_FILE).write_text(json.dumps(meta), encoding="utf-8")
    assert Tagger.load(directory).metadata_.format_version == 1

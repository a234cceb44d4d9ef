"""Export a fitted scikit-learn pipeline to a numpy-only :class:`~dimtag.linear_model.LinearTextModel`.

The export is checked: :func:`check_export` refuses a model whose
:meth:`~dimtag.linear_model.LinearTextModel.predict` differs from the
pipeline's, or whose probabilities differ beyond a tolerance.

The exported numbers (idf, coefficients, intercepts, the sigmoid's scale and
shift) are rounded to :data:`ROUND_BITS` bits below each array's largest
magnitude, so that the model file does not depend on the last bits of
floating-point arithmetic: the same data and library versions on another
machine (another CPU, another BLAS) give solver results that differ by up to
about 1e-14 of the largest value, and after rounding to steps of 2**-24 of
it a number changes only when a rounding boundary falls between the two
machines' values: about 1e-7 per number at a difference of 1e-14, so with
the shipped model's 900,000 numbers one retrain in ten or fewer gives
another file, and one in a thousand at a difference of 1e-16 (without the
rounding, every retrain on another machine did).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .features import WORD_TOKENIZERS, FeatureBlock, cached_jieba_words, prepare
from .linear_model import LinearTextModel

__all__ = ["from_pipeline", "check_export", "rounded", "PROBA_TOLERANCE", "ROUND_BITS"]

#: Bits kept below the largest magnitude of each exported array: float32's 24, a precision (6e-8 of the
#: largest value) far finer than anything the model's answers depend on, and far coarser than the
#: 1e-14 by which machines differ.
ROUND_BITS = 24
#: Largest difference allowed between the pipeline's and the export's probabilities. Rounding moves a
#: linear score by at most 2**-24 of the largest weight times the sum of a text's TF-IDF values (an
#: L2-normalized row: at most the square root of its number of terms): under 1e-6 in probability on
#: labels.csv, 2.3e-6 on the hardest case tried (500 labels of random characters). A real export error
#: (a wrong column, a missing block, a lost calibration) moves them by 1e-3 or more.
PROBA_TOLERANCE = 1e-5


def rounded(values: Any) -> np.ndarray:
    """A float64 copy of ``values`` rounded to :data:`ROUND_BITS` bits below its largest magnitude.

    The step is a power of two, so the division, the rounding and the
    product are exact: the result depends on the input's bits only.

    >>> rounded(np.array([1.0, 1 / 3, -1e-12])).tolist() == [1.0, round((1 / 3) * 2**23) / 2**23, -0.0]
    True
    """
    out = np.array(values, dtype=np.float64)
    top = float(np.abs(out).max()) if out.size else 0.0
    if top == 0.0 or not math.isfinite(top):
        return out
    step = 2.0 ** (math.frexp(top)[1] - ROUND_BITS)
    out /= step
    np.round(out, out=out)
    out *= step
    return out


_TOKENIZER_NAMES = {**{fn: name for name, fn in WORD_TOKENIZERS.items()}, cached_jieba_words: "jieba"}


def _block_from_vectorizer(vec: Any) -> FeatureBlock:
    analyzer = "char" if vec.analyzer == "char" else "word"
    if analyzer == "word" and vec.tokenizer not in _TOKENIZER_NAMES:
        raise ValueError("only dimtag's jieba tokenizers can be exported")
    if vec.preprocessor is not prepare or vec.lowercase or vec.norm != "l2" or not vec.use_idf:
        raise ValueError("vectorizer settings not supported by the exporter")
    terms = np.empty(len(vec.vocabulary_), dtype=object)
    for term, j in vec.vocabulary_.items():
        terms[j] = term
    return FeatureBlock(
        analyzer=analyzer,
        ngram_range=tuple(vec.ngram_range),
        sublinear_tf=bool(vec.sublinear_tf),
        terms=terms.astype(str),
        idf=rounded(vec.idf_),
        tokenizer=_TOKENIZER_NAMES.get(vec.tokenizer, "jieba"),
    )


def _two_sided(coef: np.ndarray, intercept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # A binary linear model keeps one row, for the second class; the first
    # class gets the negated row.
    return np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])


def from_pipeline(pipeline: Any) -> LinearTextModel:
    """Export a fitted ``Pipeline([features, classifier])``.

    ``features`` is a TfidfVectorizer or a FeatureUnion of them, built with
    ``preprocessor=prepare`` and either ``analyzer="char"`` or one of
    dimtag's jieba tokenizers. ``classifier`` is a LogisticRegression or a
    ``CalibratedClassifierCV(LinearSVC, method="sigmoid", ensemble=False)``.
    Two-class models are exported too.
    """
    features, clf = pipeline.steps[0][1], pipeline.steps[-1][1]
    vectorizers = [t for _, t in features.transformer_list] if hasattr(features, "transformer_list") else [features]
    blocks = [_block_from_vectorizer(v) for v in vectorizers]
    name = type(clf).__name__
    classes = [str(c) for c in clf.classes_]
    if name == "LogisticRegression":
        coef, intercept = clf.coef_, clf.intercept_
        if len(classes) == 2:
            # softmax([-z/2, z/2]) is expit(z), the binary model's probability.
            coef, intercept = _two_sided(coef / 2, intercept / 2)
        return LinearTextModel(blocks, rounded(coef), rounded(intercept), classes)
    if name == "CalibratedClassifierCV" and clf.method == "sigmoid" and len(clf.calibrated_classifiers_) == 1:
        calibrated = clf.calibrated_classifiers_[0]
        base = calibrated.estimator
        if [str(c) for c in base.classes_] != classes:
            raise ValueError("calibrated classes differ from the estimator's")
        a = np.array([c.a_ for c in calibrated.calibrators], dtype=np.float64)
        b = np.array([c.b_ for c in calibrated.calibrators], dtype=np.float64)
        coef, intercept, scale, shift = base.coef_, base.intercept_, -a, -b
        if len(classes) == 2:
            coef, intercept = _two_sided(coef, intercept)
            scale, shift = np.concatenate([scale, scale]), np.concatenate([-shift, shift])
        return LinearTextModel(
            blocks, rounded(coef), rounded(intercept), classes, link="sigmoid", scale=rounded(scale), shift=rounded(shift)
        )
    raise ValueError(f"cannot export classifier {name}")


def check_export(pipeline: Any, model: LinearTextModel, texts: Sequence[str]) -> None:
    """Refuse an export that predicts differently from the pipeline.

    Predictions are compared with :meth:`LinearTextModel.predict`, the one
    prediction rule; probabilities to :data:`PROBA_TOLERANCE`. Where the
    pipeline's two best classes are within that tolerance of each other the
    rounding of the export may break the tie either way, so those items may
    disagree.

    Raises
    ------
    RuntimeError
        On any difference.
    """
    texts = list(texts)
    expected = pipeline.predict_proba(texts)
    got = model.predict_proba(texts)
    worst = float(np.abs(expected - got).max()) if len(texts) else 0.0
    if worst > PROBA_TOLERANCE:
        raise RuntimeError(f"exported model probabilities differ from the pipeline's by up to {worst:.2e}")
    pipeline_pred = np.asarray([str(c) for c in pipeline.classes_], dtype=object)[expected.argmax(axis=1)]
    top_two = np.sort(expected, axis=1)[:, -2:] if expected.shape[1] > 1 else np.zeros((len(texts), 2))
    tied = top_two[:, 1] - top_two[:, 0] <= PROBA_TOLERANCE
    bad = np.flatnonzero((pipeline_pred != model.predict(texts)) & ~tied)
    if bad.size:
        raise RuntimeError(f"exported model disagrees with the pipeline on {bad.size} items, e.g. {texts[bad[0]]!r}")

"""The export's rounding: last-bit differences between machines do not reach the model file, and answers hold."""

from __future__ import annotations

import numpy as np
import pytest
from hostile.helpers import tiny_rows

pytest.importorskip("sklearn")

from dimtag.export import PROBA_TOLERANCE, ROUND_BITS, check_export, from_pipeline  # noqa: E402
from dimtag.fitting import fit_pipeline  # noqa: E402
from dimtag.params import Config  # noqa: E402

ROWS = tiny_rows()
TEXTS = [r["text"] for r in ROWS]
LABELS = [r["dimension"] for r in ROWS]


def _nudge(values: np.ndarray, rng: np.random.Generator) -> None:
    """Move every number by up to 1e-14 of the array's largest magnitude, in place: another BLAS, another CPU."""
    values += rng.uniform(-1e-14, 1e-14, values.shape) * np.abs(values).max()


@pytest.mark.usefixtures("one_blas_thread")
@pytest.mark.parametrize("clf", ["svc", "lr"])
def test_last_bit_differences_give_the_same_archive_and_the_same_answers(clf):
    pipeline = fit_pipeline(TEXTS, LABELS, Config(clf=clf))
    before = from_pipeline(pipeline)
    rng = np.random.default_rng(0)
    vectorizer, classifier = pipeline.steps[0][1], pipeline.steps[-1][1]
    idf = vectorizer.idf_.copy()
    _nudge(vectorizer.idf_, rng)
    if clf == "svc":
        calibrated = classifier.calibrated_classifiers_[0]
        _nudge(calibrated.estimator.coef_, rng)
        _nudge(calibrated.estimator.intercept_, rng)
        for calibrator in calibrated.calibrators:
            calibrator.a_ += rng.uniform(-1e-14, 1e-14) * abs(calibrator.a_)
    else:
        _nudge(classifier.coef_, rng)
        _nudge(classifier.intercept_, rng)
    after = from_pipeline(pipeline)
    assert not np.array_equal(vectorizer.idf_, idf), "the nudge changed the fitted numbers"
    same, other = before.to_arrays(), after.to_arrays()
    assert [name for name in same if not np.array_equal(same[name], other[name])] == [], "the archive's arrays are equal"
    check_export(pipeline, after, TEXTS)
    np.testing.assert_allclose(after.predict_proba(TEXTS), pipeline.predict_proba(TEXTS), rtol=0, atol=PROBA_TOLERANCE)


@pytest.mark.usefixtures("one_blas_thread")
def test_exported_numbers_sit_on_the_rounding_grid():
    model = from_pipeline(fit_pipeline(TEXTS, LABELS, Config()))
    for values in (model.coef, model.intercept, model.scale, model.shift, model.blocks[0].idf):
        step = 2.0 ** (np.frexp(np.abs(values).max())[1] - ROUND_BITS)
        assert np.array_equal(values, np.round(values / step) * step)

"""Fixtures of the hostile-input tests; every input is written here, in the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import DOC, tiny_rows, write_labels


@pytest.fixture
def tiny_labels(tmp_path: Path) -> Path:
    return write_labels(tmp_path / "labels.csv", tiny_rows())


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "doc.txt"
    path.write_text(DOC, encoding="utf-8")
    return path


@pytest.fixture
def one_blas_thread():
    """Fit the tiny models with one BLAS thread: on a shared 2-core machine, two OpenBLAS
    threads make scipy's L-BFGS-B (the sigmoid calibration) ten times slower on problems
    this small. threadpoolctl limits only libraries already loaded, hence the imports."""
    pytest.importorskip("sklearn")
    import scipy.optimize  # noqa: F401
    import sklearn.svm  # noqa: F401
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield

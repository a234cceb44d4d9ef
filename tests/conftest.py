"""Shared fixtures: repository paths, labels, a small labels subset and the shipped tagger."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "data" / "seeds"
LABELS = REPO / "data" / "labels.csv"


def pytest_configure(config: pytest.Config) -> None:
    """Compile the package's bytecode once, before the workers start.

    Many tests run the CLI as ``sys.executable -m dimtag``. Where
    PYTHONDONTWRITEBYTECODE is set (as on the sandboxes CI runs on), no run
    writes the bytecode it compiles, so every one of those processes would
    compile dimtag from source again: about 0.2 s each, 12 of the suite's 77
    seconds when it was measured. Python still reads bytecode that exists; a
    source tree it cannot write to is left as it is.
    """
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist), once
        import compileall

        compileall.compile_dir(REPO / "src" / "dimtag", quiet=2)


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    paths = sorted(SEEDS.glob("*.txt"))
    assert len(paths) == 5, "the five seed documents ship in data/seeds"
    return paths


@pytest.fixture(scope="session")
def items():
    from dimtag.learn.labels import read_labels

    return read_labels(LABELS)


def small_subset(items, every: int = 8):
    """Seed items of two documents and every ``every``-th item of three writers: fast to fit, both CV schemes."""
    seeds = sorted({it.source for it in items if it.origin == "seed"})[:2]
    writers = {"w1", "w2", "w3"}
    out = [it for it in items if it.source in seeds]
    out += [it for i, it in enumerate(items) if it.writer in writers and i % every == 0]
    return out


@pytest.fixture(scope="session")
def small_items(items):
    return small_subset(items)


@pytest.fixture(scope="session")
def small_labels_csv(tmp_path_factory, small_items):
    from dimtag.learn.labels import COLUMNS

    path = tmp_path_factory.mktemp("labels") / "labels.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows({c: getattr(it, c) for c in COLUMNS} for it in small_items)
    return path


@pytest.fixture(scope="session")
def tagger():
    from dimtag import Tagger

    return Tagger.load()


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


@pytest.fixture(scope="session")
def _saved_shipped(tmp_path_factory, tagger) -> Path:
    """The shipped model saved once through ``Tagger.save`` (deflating its archive takes about a second)."""
    directory = tmp_path_factory.mktemp("saved") / "m"
    tagger.save(directory)
    return directory


@pytest.fixture
def saved_model(_saved_shipped, tmp_path) -> Path:
    """A fresh copy of a model directory written by ``Tagger.save``, for a test to damage: ``tmp_path / "m"``."""
    import shutil

    return Path(shutil.copytree(_saved_shipped, tmp_path / "m"))

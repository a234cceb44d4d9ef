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

"""Shared fixtures: repository paths and the shipped tagger."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "data" / "seeds"
LABELS = REPO / "data" / "labels.csv"


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    paths = sorted(SEEDS.glob("*.txt"))
    assert len(paths) == 5, "the five seed documents ship in data/seeds"
    return paths


@pytest.fixture(scope="session")
def items():
    from dimtag.learn.labels import read_labels

    return read_labels(LABELS)


@pytest.fixture(scope="session")
def tagger():
    from dimtag import Tagger

    return Tagger.load()

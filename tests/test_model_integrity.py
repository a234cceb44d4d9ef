"""A corrupted, truncated or swapped model file is refused with a message naming it."""

from __future__ import annotations

import json
import shutil
from importlib import resources

import pytest

from dimtag import ModelError, Tagger


@pytest.fixture()
def model_dir(tmp_path):
    shipped = resources.files("dimtag") / "model"
    for name in ("dimtag.npz", "metadata.json"):
        shutil.copyfile(shipped / name, tmp_path / name)
    return tmp_path


def test_intact_copy_loads(model_dir):
    assert Tagger.load(model_dir).tag("学习不够深入。")


def test_corrupted_file_is_refused(model_dir):
    path = model_dir / "dimtag.npz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="dimtag.npz.*sha256"):
        Tagger.load(model_dir)


def test_truncated_file_is_refused_even_without_metadata(model_dir):
    path = model_dir / "dimtag.npz"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(ModelError, match="dimtag.npz"):
        Tagger.load(model_dir)
    (model_dir / "metadata.json").unlink()
    with pytest.raises(ModelError, match="not a readable dimtag model"):
        Tagger.load(path)


def test_swapped_file_is_refused(model_dir, tmp_path_factory):
    other = tmp_path_factory.mktemp("other")
    swapped = Tagger.load(model_dir)
    swapped.model.intercept = swapped.model.intercept + 1.0
    swapped.save(other)
    shutil.copyfile(other / "dimtag.npz", model_dir / "dimtag.npz")
    with pytest.raises(ModelError, match="does not match"):
        Tagger.load(model_dir)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(ModelError, match="nothing.npz"):
        Tagger.load(tmp_path / "nothing.npz")


def test_shipped_metadata_records_hash_and_versions():
    meta = json.loads((resources.files("dimtag") / "model" / "metadata.json").read_text(encoding="utf-8"))
    assert len(meta["model_sha256"]) == 64
    assert {"scikit-learn", "numpy", "jieba", "python"} <= set(meta["versions"])
    assert 0 < meta["cv"]["macro_f1"] <= 1 and 0 < meta["cv"]["accuracy"] <= 1

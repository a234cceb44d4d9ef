"""The model on disk: integrity checks, validation at load, and an atomic save of both files as one unit."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from dimtag import ModelError, ModelMetadata, Tagger
from dimtag.model_file import METADATA_FILE, load_model


@pytest.fixture()
def model_dir(tmp_path):
    shipped = Path(str(resources.files("dimtag") / "model"))
    target = tmp_path / "model"
    shutil.copytree(shipped, target)
    return target


def _archive(model_dir: Path) -> Path:
    return model_dir / json.loads((model_dir / METADATA_FILE).read_text(encoding="utf-8"))["model_file"]


def test_intact_copy_loads_as_directory_and_as_file(model_dir):
    assert Tagger.load(model_dir).tag("学习不够深入。") == "theory"
    assert Tagger.load(_archive(model_dir)).metadata_.model_sha256, "the metadata beside the file is used"


def test_corrupted_file_is_refused(model_dir):
    path = _archive(model_dir)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=f"{path.name}.*sha256"):
        Tagger.load(model_dir)


def test_truncated_file_is_refused_even_without_metadata(model_dir):
    path = _archive(model_dir)
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(ModelError, match=path.name):
        Tagger.load(model_dir)
    (model_dir / METADATA_FILE).unlink()
    with pytest.raises(ModelError, match="not a readable dimtag model"):
        Tagger.load(path)


def test_swapped_file_is_refused(model_dir, tmp_path):
    other = Tagger.load(model_dir)
    other.model_.intercept[0] += 1.0
    other.save(tmp_path / "other")
    shutil.copyfile(_archive(tmp_path / "other"), _archive(model_dir))
    with pytest.raises(ModelError, match="does not match"):
        Tagger.load(model_dir)


def test_missing_file_and_missing_metadata_are_named(tmp_path, model_dir):
    with pytest.raises(ModelError, match="nothing.npz"):
        Tagger.load(tmp_path / "nothing.npz")
    (model_dir / METADATA_FILE).unlink()
    with pytest.raises(ModelError, match="metadata missing"):
        Tagger.load(model_dir)


def test_save_then_load_round_trips_and_replaces_the_old_archive(model_dir):
    tagger = Tagger.load(model_dir)
    old = _archive(model_dir)
    tagger.model_.intercept[0] += 0.5
    tagger.save(model_dir)
    new = _archive(model_dir)
    assert new != old and not old.exists(), "the stale archive is removed after the switch"
    again = Tagger.load(model_dir)
    np.testing.assert_array_equal(again.model_.intercept, tagger.model_.intercept)


def test_a_failure_between_the_two_files_leaves_the_previous_model_loadable(model_dir, monkeypatch):
    import dimtag.model_file as model_file

    before = Tagger.load(model_dir).predict_proba(["学习不够深入。"])
    tagger = Tagger.load(model_dir)
    tagger.model_.intercept[:] += 3.0
    real = model_file.atomic_write
    calls = []

    def failing(path, *args, **kwargs):
        calls.append(Path(path).name)
        if Path(path).name == METADATA_FILE:
            raise OSError(28, "No space left on device")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(model_file, "atomic_write", failing)
    with pytest.raises(OSError, match="No space"):
        tagger.save(model_dir)
    assert calls[-1] == METADATA_FILE and calls[0].endswith(".npz"), "the archive is written first"
    monkeypatch.undo()
    np.testing.assert_array_equal(Tagger.load(model_dir).predict_proba(["学习不够深入。"]), before)


def test_shipped_metadata_is_typed_and_records_hash_versions_and_both_cv_schemes():
    model, meta, _, _ = load_model(Path(str(resources.files("dimtag") / "model")), require_metadata=True)
    assert isinstance(meta, ModelMetadata) and len(meta.model_sha256) == 64
    assert {"scikit-learn", "numpy", "jieba", "python"} <= set(meta.versions)
    for scheme in ("seed", "writer"):
        assert 0 < meta.cv[scheme]["macro_f1"] <= 1 and 0 < meta.cv[scheme]["accuracy"] <= 1
    assert meta.classes == list(model.classes) and 0 <= meta.min_score <= 1


@pytest.mark.parametrize("bad", ["null", "[]", '{"model_sha256": 12345}', '{"min_score": "high"}', '{"min_score": 2}', '{"model_file": "../x.npz"}'])
def test_bad_metadata_is_refused_at_load(model_dir, bad):
    (model_dir / METADATA_FILE).write_text(bad, encoding="utf-8")
    with pytest.raises(ModelError, match=METADATA_FILE):
        Tagger.load(model_dir)

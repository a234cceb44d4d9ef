"""Issue 14, the model file: crafted archives with a matching sha, bad metadata, failed saves."""

from __future__ import annotations

import errno
import json
import shutil
import zipfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from dimtag import ModelError, Tagger, model_file
from dimtag.linear_model import LinearTextModel
from dimtag.model_file import METADATA_FILE, file_sha256, load_model, save_model


@pytest.fixture(scope="module")
def shipped() -> Tagger:
    return Tagger.load()


def _write_model_dir(directory: Path, arrays: dict[str, np.ndarray], **meta_overrides) -> Path:
    """A model directory whose metadata records the archive's true sha256: only validation can refuse it."""
    directory.mkdir(parents=True, exist_ok=True)
    archive = directory / "crafted.npz"
    np.savez(archive, **arrays)
    meta = {"model_file": archive.name, "model_sha256": file_sha256(archive), "classes": [], "min_score": 0.5}
    meta.update(meta_overrides)
    (directory / METADATA_FILE).write_text(json.dumps(meta), encoding="utf-8")
    return directory


def _swap_first_two(a: np.ndarray) -> np.ndarray:
    a = a.copy()
    a[[0, 1]] = a[[1, 0]]
    return a


def _with_nan(a: np.ndarray) -> np.ndarray:
    a = a.astype(np.float64).copy()
    a.flat[0] = np.nan
    return a


def _with_inf(a: np.ndarray) -> np.ndarray:
    a = a.astype(np.float64).copy()
    a.flat[-1] = np.inf
    return a


# name -> (member, change, words the error must contain)
CRAFTED = {
    "coef one column short": ("coef", lambda a: a[:, :-1], "shape"),
    "coef transposed": ("coef", lambda a: a.T.copy(), "shape"),
    "intercept too long": ("intercept", lambda a: np.append(a, 0.0), "shape"),
    "NaN coefficient": ("coef", _with_nan, "NaN"),
    "infinite coefficient": ("coef", _with_inf, "NaN or infinite"),
    "infinite intercept": ("intercept", _with_inf, "NaN or infinite"),
    "NaN idf": ("b0_idf", _with_nan, "finite"),
    "infinite sigmoid scale": ("scale", _with_inf, "NaN or infinite"),
    "integer coefficients": ("coef", lambda a: a.astype(np.int64), "dtype"),
    "complex coefficients": ("coef", lambda a: a.astype(np.complex64), "dtype"),
    "n-gram range from 0": ("b0_ngram_range", lambda a: np.array([0, 3]), "n-gram range"),
    "n-gram range up to 50": ("b0_ngram_range", lambda a: np.array([1, 50]), "n-gram range"),
    "n-gram range reversed": ("b0_ngram_range", lambda a: np.array([3, 1]), "n-gram range"),
    "n-gram range of three numbers": ("b0_ngram_range", lambda a: np.array([1, 2, 3]), "n-gram range"),
    "swapped classes": ("classes", _swap_first_two, "sorted"),
    "repeated class": ("classes", lambda a: np.array([a[0], *a[:-1]]), "distinct"),
    "idf shorter than terms": ("b0_idf", lambda a: a[:-1], "idf"),
    "repeated term": ("b0_terms", lambda a: np.array([a[1], *a[1:]]), "repeated"),
    "no feature block": ("n_blocks", lambda a: np.array(0), "n_blocks"),
    "a thousand feature blocks": ("n_blocks", lambda a: np.array(1000), "n_blocks"),
    "unknown link": ("link", lambda a: np.array("tanh"), "link"),
    "unknown analyzer": ("b0_analyzer", lambda a: np.array("byte"), "analyzer"),
    "unknown format": ("format", lambda a: np.array("dimtag-linear/99"), "format"),
    "shift missing": ("shift", None, "shift"),
    "pickled object array": ("coef", lambda a: np.array([object()] * 3, dtype=object), "readable"),
}


@pytest.mark.parametrize("case", list(CRAFTED))
def test_crafted_archive_with_matching_sha_is_refused_at_load(case, shipped, tmp_path):
    member, change, words = CRAFTED[case]
    arrays = shipped.model_.to_arrays()
    if change is None:
        del arrays[member]
    else:
        arrays[member] = change(np.asarray(arrays[member]))
    classes = [str(c) for c in np.atleast_1d(arrays["classes"]).tolist()] if arrays["classes"].ndim == 1 else []
    directory = _write_model_dir(tmp_path / "m", arrays, classes=classes)
    with pytest.raises(ModelError, match=words) as excinfo:
        Tagger.load(directory)
    assert "crafted.npz" in str(excinfo.value)


def test_the_same_crafting_without_a_change_loads(shipped, tmp_path):
    # The harness itself makes loadable models: each refusal above is the change's doing.
    directory = _write_model_dir(tmp_path / "m", shipped.model_.to_arrays(), classes=list(shipped.classes_))
    assert Tagger.load(directory).tag("对干部违规收受礼品礼金问题监督不够。") == shipped.tag("对干部违规收受礼品礼金问题监督不够。")


def _corrupt_member(archive: Path, member: str) -> None:
    """Flip one byte of a stored member's data, so that reading it fails its CRC check."""
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo(member)
    raw = bytearray(archive.read_bytes())
    name_len = int.from_bytes(raw[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(raw[info.header_offset + 28 : info.header_offset + 30], "little")
    data_at = info.header_offset + 30 + name_len + extra_len
    raw[data_at + 200] ^= 0xFF
    archive.write_bytes(bytes(raw))


def test_members_a_model_does_not_have_are_never_read(shipped, tmp_path):
    directory = tmp_path / "m"
    directory.mkdir()
    archive = directory / "crafted.npz"
    np.savez(archive, **shipped.model_.to_arrays())
    with zipfile.ZipFile(archive, "a", zipfile.ZIP_STORED) as z:
        buffer = np.zeros(100_000, dtype=np.uint8)
        with z.open("junk.npy", "w") as fh:
            np.lib.format.write_array(fh, buffer)
    _corrupt_member(archive, "junk.npy")  # reading it would raise a CRC error
    meta = {"model_file": archive.name, "model_sha256": file_sha256(archive)}
    (directory / METADATA_FILE).write_text(json.dumps(meta), encoding="utf-8")
    assert Tagger.load(directory).classes_ == shipped.classes_


def test_member_sizes_are_checked_before_reading(shipped, tmp_path, monkeypatch):
    directory = _write_model_dir(tmp_path / "m", shipped.model_.to_arrays())
    coef_bytes = shipped.model_.coef.nbytes
    monkeypatch.setattr(model_file, "MAX_MODEL_BYTES", coef_bytes // 2)
    read = []
    real_read_array = np.lib.format.read_array
    monkeypatch.setattr(np.lib.format, "read_array", lambda *a, **k: read.append(1) or real_read_array(*a, **k))
    with pytest.raises(ModelError, match="'coef' declares"):
        load_model(directory)
    assert len(read) < len(LinearTextModel.member_names(len(shipped.model_.blocks)))


def _valid_metadata(directory: Path) -> dict:
    return json.loads((directory / METADATA_FILE).read_text(encoding="utf-8"))


BAD_METADATA = {
    "null": ("null", "JSON object"),
    "a list": ("[]", "JSON object"),
    "a number": ("12345", "JSON object"),
    "not JSON": ("{'model_file': ", "not valid JSON"),
    "sha as a number": ({"model_sha256": 12345}, "model_sha256"),
    "sha not hex": ({"model_sha256": "z" * 64}, "model_sha256"),
    "min_score as text": ({"min_score": "high"}, "min_score"),
    "min_score above 1": ({"min_score": 1.5}, "min_score"),
    "min_score negative": ({"min_score": -0.1}, "min_score"),
    "min_score NaN": ({"min_score": float("nan")}, "min_score"),
    "min_score true": ({"min_score": True}, "min_score"),
    "min_score null": ({"min_score": None}, "min_score"),
    "classes as numbers": ({"classes": [1, 2, 3]}, "classes"),
    "classes as a string": ({"classes": "theory"}, "classes"),
    "model_file outside the folder": ({"model_file": "../elsewhere.npz"}, "model_file"),
    "model_file as a list": ({"model_file": ["dimtag.npz"]}, "model_file"),
    "config as a list": ({"config": []}, "config"),
}


@pytest.mark.parametrize("case", list(BAD_METADATA))
def test_bad_metadata_is_refused_at_load(case, saved_model):
    change, words = BAD_METADATA[case]
    directory = saved_model
    meta = _valid_metadata(directory)
    text = change if isinstance(change, str) else json.dumps({**meta, **change})
    (directory / METADATA_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(ModelError, match=words) as excinfo:
        Tagger.load(directory)
    assert METADATA_FILE in str(excinfo.value)


def test_metadata_that_is_not_utf8_is_refused(saved_model):
    directory = saved_model
    (directory / METADATA_FILE).write_bytes(b'{"min_score": "\xff\xfe"}')
    with pytest.raises(ModelError, match=METADATA_FILE):
        Tagger.load(directory)


def _other_model(shipped: Tagger) -> LinearTextModel:
    m = shipped.model_
    return LinearTextModel(m.blocks, m.coef * 0.5, m.intercept + 0.1, m.classes, link=m.link, scale=m.scale, shift=m.shift)


def _fail_on(monkeypatch, name_test):
    """Make model_file's atomic writes of matching files fail as a full disk does, mid-write."""
    real = model_file.atomic_write

    class _FullDisk:
        def write(self, _data):
            raise OSError(errno.ENOSPC, "No space left on device")

    @contextmanager
    def atomic_write(path, *args, **kwargs):
        with real(path, *args, **kwargs) as fh:
            yield _FullDisk() if name_test(Path(path).name) else fh

    monkeypatch.setattr(model_file, "atomic_write", atomic_write)


@pytest.mark.parametrize("failing", ["metadata.json", "the new archive"])
def test_a_failed_save_leaves_the_previous_model_loadable(failing, shipped, tmp_path, monkeypatch):
    directory = tmp_path / "m"
    shipped.save(directory)
    before = {p.name: p.read_bytes() for p in directory.iterdir()}
    _fail_on(monkeypatch, (lambda n: n == METADATA_FILE) if failing == "metadata.json" else (lambda n: n.endswith(".npz")))
    with pytest.raises(OSError) as excinfo:
        save_model(_other_model(shipped), shipped.metadata_, directory)
    assert excinfo.value.errno == errno.ENOSPC
    # Nothing changed: same files (no orphan archive, no temporary file), same bytes.
    assert {p.name: p.read_bytes() for p in directory.iterdir()} == before
    reloaded = Tagger.load(directory)
    np.testing.assert_array_equal(reloaded.model_.coef, shipped.model_.coef)


def test_a_save_after_a_failed_one_switches_to_the_new_model(shipped, tmp_path, monkeypatch):
    directory = tmp_path / "m"
    shipped.save(directory)
    other = _other_model(shipped)
    with monkeypatch.context() as patch:
        _fail_on(patch, lambda n: n == METADATA_FILE)
        with pytest.raises(OSError):
            save_model(other, shipped.metadata_, directory)
    save_model(other, shipped.metadata_, directory)
    assert len(list(directory.glob("*.npz"))) == 1
    np.testing.assert_array_equal(Tagger.load(directory).model_.coef, other.coef)


def test_shipped_model_dir_copy_still_loads(tmp_path):
    # Guard for the checks above: the real shipped files pass every one of them.
    import dimtag

    shipped_dir = Path(dimtag.__file__).parent / "model"
    shutil.copytree(shipped_dir, tmp_path / "m")
    model, meta, _, _ = load_model(tmp_path / "m", require_metadata=True)
    assert list(model.classes) == sorted(model.classes) == meta.classes

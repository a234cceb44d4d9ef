"""The model on disk: an ``.npz`` of numpy arrays plus ``metadata.json``.

A model directory holds ``metadata.json`` and the archive it names,
``dimtag-<sha256 prefix>.npz``. Saving writes the new archive under its
own name first, then replaces ``metadata.json`` atomically: the metadata
file is the switch. A failure at any point leaves the previous model
loadable, and stale archives are removed only after the switch.

The sha256 recorded in the metadata protects against accidental
corruption (a truncated copy, a swapped file), not against someone who
can write both files: to pin a model in a deployment, compare the archive's
hash with one kept elsewhere (:func:`file_sha256`).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import zipfile
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from ._atomic import atomic_write
from .decision import Stacker
from .dimensions import NONE_LABEL
from .errors import ModelError, ParameterError
from .framework import HEADINGS_FILE, HeadingLexicon, format_heading_lexicon, parse_heading_lexicon
from .linear_model import LinearTextModel
from .params import PARAM_NAMES, check_params
from .roles import ROLES

__all__ = [
    "ModelMetadata", "LoadedModel", "METADATA_FILE", "METADATA_FORMAT", "MAX_MODEL_BYTES", "file_sha256", "load_headings",
    "load_model", "save_model",
]

# Prefixes of the optional members of an archive: the role model (a second head over the
# dimension model's feature blocks) and the learned document decision.
_ROLE_PREFIX = "role_"
_STACK_PREFIX = "stack_"


class LoadedModel(NamedTuple):
    """What a model directory holds.

    Attributes
    ----------
    model : LinearTextModel
        The dimension model.
    metadata : ModelMetadata
    role : LinearTextModel or None
        The role model, sharing the dimension model's feature blocks (None in
        models trained without roles).
    stacker : Stacker or None
        The learned document decision (None: documents use the hand-set prior).
    """

    model: LinearTextModel
    metadata: ModelMetadata
    role: LinearTextModel | None = None
    stacker: Stacker | None = None

METADATA_FILE = "metadata.json"
#: The ``format_version`` of the metadata this version writes and reads (metadata without one is version 1).
METADATA_FORMAT = 1
#: zlib's level for the archive's members. The coefficients are float64 and barely deflate: on the model shipped
#: on 2026-12-03, level 1 wrote 8.1 MB in a quarter of level 6's time (1.0 s against 4.1 s), level 6 7.1 MB.
_COMPRESS_LEVEL = 1
#: The largest archive member (uncompressed) a model may declare; the shipped model's largest (its coefficients) is 14 MB.
MAX_MODEL_BYTES = 512 * 1024 * 1024
_MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.npz$")
_SHA = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class ModelMetadata:
    """What training recorded about a model.

    Attributes
    ----------
    format_version : int
        The metadata's format (:data:`METADATA_FORMAT`); another is refused at load.
    model_file : str
        The archive's file name, beside ``metadata.json``.
    model_sha256 : str
        Its sha256 (hex), checked at load.
    classes : list of str
        The model's classes in column order.
    min_score : float
        Default abstention threshold of documents, chosen from calibration.
    config : dict
        The training configuration: the parameters of :class:`dimtag.params.Config`, checked at load.
    data : dict
        The labels file, its sha256 and counts.
    versions : dict
        Library versions at training time.
    cv : dict
        Cross-validated scores, one entry per scheme.
    calibration : dict
        Reliability table and expected calibration error.
    grid : list of dict
        Every configuration compared during model selection.
    labels : dict of str to str
        Display name of each label id (for example ``loyalty`` -> 带头强化政治忠诚);
        empty for the six dimensions, which show their Chinese names.
    headings : dict
        The heading lexicon beside the model: ``{"file": "headings.tsv", "sha256": …}``,
        checked at load; empty when the model has none.
    created : str
        UTC time of training (not part of the model's identity).
    """

    format_version: int = METADATA_FORMAT
    model_file: str = ""
    model_sha256: str = ""
    classes: list[str] = field(default_factory=list)
    min_score: float = 0.0
    config: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    cv: dict[str, Any] = field(default_factory=dict)
    calibration: dict[str, Any] = field(default_factory=dict)
    grid: list[dict[str, Any]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    headings: dict[str, str] = field(default_factory=dict)
    created: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, name: str = METADATA_FILE) -> ModelMetadata:
        """Parse and validate metadata; unknown keys are ignored.

        Raises
        ------
        ModelError
            Not JSON, not an object, or a field of the wrong type or range.
        """
        try:
            raw = json.loads(text)
        except ValueError as exc:
            raise ModelError(f"{name}: not valid JSON ({exc})") from None
        if not isinstance(raw, dict):
            raise ModelError(f"{name}: expected a JSON object, got {type(raw).__name__}")
        kinds: dict[str, type | tuple[type, ...]] = {"format_version": int, "model_file": str, "model_sha256": str, "classes": list, "min_score": (int, float), "config": dict,
                 "data": dict, "versions": dict, "cv": dict, "calibration": dict, "grid": list, "created": str,
                 "labels": dict, "headings": dict}
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in raw:
                continue
            value = raw[f.name]
            if not isinstance(value, kinds[f.name]) or isinstance(value, bool):
                raise ModelError(f"{name}: {f.name} must be {_kind_name(kinds[f.name])}, got {type(value).__name__}")
            values[f.name] = value
        meta = cls(**values)
        if meta.format_version != METADATA_FORMAT:
            raise ModelError(
                f"{name}: format_version {meta.format_version!r} is not one this dimtag reads ({METADATA_FORMAT}); "
                "a newer dimtag wrote it, or the file was edited"
            )
        try:
            check_params({k: v for k, v in meta.config.items() if k in PARAM_NAMES})
        except ParameterError as exc:
            raise ModelError(f"{name}: config: {exc}") from None
        if not all(isinstance(c, str) for c in meta.classes):
            raise ModelError(f"{name}: classes must be strings")
        if not (math.isfinite(meta.min_score) and 0.0 <= meta.min_score <= 1.0):
            raise ModelError(f"{name}: min_score must be a number from 0 to 1, got {meta.min_score!r}")
        if meta.model_sha256 and not _SHA.match(meta.model_sha256):
            raise ModelError(f"{name}: model_sha256 is not a sha256 hex digest")
        if meta.model_file and not _MODEL_NAME.match(meta.model_file):
            raise ModelError(f"{name}: model_file must be a plain .npz file name, got {meta.model_file!r}")
        if not all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in meta.labels.items()):
            raise ModelError(f"{name}: labels must map each label id to a non-empty display name")
        if len(set(meta.labels.values())) != len(meta.labels):
            raise ModelError(f"{name}: two labels share a display name")
        if meta.headings and (meta.headings.get("file") != HEADINGS_FILE or not _SHA.match(str(meta.headings.get("sha256", "")))):
            raise ModelError(f"{name}: headings must name {HEADINGS_FILE} and its sha256")
        meta.min_score = float(meta.min_score)
        return meta


def _kind_name(kind: Any) -> str:
    return " or ".join(k.__name__ for k in kind) if isinstance(kind, tuple) else kind.__name__


def file_sha256(path: str | Path) -> str:
    """Return the hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read_arrays(path: Path) -> dict[str, np.ndarray]:
    """Read only the members a model consists of, after checking their declared sizes."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = {i.filename.removesuffix(".npy"): i for i in archive.infolist()}

            def read(name: str) -> np.ndarray:
                info = infos.get(name)
                if info is None:
                    raise ModelError(f"{path}: array {name!r} missing")
                if info.file_size > MAX_MODEL_BYTES:
                    raise ModelError(f"{path}: array {name!r} declares {info.file_size} bytes (limit {MAX_MODEL_BYTES})")
                with archive.open(info) as fh:
                    return np.lib.format.read_array(fh, allow_pickle=False)

            n_blocks = read("n_blocks")
            if n_blocks.ndim != 0 or n_blocks.dtype.kind not in "iu" or not 0 < int(n_blocks) <= 16:
                raise ModelError(f"{path}: n_blocks must be an integer from 1 to 16")
            names = LinearTextModel.member_names(int(n_blocks))
            optional = [p + m for p, members in ((_ROLE_PREFIX, LinearTextModel.HEAD_MEMBERS), (_STACK_PREFIX, Stacker.MEMBERS))
                        for m in members]
            names += [name for name in optional if name in infos]
            return {name: read(name) for name in names}
    except ModelError:
        raise
    except Exception as exc:  # zipfile and numpy raise many types for a bad archive
        raise ModelError(f"{path}: not a readable dimtag model ({type(exc).__name__}: {exc})") from None


def _model_from(path: Path) -> tuple[LinearTextModel, LinearTextModel | None, Stacker | None]:
    arrays = _read_arrays(path)
    try:
        model = LinearTextModel.from_arrays(arrays)
        role = model.head_from_arrays(arrays, _ROLE_PREFIX) if f"{_ROLE_PREFIX}coef" in arrays else None
        if role is not None and sorted(role.classes) != sorted(ROLES):
            raise ValueError(f"role classes {list(role.classes)} are not the five roles")
        stacker = Stacker.from_arrays(arrays, _STACK_PREFIX) if f"{_STACK_PREFIX}role_coef" in arrays else None
        if stacker is not None and role is None:
            raise ValueError("a document stacker needs a role model")
    except ValueError as exc:
        raise ModelError(f"{path}: invalid model: {exc}") from None
    return model, role, stacker


def load_model(path: str | Path, *, require_metadata: bool = False) -> LoadedModel:
    """Load a model directory, or one ``.npz`` archive.

    A directory must hold ``metadata.json``; the archive it names is checked
    against the recorded sha256. An archive given directly is checked when
    the ``metadata.json`` beside it names it, and loaded with default
    metadata otherwise (unless ``require_metadata``).

    Raises
    ------
    ModelError
        Missing, unreadable, corrupt, invalid, or different from the recorded hash.
    """
    path = Path(path)
    if path.is_dir():
        meta_path = path / METADATA_FILE
        if not meta_path.is_file():
            raise ModelError(f"{meta_path}: model metadata missing")
        meta = _read_metadata(meta_path)
        if not meta.model_file:
            raise ModelError(f"{meta_path}: names no model file")
        model_path = path / meta.model_file
    else:
        model_path, meta_path = path, path.with_name(METADATA_FILE)
        meta = _read_metadata(meta_path) if meta_path.is_file() else ModelMetadata()
        if meta.model_file != path.name:
            if require_metadata:
                raise ModelError(f"{meta_path}: model metadata for {path.name} missing")
            meta = ModelMetadata()
    if not model_path.is_file():
        raise ModelError(f"{model_path}: model file not found")
    if meta.model_sha256:
        actual = file_sha256(model_path)
        if actual != meta.model_sha256:
            raise ModelError(
                f"{model_path}: sha256 {actual[:12]}… does not match {meta.model_sha256[:12]}… recorded in "
                f"{METADATA_FILE}; the file is corrupt or was replaced"
            )
    model, role, stacker = _model_from(model_path)
    if meta.classes and list(meta.classes) != list(model.classes):
        raise ModelError(f"{model_path}: classes {list(model.classes)} differ from {meta.classes} in {METADATA_FILE}")
    labels = [c for c in model.classes if c != NONE_LABEL]
    unknown = sorted(set(meta.labels) - set(labels))
    if unknown:
        raise ModelError(f"{meta_path}: display names for {', '.join(unknown)}, which the model does not have (labels: {', '.join(labels)})")
    return LoadedModel(model, replace(meta, classes=list(model.classes)), role, stacker)


def load_headings(path: str | Path, meta: ModelMetadata) -> HeadingLexicon | None:
    """The heading lexicon of a model loaded from ``path`` (its directory, or an archive in it), None when it has none.

    Raises
    ------
    ModelError
        The file is missing or unreadable, differs from the sha256 recorded in
        the metadata, or names a label the model does not have.
    """
    if not meta.headings:
        return None
    path = Path(path)
    path = (path if path.is_dir() else path.parent) / HEADINGS_FILE
    labels = [c for c in meta.classes if c != NONE_LABEL]
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"{path}: the model's heading lexicon is unreadable ({exc.strerror or exc})") from None
    if hashlib.sha256(data).hexdigest() != meta.headings["sha256"]:
        raise ModelError(f"{path}: sha256 does not match the one recorded in {METADATA_FILE}; the file was changed")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ModelError(f"{path}: not UTF-8") from None
    return parse_heading_lexicon(text, labels, meta.labels, str(path))


def _read_metadata(path: Path) -> ModelMetadata:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path}: unreadable model metadata ({exc})") from None
    return ModelMetadata.from_json(text, str(path))


def _archive_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """A deflated ``.npz`` whose bytes depend on the arrays (and the zlib version) only.

    ``np.savez`` stamps each member with the current time, so the same model
    saved twice would get two hashes; a fixed timestamp makes the hash the
    model's identity.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for name, value in arrays.items():
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asanyarray(value), allow_pickle=False)
            archive.writestr(info, member.getvalue(), zipfile.ZIP_DEFLATED, _COMPRESS_LEVEL)
    return buffer.getvalue()


def _current_model_file(directory: Path) -> str | None:
    """The archive the directory's metadata names now, if it names one."""
    try:
        raw = json.loads((directory / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return raw.get("model_file") if isinstance(raw, dict) else None


def save_model(
    model: LinearTextModel, metadata: ModelMetadata, directory: str | os.PathLike[str], *,
    role: LinearTextModel | None = None, stacker: Stacker | None = None, headings: HeadingLexicon | None = None,
) -> ModelMetadata:
    """Write a model directory as one unit; return the metadata written.

    The archive goes to a file named by its hash, then ``metadata.json`` is
    replaced atomically; older archives are removed after that switch. A role
    model must share the dimension model's feature blocks; it and the
    stacker go into the same archive. A heading lexicon goes to
    :data:`~dimtag.framework.HEADINGS_FILE`, its sha256 into the metadata.
    """
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise ModelError(f"{out}: exists and is not a directory; a model is saved as a directory (metadata.json and its archive)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise ModelError(f"{out}: cannot create the model directory ({exc.strerror}: {exc.filename})") from None
    arrays = model.to_arrays()
    if role is not None:
        if not model.same_features(role):
            raise ValueError("the role model must share the dimension model's feature blocks")
        arrays.update(role.head_arrays(_ROLE_PREFIX))
    if stacker is not None:
        if role is None:
            raise ValueError("a document stacker needs a role model")
        arrays.update(stacker.to_arrays(_STACK_PREFIX))
    data = _archive_bytes(arrays)
    sha = hashlib.sha256(data).hexdigest()
    name = f"dimtag-{sha[:16]}.npz"
    current = _current_model_file(out)
    with atomic_write(out / name, binary=True) as fh:
        fh.write(data)
    headings_meta: dict[str, str] = {}
    if headings:
        lexicon = format_heading_lexicon(headings).encode("utf-8")
        # Written before the switch; should the switch fail, the previous model's hash check reports the change.
        with atomic_write(out / HEADINGS_FILE, binary=True) as fh:
            fh.write(lexicon)
        headings_meta = {"file": HEADINGS_FILE, "sha256": hashlib.sha256(lexicon).hexdigest()}
    meta = replace(metadata, model_file=name, model_sha256=sha, classes=list(model.classes), headings=headings_meta)
    try:
        with atomic_write(out / METADATA_FILE) as fh:
            fh.write(meta.to_json())
    except BaseException:
        # No switch: the previous model stays, and the new archive is an orphan.
        if name != current:
            (out / name).unlink(missing_ok=True)
        raise
    for stale in out.glob("dimtag*.npz"):
        if stale.name != name:
            stale.unlink(missing_ok=True)
    if not headings:
        (out / HEADINGS_FILE).unlink(missing_ok=True)
    return meta

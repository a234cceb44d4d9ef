"""Training a model from a labels file: grouped model selection, fit, export, metadata.

Each configuration of the grid is scored by the grouped cross-validation of
:mod:`dimtag.learn.cv` under both schemes, leave-one-seed-document-out and
leave-one-writer-out; the selection score is the mean of the two macro-F1s.
The winner is refit on every labeled item, exported to numpy and written
with its metadata. The same labels file and library versions give the same
model file, byte for byte (its sha256 is the model's identity).
"""

from __future__ import annotations

import datetime as _dt
import logging
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata as _metadata
from pathlib import Path
from typing import Any

import numpy as np

from ..dimensions import NONE_LABEL, Dimension
from ..errors import LabelsError
from ..fitting import Config, fit_model
from ..framework import parse_heading_lexicon
from ..model_file import ModelMetadata, file_sha256
from ..roles import ROLES
from ..tagger import Tagger
from . import cv
from .documents import read_corpus
from .formats import LabelSet, read_label_set
from .labels import LabeledItem, read_utf8
from .stacking import fit_stacker, held_out_stackers, score_evidence, writer_evidence

__all__ = [
    "DEFAULT_GRID",
    "SMALL_GRID",
    "F1_TIE",
    "Selection",
    "select_config",
    "train",
    "check_out_dir",
    "scheme_scores",
]

log = logging.getLogger(__name__)

#: The grid compared by ``dimtag train`` and ``dimtag evaluate``: the
#: calibrated SVM on each feature set, and logistic regression on characters
#: for comparison (it fits several times slower for the same scores).
DEFAULT_GRID: tuple[Config, ...] = tuple(
    Config(features, "svc", C, "balanced") for features in ("char13", "char14", "char13+word", "word") for C in (0.3, 1.0)
) + (Config("char13", "lr", 10.0, "balanced"),)
#: The shipped configuration alone, for quick checks.
SMALL_GRID: tuple[Config, ...] = (Config(),)

# The installed package's folder (this file is dimtag/learn/training.py).
_PACKAGE = Path(__file__).resolve().parents[1]

#: Abstention thresholds tried on the annotated documents when a document stacker is learned.
DOCUMENT_MIN_SCORES = (0.0, 0.2, 0.3, 0.4, 0.5)

#: Configurations within this selection score of the best are tied; the
#: best-calibrated of them wins, since ``scores()`` must read as probabilities.
F1_TIE = 0.005


def scheme_scores(items: Sequence[LabeledItem], result: cv.OOF) -> dict[str, dict[str, Any]]:
    """Scores of one out-of-fold run under each scheme that has items to test."""
    out: dict[str, dict[str, Any]] = {}
    for scheme in cv.SCHEMES:
        mask = cv.tested_by(items, scheme)
        if mask.any():
            out[scheme] = cv.scores(result, mask)
    return out


def _selection_score(by_scheme: dict[str, dict[str, Any]]) -> float:
    return float(np.mean([s["macro_f1"] for s in by_scheme.values()]))


@dataclass
class Selection:
    """The outcome of model selection.

    ``oof`` holds the winner's out-of-fold probabilities, so that a report
    does not fit the folds again.
    """

    best: Config
    scores: dict[str, dict[str, Any]]
    calibration: dict[str, Any]
    oof: cv.OOF
    table: list[dict[str, Any]] = field(default_factory=list)


def select_config(items: Sequence[LabeledItem], grid: Sequence[Config], n_jobs: int = -1) -> Selection:
    """Score every configuration by grouped CV under both schemes, and pick one.

    The winner has the best mean macro-F1 of the two schemes, except that
    among configurations within :data:`F1_TIE` of the best the one with the
    lowest expected calibration error wins.
    """
    if not grid:
        raise ValueError("empty model-selection grid")
    tested = np.zeros(len(items), dtype=bool)
    for scheme in cv.SCHEMES:
        tested |= cv.tested_by(items, scheme)
    if not tested.any():
        raise LabelsError(
            "nothing to cross-validate: no item has origin seed (cut from a seed document) or authored (written by a writer)"
        )
    runs = []
    for config in grid:
        result = cv.oof(items, config, n_jobs=n_jobs)
        by_scheme = scheme_scores(items, result)
        calib = cv.calibration(result, tested)
        runs.append((config, result, by_scheme, calib))
        log.info("%-30s %s ece=%.3f", config.label(), " ".join(f"{k}={v['macro_f1']:.3f}" for k, v in by_scheme.items()), calib["ece"])
    table = [
        {"config": c.label(), **{f"{k}_macro_f1": v["macro_f1"] for k, v in s.items()}, "selection": round(_selection_score(s), 4), "ece": cal["ece"]}
        for c, _, s, cal in runs
    ]
    top = max(_selection_score(s) for _, _, s, _ in runs)
    tied = [i for i, (_, _, s, _) in enumerate(runs) if _selection_score(s) >= top - F1_TIE]
    best = min(tied, key=lambda i: (runs[i][3]["ece"], -_selection_score(runs[i][2]), i))
    config, result, by_scheme, calib = runs[best]
    return Selection(config, by_scheme, calib, result, table)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("dimtag", "scikit-learn", "numpy", "scipy", "jieba", "joblib"):
        try:
            out[dist] = _metadata.version(dist)
        except _metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def check_out_dir(out_dir: str | Path) -> Path:
    """Refuse to write a model into an installed dimtag package.

    Writing into the package's own ``model`` folder is allowed only in a
    source checkout (where the package lives under ``src/``), which is how
    the shipped model is rebuilt.

    Raises
    ------
    ValueError
        ``out_dir`` is inside an installed (non-checkout) dimtag package.
    """
    out = Path(out_dir).resolve()
    package = _PACKAGE
    checkout = package.parent.name == "src" and (package.parent.parent / "pyproject.toml").is_file()
    if not checkout and (out == package or package in out.parents):
        raise ValueError(
            f"{out_dir}: inside the installed dimtag package; write the model elsewhere and use it with "
            "--model PATH, Tagger.load(PATH) or the DIMTAG_MODEL environment variable"
        )
    return out


def _fit_roles(items: Sequence[LabeledItem], model: Any, config: Config) -> Any:
    """The role head over the dimension model's features, or None when some item has no role."""
    if not items or any(not it.role for it in items):
        return None
    missing = sorted(set(ROLES) - {it.role for it in items})
    if missing:
        log.warning("no items of role(s) %s: the model is trained without roles", ", ".join(missing))
        return None
    roles = fit_model([it.text for it in items], [it.role for it in items], config)
    if not model.same_features(roles):
        raise RuntimeError("the role model's features differ from the dimension model's; they are fitted on the same texts")
    return model.with_head(roles.coef, roles.intercept, roles.classes, roles.link, roles.scale, roles.shift)


def train(
    labels_path: str | Path | LabelSet, out_dir: str | Path, grid: Sequence[Config] = DEFAULT_GRID, n_jobs: int = -1,
    documents: str | Path | None = None, *, names: dict[str, str] | None = None, headings: str | Path | None = None,
    evidence_cache: str | Path | None = None,
) -> ModelMetadata:
    """Select, fit and write the model and its metadata.

    Parameters
    ----------
    labels_path : str, Path or LabelSet
        The labels CSV, or a label set read in any format by
        :func:`dimtag.learn.formats.read_label_set` (its ``folds`` go into the metadata).
    out_dir : str or Path
        Directory that receives the model (see :mod:`dimtag.model_file`).
    grid : sequence of Config
        Configurations to compare by grouped cross-validation.
    n_jobs : int
        Processes for the folds (joblib convention; -1 = all cores).
    documents : str or Path, optional
        A folder of annotated documents (``<writer>/*.txt``, see
        :mod:`dimtag.learn.documents`). With it, and a role on every labeled
        item, the document decision is learned from them, leave-one-writer-out
        (:mod:`dimtag.learn.stacking`), and its scores recorded.
    names : dict of str to str, optional
        Display names of the labels (``{"loyalty": "带头强化政治忠诚"}``), kept in the metadata.
    headings : str or Path, optional
        A heading lexicon file (see :mod:`dimtag.framework`), copied beside the model.
    evidence_cache : str or Path, optional
        A folder that keeps each document writer's held-out models and evidence
        (see :func:`dimtag.learn.stacking.writer_evidence`).

    Returns
    -------
    ModelMetadata
        The metadata written beside the model.
    """
    check_out_dir(out_dir)
    label_set = labels_path if isinstance(labels_path, LabelSet) else read_label_set(labels_path, labels=list(names) if names else None)
    labels_path, items = label_set.path, label_set.items
    present = {it.dimension for it in items}
    missing = sorted({d.value for d in Dimension} - present)
    if missing and present <= {d.value for d in Dimension} | {"none"}:
        raise LabelsError(f"{labels_path}: no items for {', '.join(missing)}; every dimension needs examples")
    label_set.check_trainable()
    lexicon = _read_lexicon(headings, sorted(present - {NONE_LABEL}), names or {})
    if label_set.format == "labels" and not any(it.origin == "seed" for it in items):
        log.warning(
            "%s: no seed documents (origin seed): the model is selected and calibrated on written items only, "
            "which are cleaner than real documents; add items cut from real documents with dimtag extract",
            labels_path,
        )
    selection = select_config(items, grid, n_jobs=n_jobs)
    model = fit_model([it.text for it in items], [it.dimension for it in items], selection.best)
    role = _fit_roles(items, model, selection.best)
    stacker, documents_cv, documents_data = None, {}, {}
    if documents is not None and role is not None:
        docs = read_corpus(documents)
        if docs:
            evidence = writer_evidence(items, docs, selection.best, n_jobs=n_jobs, cache=evidence_cache)
            # The abstention threshold of documents is chosen where documents are decided: the one of
            # these that gives the best leave-one-writer-out item accuracy (the lowest on a tie).
            stackers = held_out_stackers(evidence, n_jobs=n_jobs)
            tried = {t: score_evidence(evidence, t, stackers) for t in DOCUMENT_MIN_SCORES}
            best_t = max(tried, key=lambda t: (tried[t]["item_accuracy"], -t))
            documents_cv = {**tried[best_t], "min_score": best_t,
                            "by_min_score": {str(t): r["item_accuracy"] for t, r in tried.items()}}
            stacker = fit_stacker([ev for _, evs in evidence.values() for ev in evs])
            documents_data = {"folder": Path(documents).name, "sha256": _folder_sha256(Path(documents)),
                              "documents": len(docs), "writers": sorted({d.writer for d in docs})}
    counts: dict[str, dict[str, int]] = {}
    for it in items:
        key = it.writer or it.origin
        counts.setdefault(it.dimension, {}).setdefault(key, 0)
        counts[it.dimension][key] += 1
    meta = ModelMetadata(
        created=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        data={"file": Path(labels_path).name, "sha256": file_sha256(labels_path), "counts": counts,
              "format": label_set.format, "folds": label_set.folds,
              **({"documents": documents_data} if documents_data else {})},
        versions=_versions(),
        config=selection.best.to_dict(),
        cv={
            "selection": ("mean macro-F1 of the two schemes" if label_set.format == "labels" else "macro-F1 of the folds")
            + "; ties within 0.005 go to the lowest ECE",
            **({"seed": {"scheme": "leave-one-seed-document-out; tested on seed items", **selection.scores.get("seed", {})},
                "writer": {"scheme": "leave-one-writer-out; tested on written items", **selection.scores.get("writer", {})}}
               if label_set.format == "labels" else {"folds": {"scheme": label_set.folds, **selection.scores.get("writer", {})}}),
            **({"documents": documents_cv} if documents_cv else {}),
        },
        calibration=selection.calibration,
        min_score=documents_cv["min_score"] if documents_cv else selection.calibration["min_score"],
        grid=selection.table,
    )
    tagger = Tagger.from_model(model, meta, role, stacker)
    if names or lexicon is not None:
        tagger.set_framework(names, lexicon, source=str(headings))
    tagger.save(out_dir)
    return tagger.metadata_


def _read_lexicon(headings: str | Path | None, labels: list[str], names: dict[str, str]) -> str | None:
    """The text of a heading lexicon file, checked against the labels before any fit."""
    if headings is None:
        return None
    text = read_utf8(headings, "heading lexicon")
    parse_heading_lexicon(text, labels, names, str(headings))
    return text


def _folder_sha256(folder: Path) -> str:
    """One sha256 over the relative names and bytes of every file under ``folder``, in sorted order."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()

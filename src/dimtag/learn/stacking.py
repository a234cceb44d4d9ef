"""Fitting the document decision: how much each piece of a document's evidence weighs, for role and dimension.

The evidence of an item (its own probabilities, its part and aspect
headings, its point, its neighbours; see :mod:`dimtag.decision`) is computed
on annotated documents exactly as :func:`dimtag.tag_document` computes it,
with sentence models that never saw the document's writer. A small
multinomial logistic model learns the role from it, and a conditional logit
with one weight per piece of evidence the dimension. Leave-one-writer-out
over the documents scores the result (``benchmarks/documents.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__
from ..decision import DIMENSION_FEATURES, ROLE_FEATURES, Context, Stacker, dimension_features, restrict, role_features
from ..document import DocumentStructure, read_structure, structure_context
from ..errors import LabelsError
from ..export import rounded
from ..features import has_content
from ..fitting import Config
from ..roles import OTHER, ROLES
from ..tagger import Tagger
from .documents import AnnotatedDocument, GoldUnit, align, unit_of_item
from .heldout import writer_tagger
from .labels import LabeledItem

__all__ = ["DocumentEvidence", "document_evidence", "writer_evidence", "fit_stacker", "held_out_stackers", "score_evidence", "ROLE_C", "DIMENSION_L2"]

#: Inverse regularization of the role stacker. Leave-one-writer-out on the 160 documents, C=0.03 scored slightly
#: higher than 1 (item accuracy 0.827 against 0.822), but shrank the part headings' weight until the intercepts
#: ruled: under 一、存在的问题 a sentence that reads a little like a cause became one. On the 1,116 documents of 86
#: writers (before tables pasted as text were read by column), 0.3 and 1 score alike (item accuracy 0.8973 and
#: 0.8975, role accuracy 0.9583 and 0.9588), and at 1 the fourth point of a 一是…六是 list of problems with no part
#: heading (担当意识不强，遇到矛盾绕着走。, a cause 0.59 alone) became a cause between five problems, leaving 担当作为
#: with no problem in the report; at 0.3 its neighbours are heard.
ROLE_C = 0.3
#: L2 penalty of the dimension weights, per item: small, the twelve weights are well determined by thousands of items.
DIMENSION_L2 = 1e-3


@dataclass
class DocumentEvidence:
    """One annotated document read by a tagger: its items' evidence and the gold they align to.

    ``gold`` holds, per item, the gold unit it overlaps most (None: no item unit,
    for example a heading the tagger read as an item).
    """

    document: AnnotatedDocument
    structure: DocumentStructure
    context: Context
    full: np.ndarray
    role_full: np.ndarray
    gold: list[GoldUnit | None]
    labels: list[str]
    dim_columns: np.ndarray
    none_column: int | None

    def role_x(self) -> np.ndarray:
        none_p = self.full[:, self.none_column] if self.none_column is not None else np.zeros(len(self.full))
        return role_features(self.role_full, none_p, self.context)

    def own(self) -> np.ndarray:
        return restrict(self.full, self.dim_columns)


def document_evidence(document: AnnotatedDocument, tagger: Tagger) -> DocumentEvidence:
    """Read ``document`` as :func:`dimtag.tag_document` does, with ``tagger``'s sentence models."""
    structure = read_structure(document.text)
    labels = [str(label) for label in tagger.labels_]
    context = structure_context(structure, list(tagger.labels_))
    texts = structure.model_texts(structure.items)
    full = tagger.predict_proba(texts) if texts else np.zeros((0, len(tagger.classes_)))
    role_full = tagger.predict_role_proba(texts) if texts else np.zeros((0, len(ROLES)))
    found = align([u.text for u in document.units], structure.text, [(s.start, s.end) for s in structure.items])
    best = unit_of_item(found, len(texts))
    gold = [document.units[u] if u >= 0 and document.units[u].kind == "item" else None for u in best]
    dim_columns = np.array([tagger.classes_.index(label) for label in labels], dtype=np.intp)
    none_column = tagger.classes_.index("none") if "none" in tagger.classes_ else None
    return DocumentEvidence(document, structure, context, full, role_full, gold, labels, dim_columns, none_column)


def _fit_roles(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=ROLE_C, max_iter=5000)
    clf.fit(x, y)
    classes = [str(c) for c in clf.classes_]
    coef = np.zeros((len(ROLES), x.shape[1]))
    intercept = np.full(len(ROLES), -30.0)  # a role never seen in training is never predicted
    for i, role in enumerate(ROLES):
        if role in classes:
            k = classes.index(role)
            if len(classes) == 2:
                sign = 1.0 if k == 1 else -1.0
                coef[i], intercept[i] = sign * clf.coef_[0] / 2, sign * clf.intercept_[0] / 2
            else:
                coef[i], intercept[i] = clf.coef_[k], clf.intercept_[k]
    return coef, intercept


def _fit_dimensions(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Weights of the conditional logit ``softmax(x[i] @ w)`` over each item's dimensions, by L-BFGS."""
    from scipy.optimize import minimize

    n = len(y)
    rows = np.arange(n)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        nll = -np.log(np.clip(p[rows, y], 1e-300, None)).sum() / n + DIMENSION_L2 * float(w @ w)
        # d/dw of -log p_y = sum_k p_k x_k - x_y
        grad = (np.einsum("nk,nkf->f", p, x) - x[rows, y].sum(axis=0)) / n + 2 * DIMENSION_L2 * w
        return float(nll), grad

    start = np.zeros(x.shape[2])
    start[0] = 1.0  # the sentence's own reading alone
    result = minimize(loss, start, jac=True, method="L-BFGS-B")
    return np.asarray(result.x, dtype=np.float64)


def _stacker_arrays(evidence: Sequence[DocumentEvidence]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The rows both stackers learn from: role evidence and gold role, dimension evidence and gold dimension."""
    xr, yr, xd, yd = [], [], [], []
    for ev in evidence:
        if not len(ev.full):
            continue
        rx = ev.role_x()
        dx = dimension_features(ev.own(), ev.context)
        for i, unit in enumerate(ev.gold):
            if unit is None or unit.role is None:
                continue
            xr.append(rx[i])
            yr.append(unit.role)
            if unit.role != OTHER and unit.dimension in ev.labels:
                xd.append(dx[i])
                yd.append(ev.labels.index(unit.dimension))
    role_x = np.asarray(xr, dtype=np.float64).reshape(len(xr), len(ROLE_FEATURES))
    # Empty rows keep the dimension count, so that a writer with nothing to learn from concatenates with the others.
    n_dims = len(evidence[0].labels) if evidence else 0
    dim_x = np.asarray(xd, dtype=np.float64) if xd else np.zeros((0, n_dims, len(DIMENSION_FEATURES)))
    return role_x, np.array(yr, dtype=str), dim_x, np.asarray(yd, dtype=np.intp)


def _fit_arrays(xr: np.ndarray, yr: np.ndarray, xd: np.ndarray, yd: np.ndarray) -> Stacker:
    if not len(yr) or not len(yd):
        raise ValueError("no annotated items aligned to the tagger's items: nothing to fit the document decision on")
    coef, intercept = _fit_roles(xr, yr)
    weights = _fit_dimensions(xd, yd)
    assert coef.shape[1] == len(ROLE_FEATURES) and len(weights) == len(DIMENSION_FEATURES)
    # Rounded as the sentence models' numbers are, so that a retrain elsewhere gives the same file.
    return Stacker(rounded(coef), rounded(intercept), rounded(weights))


def fit_stacker(evidence: Sequence[DocumentEvidence]) -> Stacker:
    """Fit both stackers on the items of annotated documents that align to a gold item.

    Raises
    ------
    ValueError
        No aligned items, or no item of a role that speaks (nothing to fit the dimension weights on).
    """
    return _fit_arrays(*_stacker_arrays(evidence))


def held_out_stackers(evidence: dict[str, tuple[Tagger, list[DocumentEvidence]]], n_jobs: int = 1) -> dict[str, Stacker]:
    """For each writer, the stacker fitted on every other writer's evidence.

    Each writer's rows are computed once and reused by every fold; the
    result equals ``fit_stacker`` on the other writers' evidence in
    ``evidence`` order.
    """
    from joblib import Parallel, delayed

    arrays = {w: _stacker_arrays(evs) for w, (_, evs) in evidence.items()}

    def others(writer: str) -> tuple[np.ndarray, ...]:
        rest = [a for w, a in arrays.items() if w != writer]
        return tuple(np.concatenate([a[k] for a in rest]) for k in range(4))

    fitted = Parallel(n_jobs=n_jobs)(delayed(_fit_arrays)(*others(w)) for w in arrays)
    return dict(zip(arrays, fitted))


def writer_evidence(
    items: Sequence[LabeledItem], documents: Sequence[AnnotatedDocument], config: Config | None = None, n_jobs: int = 1,
    cache: str | Path | None = None,
) -> dict[str, tuple[Tagger, list[DocumentEvidence]]]:
    """Each document writer's documents read by sentence models that never saw that writer.

    For every writer of ``documents`` a tagger (dimension and role heads) is
    fitted on the labeled items of all other writers, and reads that
    writer's documents. The stacker is fitted on this evidence, so that it
    learns how much to trust sentence models on a voice they do not know.

    Parameters
    ----------
    cache : str or Path, optional
        A folder where each writer's fitted tagger is kept (``joblib.Memory``
        over :func:`dimtag.learn.heldout.writer_tagger`), keyed by the labeled
        items, the writer, the configuration and dimtag's version:
        ``dimtag train`` and ``benchmarks/documents.py`` given the same folder
        fit each writer's models once between them. The documents are read
        again on every call, so a change of the reading code or of the
        document decision shows without emptying the folder.
        joblib drops the whole folder when the cached function changes; a
        change of the fitting code within a version goes unseen: empty the
        folder after changing it.

    Raises
    ------
    LabelsError
        Items without a role (a role model needs every item's role).
    """
    from joblib import Memory, Parallel, delayed

    missing = [it for it in items if not it.role]
    if missing:
        raise LabelsError(f"{len(missing)} labeled items have no role (first: line {missing[0].line}); every item needs one")
    config = config or Config()
    writers = sorted({d.writer for d in documents})
    fit = writer_tagger if cache is None else Memory(str(cache), verbose=0).cache(writer_tagger)
    taggers = Parallel(n_jobs=n_jobs)(delayed(fit)(items, w, config, __version__) for w in writers)
    return {
        w: (tagger, [document_evidence(d, tagger) for d in documents if d.writer == w])
        for w, tagger in zip(writers, taggers)
    }


def score_evidence(
    evidence: dict[str, tuple[Tagger, list[DocumentEvidence]]], min_score: float = 0.0, stackers: dict[str, Stacker] | None = None,
) -> dict[str, Any]:
    """Leave-one-writer-out scores of the learned decision on the documents' gold items.

    For each writer a stacker is fitted on the other writers' evidence and
    decides that writer's items (exactly as :func:`dimtag.tag_document`
    would with that tagger). Gold items that no tagged item covers count as
    predicted ``other``. Returns item accuracy (dimension, none included),
    role accuracy, the share of ``other`` items given a dimension and of
    dimension items given none. ``stackers`` (from :func:`held_out_stackers`)
    saves refitting them when several thresholds are scored.
    """
    from ..decision import decide_roles

    stackers = stackers if stackers is not None else held_out_stackers(evidence)
    n = correct = role_ok = other = other_dim = dims = dim_none = 0
    for writer, (_, docs) in evidence.items():
        stacker = stackers[writer]
        for ev in docs:
            predicted: dict[int, tuple[str, str | None]] = {}
            if len(ev.full):
                # The tagger's own rule for an item with nothing to tag.
                empty = np.array([not has_content(t) for t in ev.structure.model_texts(ev.structure.items)], dtype=bool)
                d = decide_roles(ev.full, ev.role_full, ev.dim_columns, ev.none_column, min_score, empty, ev.context, stacker)
                found = align([u.text for u in ev.document.units], ev.structure.text,
                              [(s.start, s.end) for s in ev.structure.items])
                for u, hit in enumerate(found):
                    if hit is not None and hit[0] >= 0:
                        i = hit[0]
                        predicted[u] = (str(d.role[i]), None if d.abstain[i] else ev.labels[int(d.best[i])])
            for u, unit in enumerate(ev.document.units):
                if unit.kind != "item":
                    continue
                role, dim = predicted.get(u, (OTHER, None))
                n += 1
                correct += dim == unit.dimension
                role_ok += role == unit.role
                if unit.role == OTHER:
                    other += 1
                    other_dim += dim is not None
                else:
                    dims += 1
                    dim_none += dim is None

    def rate(a: int, b: int) -> float:
        return round(a / b, 4) if b else 0.0

    return {
        "scheme": "leave-one-writer-out over the annotated documents",
        "documents": sum(len(docs) for _, docs in evidence.values()),
        "items": n,
        "item_accuracy": rate(correct, n),
        "role_accuracy": rate(role_ok, n),
        "other_given_dimension": rate(other_dim, other),
        "dimension_given_none": rate(dim_none, dims),
    }

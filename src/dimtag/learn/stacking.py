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

import numpy as np

from ..decision import DIMENSION_FEATURES, ROLE_FEATURES, Context, Stacker, dimension_features, restrict, role_features
from ..document import DocumentStructure, read_structure, structure_context
from ..roles import OTHER, ROLES
from ..tagger import Tagger
from .documents import AnnotatedDocument, GoldUnit, align, unit_of_item

__all__ = ["DocumentEvidence", "document_evidence", "fit_stacker", "ROLE_C", "DIMENSION_L2"]

#: Inverse regularization of the role stacker (features are on a log-probability scale; 1.0 is sklearn's default,
#: and 0.3 and 3 scored within 0.005 of it leave-one-writer-out).
ROLE_C = 1.0
#: L2 penalty of the dimension weights, per item: small, the six weights are well determined by thousands of items.
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
    texts = [s.text for s in structure.items]
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


def fit_stacker(evidence: Sequence[DocumentEvidence]) -> Stacker:
    """Fit both stackers on the items of annotated documents that align to a gold item.

    Raises
    ------
    ValueError
        No aligned items, or no item of a role that speaks (nothing to fit the dimension weights on).
    """
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
    if not yr or not yd:
        raise ValueError("no annotated items aligned to the tagger's items: nothing to fit the document decision on")
    coef, intercept = _fit_roles(np.asarray(xr), np.asarray(yr))
    weights = _fit_dimensions(np.asarray(xd), np.asarray(yd, dtype=np.intp))
    assert coef.shape[1] == len(ROLE_FEATURES) and len(weights) == len(DIMENSION_FEATURES)
    return Stacker(coef, intercept, weights)

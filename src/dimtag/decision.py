"""The tagging decision: from class probabilities to a dimension or an abstention.

Documents, ``tag(..., abstain=True)``, extraction and curation all decide
here, so a sentence gets the same answer wherever it is tagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Decisions", "restrict", "decide"]


def restrict(full: np.ndarray, columns: Sequence[int] | np.ndarray) -> np.ndarray:
    """Keep the given class columns and renormalize each row to sum to 1.

    This is how a model trained with ``none`` answers "the best of the
    dimensions": ``none``'s share is spread over the others in proportion.

    Examples
    --------
    >>> restrict(np.array([[0.2, 0.3, 0.5]]), [0, 1]).round(2).tolist()
    [[0.4, 0.6]]
    """
    p = full[:, np.asarray(columns, dtype=np.intp)]
    total = p.sum(axis=1, keepdims=True)
    out = np.full_like(p, 1.0 / max(p.shape[1], 1))
    np.divide(p, total, out=out, where=total > 0)
    return out


@dataclass(frozen=True)
class Decisions:
    """One decision per text.

    Attributes
    ----------
    proba : ndarray of shape (n, n_labels)
        Probabilities over the labels (``none`` left out, rows renormalized).
    best : ndarray of int
        Index of the chosen label among the dimension columns.
    score : ndarray of float
        Its probability among the dimensions.
    abstain : ndarray of bool
        True where the text speaks to no dimension: ``none`` is the model's
        most probable class, the best score is under ``min_score``, or the
        text has nothing to tag.
    """

    proba: np.ndarray
    best: np.ndarray
    score: np.ndarray
    abstain: np.ndarray


def decide(
    full: np.ndarray,
    dim_columns: Sequence[int] | np.ndarray,
    none_column: int | None,
    min_score: float,
    empty: np.ndarray | None = None,
) -> Decisions:
    """Decide each row of a probability matrix over the model's classes.

    Parameters
    ----------
    full : ndarray of shape (n, n_classes)
        Probabilities over every class of the model, ``none`` included.
    dim_columns : sequence of int
        The columns of the dimensions, in answer order.
    none_column : int or None
        The column of ``none``, if the model has one.
    min_score : float
        Abstain when the best dimension's probability is below this.
    empty : ndarray of bool, optional
        Texts with nothing to tag; they always abstain.
    """
    dims = restrict(full, dim_columns)
    best = dims.argmax(axis=1)
    score = dims[np.arange(len(dims)), best]
    abstain = score < min_score
    if none_column is not None:
        abstain |= full.argmax(axis=1) == none_column
    if empty is not None:
        abstain |= empty
    return Decisions(dims, best, score, abstain)

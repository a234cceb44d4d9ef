"""The tagging decision: from class probabilities to a dimension or an abstention.

Documents, ``tag(..., abstain=True)``, extraction and curation all decide
here, so a sentence gets the same answer wherever it is tagged.

In a document an item is not read alone. :func:`decide` then also takes the
:class:`Context` that the document's structure gives each item (the
dimension its heading names, the dimension its point's title names, and the
evidence of the other items of its point and of its section) and combines
it with the item's own probabilities, as evidence, never as an override:
each piece adds to the log-odds of the dimensions it points to, so a heading
usually decides, but a sentence the model is sure belongs elsewhere keeps
its own dimension. The weights are a :class:`Prior`; :data:`DEFAULT_PRIOR`
was chosen by measurement on the structure-test documents
(``benchmarks/structure.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .linear_model import softmax

__all__ = ["Decisions", "Context", "Prior", "DEFAULT_PRIOR", "BY", "restrict", "decide"]

#: What decided an item (see :class:`Decisions`).
BY = ("heading", "section", "point", "model")


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
        True where the text speaks to no dimension: ``none`` is the most
        probable class, the best score is under ``min_score``, the text has
        nothing to tag, or (in a document) its role says so.
    by : ndarray of str
        Which evidence decided: ``heading`` (the dimension a heading names),
        ``point`` (its point's title or other items), ``section`` (the other
        items under the same heading, or the item's role in the document for
        an abstention), ``model`` (the item's own reading).
    model_best, model_score : ndarray
        The model's own best dimension and its probability, without context.
    """

    proba: np.ndarray
    best: np.ndarray
    score: np.ndarray
    abstain: np.ndarray
    by: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    model_best: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    model_score: np.ndarray = field(default_factory=lambda: np.empty(0))


@dataclass(frozen=True)
class Prior:
    """How strongly the structure of a document weighs against an item's own reading.

    Each weight is added to the log-odds of a dimension (the ``none`` class
    gets nothing), so a weight of 0 ignores that evidence.

    Attributes
    ----------
    heading : float
        Added to the dimension named by the item's heading.
    point : float
        Added to the dimension named by the title of the item's point.
    point_items : float
        Times the centred log-probabilities pooled over the other items of
        the item's point.
    section_items : float
        The same over the other items of the item's section, where its
        heading names no dimension.
    heading_reading : float
        Times the model's centred log-probabilities of the text of the
        item's heading, where the heading names no dimension.
    """

    heading: float = 3.0
    point: float = 4.0
    point_items: float = 0.0
    section_items: float = 0.0
    heading_reading: float = 0.0


#: The prior of :func:`dimtag.tag_document`, chosen by measurement on the
#: 24 annotated structure-test sources (plain, one-line, CRLF and ASCII
#: punctuation variants): over a grid of the five weights, choosing on one
#: writer's documents and scoring on the other's, and the reverse, gave
#: heading 3 and point title 2 to 4 both times; pooling the other items'
#: evidence, or the model's reading of a heading, did not help at any weight
#: tried (0.1 to 1), so it is off. ``benchmarks/choose_prior.py`` reruns the
#: grid through ``benchmarks/structure.py``.
DEFAULT_PRIOR = Prior()


@dataclass(frozen=True)
class Context:
    """What a document's structure says about each of its items.

    Dimension indices are positions among the dimension columns (-1: none).

    Attributes
    ----------
    heading : ndarray of int
        The dimension named by the innermost heading of the item's chain that names one.
    point_title : ndarray of int
        The dimension named by the title of the item's point.
    point : ndarray of int
        The item's point id (-1: none).
    section : ndarray of int
        The id of the heading whose scope holds the item (-1: none).
    heading_proba : ndarray of shape (n, n_classes), optional
        The model's probabilities for the text of that heading (rows of
        NaN where there is none).
    no_dimension : ndarray of bool
        Items whose role (introduction, closing formula, …) speaks to no dimension.
    """

    heading: np.ndarray
    point_title: np.ndarray
    point: np.ndarray
    section: np.ndarray
    no_dimension: np.ndarray
    heading_proba: np.ndarray | None = None


def decide(
    full: np.ndarray,
    dim_columns: Sequence[int] | np.ndarray,
    none_column: int | None,
    min_score: float,
    empty: np.ndarray | None = None,
    context: Context | None = None,
    prior: Prior = DEFAULT_PRIOR,
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
        Abstain when the final dimension's probability is below this.
    empty : ndarray of bool, optional
        Texts with nothing to tag; they always abstain.
    context : Context, optional
        The document structure around each row; without it each row is
        read alone.
    prior : Prior
        The weights of the context's evidence.
    """
    dim_columns = np.asarray(dim_columns, dtype=np.intp)
    own = restrict(full, dim_columns)
    own_best = own.argmax(axis=1) if len(own) else np.zeros(0, dtype=np.intp)
    own_score = own[np.arange(len(own)), own_best]
    by = np.full(len(full), "model", dtype=object)
    combined = full
    if context is not None and len(full):
        boosts = _boosts(own, context, prior, dim_columns)
        logits = np.log(np.clip(full, 1e-12, None))
        logits[:, dim_columns] += sum(boosts.values())
        combined = softmax(logits)
    dims = restrict(combined, dim_columns)
    best = dims.argmax(axis=1) if len(dims) else np.zeros(0, dtype=np.intp)
    score = dims[np.arange(len(dims)), best]
    abstain = score < min_score
    if none_column is not None:
        abstain |= combined.argmax(axis=1) == none_column
    if empty is not None:
        abstain |= empty
    if context is not None and len(full):
        by = _deciders(best, own_best, boosts, context)
        # The item's role in the document (introduction, closing, …) decided.
        abstain |= context.no_dimension
        by[context.no_dimension] = "section"
    return Decisions(dims, best, score, abstain, by, own_best, own_score)


def _centred_log(p: np.ndarray) -> np.ndarray:
    """Log-probabilities shifted so that a uniform distribution gives 0 everywhere."""
    logp: np.ndarray = np.log(np.clip(p, 1e-12, None))
    centred: np.ndarray = logp - logp.mean(axis=1, keepdims=True)
    return centred


def _pooled(evidence: np.ndarray, groups: np.ndarray, use: np.ndarray) -> np.ndarray:
    """For each row, the mean evidence of the OTHER rows of its group (0 where there is none)."""
    out = np.zeros_like(evidence)
    valid = (groups >= 0) & use
    if not valid.any():
        return out
    ids, inverse = np.unique(groups[valid], return_inverse=True)
    sums = np.zeros((len(ids), evidence.shape[1]))
    np.add.at(sums, inverse, evidence[valid])
    counts = np.bincount(inverse, minlength=len(ids)).astype(float)
    rows = np.flatnonzero(groups >= 0)
    g = np.searchsorted(ids, groups[rows])
    found = (g < len(ids)) & (ids[np.minimum(g, len(ids) - 1)] == groups[rows])
    rows, g = rows[found], g[found]
    # Leave the row itself out: a point's evidence is what its other items say.
    self_part = np.where(valid[rows, None], evidence[rows], 0.0)
    others = counts[g] - valid[rows]
    has = others > 0
    out[rows[has]] = (sums[g[has]] - self_part[has]) / others[has, None]
    return out


def _onehot(index: np.ndarray, n_dims: int, weight: float) -> np.ndarray:
    out = np.zeros((len(index), n_dims))
    rows = np.flatnonzero(index >= 0)
    out[rows, index[rows]] = weight
    return out


def _boosts(own: np.ndarray, context: Context, prior: Prior, dim_columns: np.ndarray) -> dict[str, np.ndarray]:
    """Each piece of evidence, as additions to the log-odds of the dimensions."""
    n_dims = own.shape[1]
    evidence = _centred_log(own)
    use = ~context.no_dimension
    unnamed = (context.heading < 0)[:, None]
    boosts = {
        "heading": _onehot(context.heading, n_dims, prior.heading),
        "point": _onehot(context.point_title, n_dims, prior.point)
        + prior.point_items * _pooled(evidence, context.point, use),
        "section": prior.section_items * _pooled(evidence, context.section, use) * unnamed,
    }
    if context.heading_proba is not None and prior.heading_reading:
        reading = context.heading_proba
        has = ~np.isnan(reading).any(axis=1)
        read = np.zeros_like(own)
        if has.any():
            read[has] = _centred_log(restrict(reading[has], dim_columns))
        boosts["section"] = boosts["section"] + prior.heading_reading * read * unnamed
    return boosts


def _deciders(best: np.ndarray, own_best: np.ndarray, boosts: dict[str, np.ndarray], context: Context) -> np.ndarray:
    """Which evidence decided each row (see :class:`Decisions`)."""
    rows = np.arange(len(best))
    by = np.full(len(best), "model", dtype=object)
    moved = best != own_best
    pushed = {name: boost[rows, best] - boost[rows, own_best] for name, boost in boosts.items()}
    # Where the context moved the answer, name the piece that pushed it most.
    names = np.array(list(pushed), dtype=object)
    strongest = names[np.argmax(np.stack([pushed[k] for k in names]), axis=0)] if len(best) else names[:0]
    by[moved] = strongest[moved]
    # A heading that names the final dimension decided it, whether or not the
    # model agreed.
    by[context.heading == best] = "heading"
    return by

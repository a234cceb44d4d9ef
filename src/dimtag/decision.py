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
is the one measured best on the structure-test documents
(``benchmarks/structure.py``), see its notes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from .dimensions import Label
from .linear_model import softmax
from .roles import OTHER, ROLES, Role

__all__ = [
    "Decisions", "Context", "Prior", "DEFAULT_PRIOR", "BY", "PLACES", "Stacker", "ROLE_FEATURES", "DIMENSION_FEATURES",
    "restrict", "decide", "role_features", "dimension_features", "PointItem", "decide_point", "governed_aspects",
    "SHORT_HALF",
]

#: What decided an item (see :class:`Decisions`).
BY = ("heading", "section", "point", "model")
#: Where an item stands in its document, as the segmenter reads it: in the body, or in an
#: introduction (intro, lead), a closing, or a stated fact or definition.
PLACES = ("content", "intro", "closing", "fact")


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
    role : ndarray of str
        The role of each text (see :class:`dimtag.Role`); ``other`` abstains.
    role_score : ndarray of float
        Its probability.
    """

    proba: np.ndarray
    best: np.ndarray
    score: np.ndarray
    abstain: np.ndarray
    by: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    model_best: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    model_score: np.ndarray = field(default_factory=lambda: np.empty(0))
    role: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    role_score: np.ndarray = field(default_factory=lambda: np.empty(0))


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
    point: float = 0.0
    point_items: float = 0.0
    section_items: float = 0.0
    heading_reading: float = 0.0


#: The prior of :func:`dimtag.tag_document` for models without a learned document stacker:
#: heading 3, nothing else. Measured on the 2.0.0 model over the 56 structure-test documents
#: (1,041 items; ``benchmarks/structure_priors.py`` and ``benchmarks/choose_prior.py``, issue 19):
#: heading 3 alone scores item accuracy 0.976 and heading recall 1.000, higher on both than the
#: 2.0.0 prior, heading 3 with point title 4 (0.973, 0.996), and the model alone (0.974, 0.979).
#: The best item accuracy of the grid over the five weights is 0.980 (heading 2 with point title
#: 1 or 2, or heading 1 with the point's other items pooled at 0.3): 4 items more, but heading 2
#: with point title 2 drops heading recall to 0.985. Across the top of the grid the differences
#: are a few items of 1,041, so the grid is flat there, and heading 3 alone is the simplest prior
#: that is not worse than 2.0.0's on either measure.
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
        Items whose place (introduction, closing formula, …) speaks to no dimension.
    part : ndarray of int, optional
        The role named by the part heading above the item (an index into
        :data:`dimtag.roles.ROLES`; -1: none).
    place : ndarray of int, optional
        Where the item stands, as an index into :data:`PLACES`.
    scope : ndarray of int, optional
        The id of the innermost heading whose scope holds the item (-1: none).
    length : ndarray of int, optional
        Each item's length in characters.
    """

    heading: np.ndarray
    point_title: np.ndarray
    point: np.ndarray
    section: np.ndarray
    no_dimension: np.ndarray
    heading_proba: np.ndarray | None = None
    part: np.ndarray | None = None
    place: np.ndarray | None = None
    scope: np.ndarray | None = None
    length: np.ndarray | None = None


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


# -- the learned document decision ----------------------------------------------------------------------------------

#: The evidence the role stacker weighs, one column each (see :func:`role_features`).
ROLE_FEATURES: tuple[str, ...] = (
    *(f"own:{r}" for r in ROLES),
    "none",
    *(f"part:{r}" for r in ROLES if r != OTHER),
    "aspect_heading", "point_title", "in_point",
    *(f"place:{p}" for p in PLACES[1:]),
    *(f"prev:{r}" for r in ROLES),
    *(f"next:{r}" for r in ROLES),
    *(f"point:{r}" for r in ROLES),
    *(f"scope:{r}" for r in ROLES),
    "position",
)
# The pieces of evidence for an item's dimension.
_DIMENSION_EVIDENCE = ("own", "heading", "point_title", "point_items", "section_items", "neighbours")
#: The evidence the dimension stacker weighs, one shared weight each (see :func:`dimension_features`): each piece,
#: and each piece again weighted by how short the item is (``short:…``), so that a short item (a table cell that
#: names only an owner or a deadline, a bare point title) can rely on its context more than a long one.
DIMENSION_FEATURES: tuple[str, ...] = (*_DIMENSION_EVIDENCE, *(f"short:{e}" for e in _DIMENSION_EVIDENCE))
#: The length in characters at which an item's ``short:`` evidence weighs half (``SHORT_HALF / (length + SHORT_HALF)``).
#: Leave-one-writer-out on the 24 writers' documents (issue 18), item accuracy with half-weight at 4, 8 and 16
#: characters: 0.860, 0.861, 0.861, against 0.857 without the short copies; 8 is about an owner or a deadline cell.
SHORT_HALF = 8.0
#: Documents with fewer items have their roles read item by item, and their dimensions weighed by the hand-set
#: prior: the stacker was fitted on documents of 12 to 50 items, and on three lines (an introduction, one
#: problem, a closing) its neighbour and position evidence would outweigh what the one problem says about itself.
MIN_STACKED_ITEMS = 5
#: What a part heading adds to the log-odds of the role it names in such short documents: what the hand-set
#: prior adds for an aspect heading (3), so that a sentence sure of its own role (a measure written under the
#: problems) keeps it.
PART_WEIGHT = 3.0
# Which ``by`` each piece of dimension evidence counts as.
_DIMENSION_BY = {"own": "model", "heading": "heading", "point_title": "point", "point_items": "point",
                 "section_items": "section", "neighbours": "section"}
_DIMENSION_BY.update({f"short:{e}": by for e, by in _DIMENSION_BY.items()})


def _or_default(values: np.ndarray | None, n: int, fill: int) -> np.ndarray:
    return np.full(n, fill, dtype=np.intp) if values is None else np.asarray(values, dtype=np.intp)


def _shifted(p: np.ndarray, step: int) -> np.ndarray:
    """Each row's neighbour ``step`` rows away in document order (zeros past either end)."""
    out = np.zeros_like(p)
    if step > 0:
        out[:-step] = p[step:]
    else:
        out[-step:] = p[:step]
    return out


def role_features(role_proba: np.ndarray, none_proba: np.ndarray, context: Context) -> np.ndarray:
    """The evidence about each item's role, as a matrix of :data:`ROLE_FEATURES` columns.

    Parameters
    ----------
    role_proba : ndarray of shape (n, 5)
        The role model's probabilities, columns in :data:`dimtag.roles.ROLES` order.
    none_proba : ndarray of shape (n,)
        The dimension model's probability of ``none`` (zeros if it has none).
    context : Context
        The document around the items, in document order.
    """
    n = len(role_proba)
    own = _centred_log(role_proba)
    part = _or_default(context.part, n, -1)
    place = _or_default(context.place, n, 0)
    scope = _or_default(context.scope, n, -1)
    everyone = np.ones(n, dtype=bool)
    parts = np.zeros((n, len(ROLES) - 1))
    has_part = (part >= 0) & (part < len(ROLES) - 1)
    parts[np.flatnonzero(has_part), part[has_part]] = 1.0
    places = np.zeros((n, len(PLACES) - 1))
    placed = place > 0
    places[np.flatnonzero(placed), place[placed] - 1] = 1.0
    columns = [
        own,
        np.log(np.clip(none_proba, 1e-12, None))[:, None] / 10.0,
        parts,
        (context.heading >= 0)[:, None].astype(float),
        (context.point_title >= 0)[:, None].astype(float),
        (context.point >= 0)[:, None].astype(float),
        places,
        _shifted(role_proba, -1),
        _shifted(role_proba, 1),
        _pooled(own, context.point, everyone),
        _pooled(own, scope, everyone),
        (np.arange(n) / max(n - 1, 1))[:, None],
    ]
    return np.hstack(columns)


def dimension_features(own: np.ndarray, context: Context) -> np.ndarray:
    """The evidence for each dimension of each item, shape (n, n_dims, len(:data:`DIMENSION_FEATURES`)).

    ``own`` holds the model's probabilities over the dimensions (rows sum to 1).
    """
    n, k = own.shape
    evidence = _centred_log(own)
    use = ~context.no_dimension
    unnamed = (context.heading < 0)[:, None]
    neighbours = (_shifted(evidence, 1) + _shifted(evidence, -1)) / 2.0
    pieces = [
        evidence,
        _onehot(context.heading, k, 1.0),
        _onehot(context.point_title, k, 1.0),
        _pooled(evidence, context.point, use),
        _pooled(evidence, context.section, use) * unnamed,
        neighbours,
    ]
    # Without lengths the short copies stay 0: the item is read as a long one.
    short = np.zeros((n, 1)) if context.length is None else (SHORT_HALF / (np.asarray(context.length, dtype=float) + SHORT_HALF))[:, None]
    return np.stack(pieces + [piece * short for piece in pieces], axis=2)


@dataclass(frozen=True)
class Stacker:
    """The document decision, learned: how much each piece of evidence weighs, for both axes.

    A small multinomial logistic model reads each item's role from the
    features of :func:`role_features`; a conditional logit with one shared
    weight per piece of evidence (:func:`dimension_features`) reads its
    dimension, so it serves any label set. Both are fitted on annotated
    documents by :mod:`dimtag.learn.stacking`, leave-one-writer-out, and
    stored in the model archive.

    Attributes
    ----------
    role_coef : ndarray of shape (5, len(ROLE_FEATURES))
    role_intercept : ndarray of shape (5,)
        Rows in :data:`dimtag.roles.ROLES` order.
    dimension_weights : ndarray of shape (len(DIMENSION_FEATURES),)
    """

    role_coef: np.ndarray
    role_intercept: np.ndarray
    dimension_weights: np.ndarray

    def __post_init__(self) -> None:
        shapes = {
            "role_coef": (self.role_coef, (len(ROLES), len(ROLE_FEATURES))),
            "role_intercept": (self.role_intercept, (len(ROLES),)),
            "dimension_weights": (self.dimension_weights, (len(DIMENSION_FEATURES),)),
        }
        for name, (array, shape) in shapes.items():
            if np.shape(array) != shape:
                raise ValueError(f"stacker {name} has shape {np.shape(array)}, expected {shape}")
            if not np.isfinite(array).all():
                raise ValueError(f"stacker {name} holds NaN or infinite values")

    def role_proba(self, role_proba: np.ndarray, none_proba: np.ndarray, context: Context) -> np.ndarray:
        """Probabilities over :data:`dimtag.roles.ROLES` with the document's evidence."""
        x = role_features(role_proba, none_proba, context)
        return softmax(x @ self.role_coef.T + self.role_intercept)

    def dimension_parts(self, own: np.ndarray, context: Context) -> dict[str, np.ndarray]:
        """Each piece of evidence's weighted contribution to every dimension's logit."""
        x = dimension_features(own, context)
        return {name: x[:, :, j] * self.dimension_weights[j] for j, name in enumerate(DIMENSION_FEATURES)}

    def to_arrays(self, prefix: str = "stack_") -> dict[str, np.ndarray]:
        """The weights as named arrays, with the feature names they were fitted on."""
        return {
            f"{prefix}role_features": np.array(ROLE_FEATURES),
            f"{prefix}role_coef": np.asarray(self.role_coef, dtype=np.float64),
            f"{prefix}role_intercept": np.asarray(self.role_intercept, dtype=np.float64),
            f"{prefix}dimension_features": np.array(DIMENSION_FEATURES),
            f"{prefix}dimension_weights": np.asarray(self.dimension_weights, dtype=np.float64),
        }

    #: The arrays of a stacker, without prefix.
    MEMBERS = ("role_features", "role_coef", "role_intercept", "dimension_features", "dimension_weights")

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str = "stack_") -> Stacker:
        """Rebuild a stacker, refusing one fitted on other features.

        Raises
        ------
        ValueError
            A missing array, features this version does not compute, or a wrong shape.
        """
        for name, expected in (("role_features", ROLE_FEATURES), ("dimension_features", DIMENSION_FEATURES)):
            got = arrays.get(f"{prefix}{name}")
            if got is None or np.asarray(got).tolist() != list(expected):
                raise ValueError(f"stacker {name} differ from this version's; retrain the model with dimtag train")
        try:
            return cls(
                np.asarray(arrays[f"{prefix}role_coef"], dtype=np.float64),
                np.asarray(arrays[f"{prefix}role_intercept"], dtype=np.float64),
                np.asarray(arrays[f"{prefix}dimension_weights"], dtype=np.float64),
            )
        except KeyError as exc:
            raise ValueError(f"stacker array {exc.args[0]!r} missing") from None


def role_columns(classes: Sequence[str]) -> np.ndarray:
    """The columns of a role model's classes in :data:`dimtag.roles.ROLES` order."""
    return np.array([list(classes).index(r) for r in ROLES], dtype=np.intp)


def decide_roles(
    full: np.ndarray,
    role_full: np.ndarray,
    dim_columns: Sequence[int] | np.ndarray,
    none_column: int | None,
    min_score: float,
    empty: np.ndarray | None = None,
    context: Context | None = None,
    stacker: Stacker | None = None,
) -> Decisions:
    """Decide role and dimension of each row, with a role model.

    Parameters
    ----------
    full : ndarray of shape (n, n_classes)
        The dimension model's probabilities over its classes.
    role_full : ndarray of shape (n, 5)
        The role model's probabilities, columns in :data:`dimtag.roles.ROLES` order.
    dim_columns, none_column, min_score, empty
        As in :func:`decide`.
    context : Context, optional
        The document around each row; with a ``stacker``, its evidence is weighed
        for both axes. Without, each row is read alone.
    stacker : Stacker, optional
        The learned document decision.

    Returns
    -------
    Decisions
        ``abstain`` is True exactly where the role is ``other``, the final
        dimension's score is under ``min_score``, or the text is empty.
    """
    dim_columns = np.asarray(dim_columns, dtype=np.intp)
    n = len(full)
    own = restrict(full, dim_columns)
    own_best = own.argmax(axis=1) if n else np.zeros(0, dtype=np.intp)
    own_score = own[np.arange(n), own_best]
    by = np.full(n, "model", dtype=object)
    roles_p = role_full
    dims = own
    parts: dict[str, np.ndarray] = {}
    if context is not None and stacker is not None and n >= MIN_STACKED_ITEMS:
        none_p = full[:, none_column] if none_column is not None else np.zeros(n)
        roles_p = stacker.role_proba(role_full, none_p, context)
        parts = stacker.dimension_parts(own, context)
        dims = softmax(np.sum(list(parts.values()), axis=0))
    elif context is not None and n:
        # Too short for the document's evidence: each item's own role reading, with its part heading (二、原因剖析)
        # as evidence for the role it names; dimensions with the hand-set prior's headings.
        if context.part is not None:
            roles_p = softmax(np.log(np.clip(role_full, 1e-12, None)) + _onehot(context.part, len(ROLES), PART_WEIGHT))
        boosts0 = _boosts(own, context, DEFAULT_PRIOR, dim_columns)
        dims = softmax(np.log(np.clip(own, 1e-12, None)) + np.sum(list(boosts0.values()), axis=0))
        parts = {"own": np.zeros_like(own), **boosts0}
    role_best = roles_p.argmax(axis=1) if n else np.zeros(0, dtype=np.intp)
    role = np.asarray(ROLES, dtype=object)[role_best] if n else np.empty(0, dtype=object)
    role_score = roles_p[np.arange(n), role_best]
    best = dims.argmax(axis=1) if n else np.zeros(0, dtype=np.intp)
    score = dims[np.arange(n), best]
    other = role == OTHER
    abstain = other | (score < min_score)
    if empty is not None:
        abstain |= empty
        role = np.where(empty, OTHER, role)
    if parts:
        boosts: dict[str, np.ndarray] = {}
        for name, part in parts.items():
            key = _DIMENSION_BY.get(name, name)
            if key != "model":
                boosts[key] = boosts.get(key, 0) + part
        by = _deciders(best, own_best, boosts, context) if context is not None else by
    if context is not None and n:
        # An item that says nothing about the writer: its place (introduction, closing, …) or the document
        # around it decided, unless the sentence alone already read as other.
        alone = np.asarray(ROLES, dtype=object)[role_full.argmax(axis=1)]
        by[other] = "model"
        by[other & ((alone != OTHER) | context.no_dimension)] = "section"
    return Decisions(dims, best, score, abstain, by, own_best, own_score, role, role_score)


class PointItem(Protocol):
    """What :func:`decide_point` reads of an item (a :class:`~dimtag.TaggedSentence` has it)."""

    @property
    def text(self) -> str: ...
    @property
    def role(self) -> Role | str: ...
    @property
    def role_score(self) -> float: ...
    @property
    def dimension(self) -> Label | None: ...


# A point's first item this short, with more after it, is its title: the enumerated titles of the annotated
# documents are 6 to 20 characters; a first sentence of 30 or more already tells an example.
_TITLE_CHARS = 25


def decide_point(items: Sequence[PointItem], aspect: Label | None = None) -> tuple[Role, Label | None]:
    """What a point (one enumerated problem, cause, measure or strength) does, and the aspect it covers.

    The role is the one its items' role probabilities add up to most (items
    whose role is ``other`` do not vote; a point of only such items is
    ``other``). The aspect is ``aspect`` (the writer's heading governing the
    point, see :func:`governed_aspects`) when given, else the dimension of its
    title (a short first item followed by others), else the dimension most of
    its items have (the first one on a tie), else None.

    Examples
    --------
    >>> from dimtag import Dimension, tag_document
    >>> doc = tag_document("一、存在的问题\\n一是学习不够深入，满足于读文件。")
    >>> decide_point(doc.items)
    (<Role.PROBLEM: 'problem'>, <Dimension.THEORY: 'theory'>)
    >>> decide_point(doc.items, Dimension.RESPONSIBILITY)[1]
    <Dimension.RESPONSIBILITY: 'responsibility'>
    """
    weights: dict[Role, float] = defaultdict(float)
    for s in items:
        if Role(s.role).speaks:
            weights[Role(s.role)] += s.role_score or 1e-9  # a role read with score 0 still outweighs none
    if not weights:
        return Role.OTHER, None
    role = max(weights, key=lambda r: weights[r])  # max keeps the first on a tie: items are in order
    if aspect is not None:
        return role, aspect
    title = items[0] if len(items) > 1 and len(items[0].text) <= _TITLE_CHARS else None
    if title is not None and title.dimension is not None:
        # A short first line (四是工作主动性不够。) is the writer's own summary of the point.
        return role, title.dimension
    votes = Counter(s.dimension for s in items if s.dimension is not None)
    return role, max(votes, key=lambda d: votes[d]) if votes else None


def governed_aspects(
    chains: Sequence[tuple[Hashable, ...]], aspects: Sequence[Label | None], roles: Sequence[Role]
) -> list[Label | None]:
    """The aspect heading that governs each point of a document, or None.

    An aspect heading the writer wrote (``（四）担当作为方面``) is strong
    evidence for coverage: the points under it cover that aspect even where
    the model reads one of them elsewhere. It governs the points under it
    whose role is that of its first point, or a role that the points under a
    sibling aspect heading (same parent) have too: a document that writes
    problem, cause and measure under each aspect gets all three governed,
    while measures written after the last aspect heading of a problem part
    (``下一步，我将…``) keep their own dimensions.

    Parameters
    ----------
    chains : sequence of tuple
        For each point in document order, the chain of headings down to the
        aspect heading over it (empty when none names an aspect).
    aspects : sequence
        The aspect each chain's last heading names (None with an empty chain).
    roles : sequence of Role
        Each point's own role (:func:`decide_point` without an aspect).

    Examples
    --------
    >>> from dimtag import Dimension, Role
    >>> chains = [("一、问题", "（一）学习"), ("一、问题", "（一）学习"), ("一、问题", "（一）学习")]
    >>> governed_aspects(chains, [Dimension.THEORY] * 3, [Role.PROBLEM, Role.PROBLEM, Role.MEASURE])
    [<Dimension.THEORY: 'theory'>, <Dimension.THEORY: 'theory'>, None]
    """
    # Each aspect heading (a chain, counted again when it recurs later): the roles under it.
    instance: list[int] = []
    first_role: dict[int, Role] = {}
    roles_under: dict[int, set[Role]] = defaultdict(set)
    parent: dict[int, tuple[Hashable, ...]] = {}
    last_chain: tuple[Hashable, ...] | None = None
    for chain, role in zip(chains, roles):
        if chain != last_chain or not instance:
            instance.append(len(parent))
            parent[len(parent)] = chain[:-1]
        else:
            instance.append(instance[-1])
        last_chain = chain
        if chain and role.speaks:
            first_role.setdefault(instance[-1], role)
            roles_under[instance[-1]].add(role)
    by_parent: dict[tuple[Hashable, ...], list[int]] = defaultdict(list)
    for i, p in parent.items():
        by_parent[p].append(i)

    def governs(i: int, role: Role) -> bool:
        if role == first_role.get(i):
            return True
        return any(role in roles_under[j] for j in by_parent[parent[i]] if j != i)

    return [
        aspect if chain and role.speaks and governs(i, role) else None
        for chain, aspect, role, i in zip(chains, aspects, roles, instance)
    ]

"""A TF-IDF + linear model held as plain numpy arrays.

A fitted scikit-learn pipeline is exported to this form by
:func:`dimtag.export.from_pipeline`. Inference then needs neither
scikit-learn nor pickle: the arrays are stored in an ``.npz`` read with
``allow_pickle=False`` (see :mod:`dimtag.model_file`), which cannot execute
code and does not depend on the installed scikit-learn.

:meth:`LinearTextModel.predict` is the one prediction rule of the project:
the class of highest probability. The export check, the tagger and the tests
all call it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .features import WORD_TOKENIZERS, FeatureBlock, prepare_joined

__all__ = ["LinearTextModel", "FORMAT", "MAX_NGRAM", "Sparse", "softmax"]

#: A feature matrix as (row indices, column indices, values).
Sparse = tuple[np.ndarray, np.ndarray, np.ndarray]

#: The ``format`` member of a model archive.
FORMAT = "dimtag-linear/1"
#: Longest n-gram a model may use; longer ranges are refused at load.
MAX_NGRAM = 6
_LINKS = ("softmax", "sigmoid")


class LinearTextModel:
    """TF-IDF feature blocks followed by a linear classifier.

    Parameters
    ----------
    blocks : list of FeatureBlock
        Feature blocks, concatenated in order (a FeatureUnion).
    coef : ndarray of shape (n_classes, n_features)
    intercept : ndarray of shape (n_classes,)
    classes : sequence of str
        Class labels in column order.
    link : {"softmax", "sigmoid"}
        How scores become probabilities. ``sigmoid``: p_k is proportional to
        ``expit(scale_k * score_k + shift_k)``, which covers sigmoid-calibrated
        LinearSVC; ``softmax`` is multinomial logistic regression.
    scale, shift : ndarray of shape (n_classes,), optional
        The sigmoid link's parameters.

    Raises
    ------
    ValueError
        Arrays of the wrong shape, non-finite numbers, an unknown link or
        repeated classes.
    """

    def __init__(
        self,
        blocks: list[FeatureBlock],
        coef: np.ndarray,
        intercept: np.ndarray,
        classes: Sequence[str],
        link: str = "softmax",
        scale: np.ndarray | None = None,
        shift: np.ndarray | None = None,
    ):
        if link not in _LINKS:
            raise ValueError(f"unknown link {link!r}")
        self.link = link
        self.classes = tuple(str(c) for c in classes)
        n_classes = len(self.classes)
        if n_classes < 2 or len(set(self.classes)) != n_classes:
            raise ValueError(f"classes must be at least two distinct labels, got {list(self.classes)}")
        # Copies: a model never shares memory with the estimator it came from.
        self.scale = np.ones(n_classes) if scale is None else np.array(scale, dtype=np.float64)
        self.shift = np.zeros(n_classes) if shift is None else np.array(shift, dtype=np.float64)
        self.blocks = blocks
        self.coef = np.array(coef, dtype=np.float64, order="C")
        self.intercept = np.array(intercept, dtype=np.float64)
        n_features = sum(len(b.terms) for b in blocks)
        expected = {
            "coef": (self.coef, (n_classes, n_features)),
            "intercept": (self.intercept, (n_classes,)),
            "scale": (self.scale, (n_classes,)),
            "shift": (self.shift, (n_classes,)),
        }
        for name, (array, shape) in expected.items():
            if array.shape != shape:
                raise ValueError(f"{name} has shape {array.shape}, expected {shape}")
            if not np.isfinite(array).all():
                raise ValueError(f"{name} holds NaN or infinite values")
        offsets = np.cumsum([0] + [len(b.terms) for b in blocks])
        self._offsets = offsets[:-1]

    def __repr__(self) -> str:
        blocks = ", ".join(f"{b.analyzer}{b.ngram_range[0]}-{b.ngram_range[1]}" for b in self.blocks)
        return f"LinearTextModel(classes={list(self.classes)}, features=[{blocks}], n_features={self.n_features}, link={self.link!r})"

    @property
    def n_features(self) -> int:
        return int(self.coef.shape[1])

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and values of one raw text's feature vector."""
        _, cols, vals = self._sparse([text])
        return cols, vals

    def _sparse(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not texts:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, np.empty(0)
        joined = prepare_joined(texts)
        parts = [b.batch(joined, len(texts)) for b in self.blocks]
        if len(parts) == 1:
            return parts[0]
        rows = np.concatenate([r for r, _, _ in parts])
        cols = np.concatenate([c + off for (_, c, _), off in zip(parts, self._offsets)])
        vals = np.concatenate([v for _, _, v in parts])
        order = np.argsort(rows, kind="stable")
        return rows[order], cols[order], vals[order]

    def sparse(self, texts: Sequence[str]) -> Sparse:
        """The TF-IDF feature matrix of raw texts, as (rows, columns, values) triples.

        Computed once, it serves every head that shares this model's feature
        blocks (see :meth:`with_head`).
        """
        return self._sparse(texts)

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Linear scores of shape (n_texts, n_classes)."""
        return self.scores_of(self._sparse(texts), len(texts))

    def scores_of(self, features: Sparse, n_texts: int) -> np.ndarray:
        """Linear scores of ``n_texts`` texts featurized by :meth:`sparse`."""
        rows, cols, vals = features
        out = np.tile(self.intercept, (n_texts, 1))
        # One weighted bincount a class: no (n_features_used x n_classes) temporary.
        for k in range(out.shape[1]):
            out[:, k] += np.bincount(rows, weights=vals * self.coef[k, cols], minlength=n_texts)
        return out

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities of shape (n_texts, n_classes), columns in :attr:`classes` order."""
        return self.proba_of(self._sparse(texts), len(texts))

    def proba_of(self, features: Sparse, n_texts: int) -> np.ndarray:
        """Class probabilities of ``n_texts`` texts featurized by :meth:`sparse`."""
        scores = self.scores_of(features, n_texts)
        if self.link == "softmax":
            return softmax(scores)
        p: np.ndarray = 1.0 / (1.0 + np.exp(-(self.scale * scores + self.shift)))
        total = p.sum(axis=1, keepdims=True)
        out = np.full_like(p, 1.0 / p.shape[1])
        np.divide(p, total, out=out, where=total != 0)
        return out

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The class of highest probability for each text (the project's one prediction rule)."""
        labels: np.ndarray = np.asarray(self.classes, dtype=object)[self.predict_proba(texts).argmax(axis=1)]
        return labels

    def term_contributions(self, text: str) -> tuple[list[str], np.ndarray]:
        """Each present term and its contribution to every class's score."""
        cols, vals = self.features(text)
        names = [self._term(c) for c in cols.tolist()]
        return names, vals[:, None] * self.coef[:, cols].T

    def _term(self, column: int) -> str:
        block = int(np.searchsorted(self._offsets, column, side="right") - 1)
        return str(self.blocks[block].terms[column - self._offsets[block]])

    def with_head(
        self, coef: np.ndarray, intercept: np.ndarray, classes: Sequence[str], link: str = "softmax",
        scale: np.ndarray | None = None, shift: np.ndarray | None = None,
    ) -> LinearTextModel:
        """A second classifier over the same feature blocks (shared, not copied).

        The role model is such a head of the dimension model: both were fitted
        on the same texts, so their TF-IDF blocks are identical and a text is
        featurized once for both.
        """
        return LinearTextModel(self.blocks, coef, intercept, classes, link, scale, shift)

    def same_features(self, other: LinearTextModel) -> bool:
        """Whether ``other`` has exactly this model's feature blocks (terms, idf, analyzers)."""
        if len(self.blocks) != len(other.blocks):
            return False
        return all(
            a.analyzer == b.analyzer and tuple(a.ngram_range) == tuple(b.ngram_range) and a.sublinear_tf == b.sublinear_tf
            and a.tokenizer == b.tokenizer and np.array_equal(a.terms, b.terms) and np.array_equal(a.idf, b.idf)
            for a, b in zip(self.blocks, other.blocks)
        )

    def head_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """This model's classifier (not its blocks) as named arrays, each name prefixed."""
        return {
            f"{prefix}classes": np.array(self.classes),
            f"{prefix}coef": self.coef,
            f"{prefix}intercept": self.intercept,
            f"{prefix}link": np.array(self.link),
            f"{prefix}scale": self.scale,
            f"{prefix}shift": self.shift,
        }

    #: The arrays of a head, without prefix.
    HEAD_MEMBERS = ("classes", "coef", "intercept", "link", "scale", "shift")

    def head_from_arrays(self, arrays: Mapping[str, Any], prefix: str) -> LinearTextModel:
        """Rebuild a head written by :meth:`head_arrays` over this model's blocks, validating it.

        Raises
        ------
        ValueError
            A missing array, a wrong dtype or shape, non-finite numbers, or
            classes not in sorted order.
        """
        classes = _array(arrays, f"{prefix}classes", "U", 1)
        if classes.tolist() != sorted(classes.tolist()):
            raise ValueError(f"{prefix}classes {classes.tolist()} are not in sorted order")
        return self.with_head(
            _array(arrays, f"{prefix}coef", "f", 2),
            _array(arrays, f"{prefix}intercept", "f", 1),
            classes.tolist(),
            link=_scalar(arrays, f"{prefix}link", str),
            scale=_array(arrays, f"{prefix}scale", "f", 1),
            shift=_array(arrays, f"{prefix}shift", "f", 1),
        )

    # -- arrays ------------------------------------------------------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        """The model as named numpy arrays (no object arrays, so no pickle)."""
        arrays: dict[str, np.ndarray] = {
            "format": np.array(FORMAT),
            "classes": np.array(self.classes),
            "coef": self.coef,
            "intercept": self.intercept,
            "n_blocks": np.array(len(self.blocks)),
            "link": np.array(self.link),
            "scale": self.scale,
            "shift": self.shift,
        }
        for i, b in enumerate(self.blocks):
            arrays[f"b{i}_analyzer"] = np.array(b.analyzer)
            arrays[f"b{i}_ngram_range"] = np.array(b.ngram_range)
            arrays[f"b{i}_sublinear_tf"] = np.array(b.sublinear_tf)
            arrays[f"b{i}_terms"] = b.terms
            arrays[f"b{i}_idf"] = b.idf
            arrays[f"b{i}_tokenizer"] = np.array(b.tokenizer)
        return arrays

    @staticmethod
    def member_names(n_blocks: int) -> list[str]:
        """The array names a model with ``n_blocks`` feature blocks consists of."""
        names = ["format", "classes", "coef", "intercept", "n_blocks", "link", "scale", "shift"]
        for i in range(n_blocks):
            names += [f"b{i}_{k}" for k in ("analyzer", "ngram_range", "sublinear_tf", "terms", "idf", "tokenizer")]
        return names

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, Any]) -> LinearTextModel:
        """Rebuild a model from :meth:`to_arrays`, validating every array.

        Raises
        ------
        ValueError
            A missing array, a wrong dtype or shape, non-finite numbers, an
            unknown analyzer or tokenizer, an n-gram range outside 1..6, or
            classes not in sorted order.
        """
        fmt = _scalar(arrays, "format", str)
        if fmt != FORMAT:
            raise ValueError(f"unknown model format {fmt!r}, expected {FORMAT!r}")
        classes = _array(arrays, "classes", "U", 1)
        if classes.tolist() != sorted(classes.tolist()):
            # Training stores the columns in sorted label order; any other order means
            # the names were edited apart from the weights, and would swap answers.
            raise ValueError(f"classes {classes.tolist()} are not in sorted order")
        blocks = [_block(arrays, i) for i in range(_scalar(arrays, "n_blocks", int))]
        if not blocks:
            raise ValueError("a model needs at least one feature block")
        return cls(
            blocks,
            _array(arrays, "coef", "f", 2),
            _array(arrays, "intercept", "f", 1),
            classes.tolist(),
            link=_scalar(arrays, "link", str),
            scale=_array(arrays, "scale", "f", 1),
            shift=_array(arrays, "shift", "f", 1),
        )


def _get(arrays: Mapping[str, Any], name: str) -> np.ndarray:
    if name not in arrays:
        raise ValueError(f"array {name!r} missing")
    return np.asarray(arrays[name])


def _array(arrays: Mapping[str, Any], name: str, kind: str, ndim: int) -> np.ndarray:
    value = _get(arrays, name)
    if value.dtype.kind != kind or value.ndim != ndim:
        raise ValueError(f"array {name!r} has dtype {value.dtype} and {value.ndim} dimension(s), expected kind {kind!r}, {ndim}-D")
    return value


def _scalar(arrays: Mapping[str, Any], name: str, kind: type) -> Any:
    value = _get(arrays, name)
    expected = {str: "U", int: "iu", bool: "b"}[kind]
    if value.ndim != 0 or value.dtype.kind not in expected:
        raise ValueError(f"array {name!r} must be a {kind.__name__} scalar, got {value.dtype} of shape {value.shape}")
    return kind(value)


def _block(arrays: Mapping[str, Any], i: int) -> FeatureBlock:
    analyzer = _scalar(arrays, f"b{i}_analyzer", str)
    if analyzer not in ("char", "word"):
        raise ValueError(f"block {i}: unknown analyzer {analyzer!r}")
    ngram = _get(arrays, f"b{i}_ngram_range")
    if ngram.shape != (2,) or ngram.dtype.kind not in "iu":
        raise ValueError(f"block {i}: n-gram range must be two integers")
    lo, hi = int(ngram[0]), int(ngram[1])
    if not 1 <= lo <= hi <= MAX_NGRAM:
        raise ValueError(f"block {i}: n-gram range ({lo}, {hi}) outside 1..{MAX_NGRAM}")
    tokenizer = _scalar(arrays, f"b{i}_tokenizer", str)
    if analyzer == "word" and tokenizer not in WORD_TOKENIZERS:
        raise ValueError(f"block {i}: unknown tokenizer {tokenizer!r}")
    terms = _array(arrays, f"b{i}_terms", "U", 1)
    if len(terms) == 0:
        raise ValueError(f"block {i}: empty vocabulary")
    idf = _array(arrays, f"b{i}_idf", "f", 1)
    if idf.shape != terms.shape or not np.isfinite(idf).all():
        raise ValueError(f"block {i}: idf must be finite and as long as the terms")
    if len(np.unique(terms)) != len(terms):
        raise ValueError(f"block {i}: repeated terms")
    if analyzer == "char" and len(terms):
        lengths = np.char.str_len(terms)
        if lengths.min() < lo or lengths.max() > hi:
            raise ValueError(f"block {i}: character terms outside the n-gram range ({lo}, {hi})")
    return FeatureBlock(analyzer, (lo, hi), _scalar(arrays, f"b{i}_sublinear_tf", bool), terms, idf, tokenizer)


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax of a score matrix, computed stably."""
    z: np.ndarray = scores - scores.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z

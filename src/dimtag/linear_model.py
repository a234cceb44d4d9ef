"""A TF-IDF + linear model held as plain numpy arrays.

The fitted scikit-learn pipeline is exported to this form by
:func:`from_pipeline`. Inference then needs neither scikit-learn nor pickle:
the model file is an ``.npz`` loaded with ``allow_pickle=False``, which
cannot execute code and does not depend on the installed scikit-learn.
Its predictions equal those of the pipeline it came from (checked at
training time and by the test suite on every labeled item).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from itertools import repeat
from typing import Any, Sequence

import numpy as np

from .features import cached_jieba_words, jieba_words, plain_jieba_words, prepare, prepare_joined

__all__ = ["FeatureBlock", "LinearTextModel", "from_pipeline"]

_FORMAT = "dimtag-linear/1"
_WORD_TOKENIZERS = {"jieba": jieba_words, "jieba-plain": plain_jieba_words}
_TOKENIZER_NAMES = {jieba_words: "jieba", cached_jieba_words: "jieba", plain_jieba_words: "jieba-plain"}

# Character n-grams up to this length are packed into one int64 key.
_BITS = 21  # every code point is below 2**21
_MAX_PACKED = 3


def _pack(term: str) -> int:
    key = 0
    for ch in term:
        key = (key << _BITS) | ord(ch)
    return key


# sklearn's analyzers fold runs of white space before making n-grams.
_WHITE_SPACES = re.compile(r"\s\s+")


@dataclass
class FeatureBlock:
    """One TF-IDF vectorizer: its analyzer, n-gram range and fitted terms."""

    analyzer: str  # "char" or "word"
    ngram_range: tuple[int, int]
    sublinear_tf: bool
    terms: np.ndarray  # str array, the vocabulary in column order
    idf: np.ndarray
    tokenizer: str = "jieba"  # word blocks: "jieba" (domain dictionary) or "jieba-plain"

    @cached_property
    def index(self) -> dict[str, int]:
        """Term -> column, built on first use (word blocks only need it)."""
        return {t: i for i, t in enumerate(self.terms.tolist())}

    def __post_init__(self) -> None:
        if self.analyzer == "char" and self.ngram_range[1] <= _MAX_PACKED:
            keys = np.array([_pack(t) for t in self.terms.tolist()], dtype=np.int64)
            order = np.argsort(keys)
            self._keys, self._key_cols = keys[order], order.astype(np.int64)
        else:
            self._keys = None

    def _tokens(self, prepared: str) -> list[str]:
        """The n-grams of a text, as scikit-learn's analyzer makes them."""
        lo, hi = self.ngram_range
        if self.analyzer == "char":
            # Slicing the string is several times faster than joining units.
            text = _WHITE_SPACES.sub(" ", prepared)
            size = len(text)
            grams = list(text) if lo == 1 else []
            for n in range(max(lo, 2), min(hi, size) + 1):
                grams += [text[i : i + n] for i in range(size - n + 1)]
            return grams
        words = _WORD_TOKENIZERS[self.tokenizer](prepared)
        size = len(words)
        grams = list(words) if lo == 1 else []
        for n in range(max(lo, 2), min(hi, size) + 1):
            grams += [" ".join(words[i : i + n]) for i in range(size - n + 1)]
        return grams

    def batch(self, joined: str, n_texts: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sparse TF-IDF rows of a batch: (row, column, value) sorted by row.

        ``joined`` is :func:`~dimtag.features.prepare_joined` of the texts.
        Character n-grams are looked up in numpy (see :meth:`_char_ids`);
        word n-grams by one dict lookup each. Counting, idf, sublinear tf and
        the L2 norm are done once for the whole batch.
        """
        if self._keys is not None:
            rows, found = self._char_ids(joined)
        else:
            rows, found = self._dict_ids(joined.split("\0"))
        return self._tfidf(rows, found, n_texts)

    def _char_ids(self, joined: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows and vocabulary columns of every character n-gram of a batch.

        The prepared texts are joined with NUL, each n-gram is packed into one
        int64 (21 bits a code point) and found by binary search in the sorted
        packed vocabulary: no Python work per n-gram.
        """
        cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
        is_sep = cp == 0
        row_at = np.cumsum(is_sep)
        seps_before = np.concatenate(([0], row_at))
        lo, hi = self.ngram_range
        rows_out, ids_out = [], []
        for n in range(lo, hi + 1):
            count = len(cp) - n + 1
            if count <= 0:
                break
            key = cp[:count].copy()
            for k in range(1, n):
                key = (key << _BITS) | cp[k : k + count]
            # A window is valid when it holds no separator.
            valid = (seps_before[n : n + count] - seps_before[:count]) == 0
            key, rows = key[valid], row_at[:count][valid]
            pos = np.minimum(np.searchsorted(self._keys, key), len(self._keys) - 1)
            hit = self._keys[pos] == key
            rows_out.append(rows[hit])
            ids_out.append(self._key_cols[pos[hit]])
        if not rows_out:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        return np.concatenate(rows_out), np.concatenate(ids_out)

    def _dict_ids(self, prepared: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        get = self.index.get
        ids: list[int] = []
        lengths = np.empty(len(prepared), dtype=np.intp)
        for i, text in enumerate(prepared):
            grams = self._tokens(text)
            ids += map(get, grams, repeat(-1, len(grams)))  # -1: not in the vocabulary
            lengths[i] = len(grams)
        found = np.asarray(ids, dtype=np.int64)
        rows = np.repeat(np.arange(len(prepared), dtype=np.int64), lengths)
        known = found >= 0
        return rows[known], found[known]

    def _tfidf(self, rows: np.ndarray, found: np.ndarray, n_texts: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n_terms = len(self.terms)
        keys, counts = np.unique(rows * n_terms + found, return_counts=True)
        rows, cols = np.divmod(keys, n_terms)
        tf = counts.astype(np.float64)
        if self.sublinear_tf:
            tf = np.log(tf) + 1.0
        vals = tf * self.idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=vals * vals, minlength=n_texts))
        vals /= norms[rows]
        return rows, cols, vals


class LinearTextModel:
    """TF-IDF feature blocks followed by a multinomial linear classifier.

    Parameters
    ----------
    blocks : list of FeatureBlock
        Feature blocks, concatenated in order (a FeatureUnion).
    coef : ndarray of shape (n_classes, n_features)
    intercept : ndarray of shape (n_classes,)
    classes : sequence of str
        Class labels in column order.
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
        if link not in ("softmax", "sigmoid"):
            raise ValueError(f"unknown link {link!r}")
        self.link = link
        n_classes = len(classes)
        # "sigmoid": p_k is proportional to expit(scale_k * score_k + shift_k),
        # which covers one-vs-rest log-loss SGD and sigmoid-calibrated LinearSVC.
        self.scale = np.ones(n_classes) if scale is None else np.asarray(scale, dtype=np.float64)
        self.shift = np.zeros(n_classes) if shift is None else np.asarray(shift, dtype=np.float64)
        self.blocks = blocks
        self.coef = np.ascontiguousarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.classes = tuple(str(c) for c in classes)
        offsets = np.cumsum([0] + [len(b.terms) for b in blocks])
        self._offsets = offsets[:-1]
        if offsets[-1] != self.coef.shape[1]:
            raise ValueError("feature blocks and coefficients disagree in size")
        # Features x classes, so that one sentence's row is a contiguous gather.
        self._weights = np.ascontiguousarray(self.coef.T)

    @property
    def n_features(self) -> int:
        return self.coef.shape[1]

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

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Linear scores of shape (n_texts, n_classes)."""
        out = np.tile(self.intercept, (len(texts), 1))
        rows, cols, vals = self._sparse(texts)
        # One weighted bincount a class: no (n_features_used x n_classes) temporary.
        for k in range(out.shape[1]):
            out[:, k] += np.bincount(rows, weights=vals * self.coef[k, cols], minlength=len(texts))
        return out

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities from the decision function, by the model's link."""
        scores = self.decision_function(texts)
        if self.link == "softmax":
            return _softmax(scores)
        p = 1.0 / (1.0 + np.exp(-(self.scale * scores + self.shift)))
        total = p.sum(axis=1, keepdims=True)
        uniform = np.full_like(p, 1.0 / p.shape[1])
        return np.divide(p, total, out=uniform, where=total != 0)

    def term_contributions(self, text: str) -> tuple[list[str], np.ndarray]:
        """Each present term and its contribution to every class's score."""
        cols, vals = self.features(text)
        names = [self._term(c) for c in cols.tolist()]
        return names, vals[:, None] * self._weights[cols]

    def _term(self, column: int) -> str:
        block = int(np.searchsorted(self._offsets, column, side="right") - 1)
        return str(self.blocks[block].terms[column - self._offsets[block]])

    # -- persistence -------------------------------------------------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays: dict[str, np.ndarray] = {
            "format": np.array(_FORMAT),
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

    def save(self, path: str | Path) -> None:
        """Write the model as an uncompressed ``.npz`` file."""
        with open(path, "wb") as fh:
            np.savez(fh, **self.to_arrays())

    @classmethod
    def from_arrays(cls, arrays: Any) -> "LinearTextModel":
        if str(arrays["format"]) != _FORMAT:
            raise ValueError(f"unknown model format {str(arrays['format'])!r}, expected {_FORMAT!r}")
        blocks = [
            FeatureBlock(
                analyzer=str(arrays[f"b{i}_analyzer"]),
                ngram_range=tuple(int(v) for v in arrays[f"b{i}_ngram_range"]),  # type: ignore[arg-type]
                sublinear_tf=bool(arrays[f"b{i}_sublinear_tf"]),
                terms=arrays[f"b{i}_terms"],
                idf=arrays[f"b{i}_idf"],
                tokenizer=str(arrays.get(f"b{i}_tokenizer", "jieba")),
            )
            for i in range(int(arrays["n_blocks"]))
        ]
        link = str(arrays.get("link", "softmax"))
        return cls(
            blocks, arrays["coef"], arrays["intercept"], arrays["classes"].tolist(),
            link=link, scale=arrays.get("scale"), shift=arrays.get("shift"),
        )

    @classmethod
    def load(cls, path: str | Path) -> "LinearTextModel":
        with np.load(path, allow_pickle=False) as arrays:
            return cls.from_arrays({k: arrays[k] for k in arrays.files})


def _softmax(scores: np.ndarray) -> np.ndarray:
    z = scores - scores.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def _block_from_vectorizer(vec: Any) -> FeatureBlock:
    analyzer = "char" if vec.analyzer == "char" else "word"
    if analyzer == "word" and vec.tokenizer not in _TOKENIZER_NAMES:
        raise ValueError("only dimtag's jieba tokenizers can be exported")
    if vec.preprocessor is not prepare or vec.lowercase or vec.norm != "l2" or not vec.use_idf:
        raise ValueError("vectorizer settings not supported by the exporter")
    vocab = vec.vocabulary_
    terms = np.empty(len(vocab), dtype=object)
    for term, j in vocab.items():
        terms[j] = term
    return FeatureBlock(
        analyzer=analyzer,
        ngram_range=tuple(vec.ngram_range),
        sublinear_tf=bool(vec.sublinear_tf),
        terms=terms.astype(str),
        idf=np.asarray(vec.idf_, dtype=np.float64),
        tokenizer=_TOKENIZER_NAMES.get(vec.tokenizer, "jieba"),
    )


def from_pipeline(pipeline: Any) -> LinearTextModel:
    """Export a fitted ``Pipeline([features, classifier])``.

    ``features`` is a TfidfVectorizer or a FeatureUnion of them, built with
    ``preprocessor=prepare`` and either ``analyzer="char"`` or one of
    dimtag's jieba tokenizers. ``classifier`` is a multinomial
    LogisticRegression, a log-loss SGDClassifier, or a
    ``CalibratedClassifierCV(LinearSVC, method="sigmoid", ensemble=False)``.
    """
    features, clf = pipeline.steps[0][1], pipeline.steps[-1][1]
    vectorizers = [t for _, t in features.transformer_list] if hasattr(features, "transformer_list") else [features]
    blocks = [_block_from_vectorizer(v) for v in vectorizers]
    name = type(clf).__name__
    if name == "LogisticRegression":
        return LinearTextModel(blocks, clf.coef_, clf.intercept_, clf.classes_.tolist())
    if name == "SGDClassifier" and clf.loss == "log_loss":
        return LinearTextModel(blocks, clf.coef_, clf.intercept_, clf.classes_.tolist(), link="sigmoid")
    if name == "CalibratedClassifierCV" and clf.method == "sigmoid" and len(clf.calibrated_classifiers_) == 1:
        calibrated = clf.calibrated_classifiers_[0]
        base = calibrated.estimator
        if list(base.classes_) != list(clf.classes_):
            raise ValueError("calibrated classes differ from the estimator's")
        a = np.array([c.a_ for c in calibrated.calibrators])
        b = np.array([c.b_ for c in calibrated.calibrators])
        return LinearTextModel(blocks, base.coef_, base.intercept_, clf.classes_.tolist(), link="sigmoid", scale=-a, shift=-b)
    raise ValueError(f"cannot export classifier {name}")

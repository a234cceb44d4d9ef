"""Text preparation and tokenizers shared by training and inference.

Everything here lives at module level so that fitted scikit-learn pipelines
that reference it pickle and unpickle cleanly.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from itertools import repeat
from typing import Any

import numpy as np

from .errors import ModelError
from .vocabulary import (
    CJK_RANGES,
    CONTROLS,
    ENUMERATOR,
    FULLWIDTH_ALNUM,
    HALF_TO_FULL_PUNCT,
    INVISIBLE,
    MASK_PATTERN,
    OPENS_AFTER,
    PAYWALL_PATTERN,
    SPACES,
)

__all__ = [
    "FeatureBlock",
    "prepare",
    "prepare_joined",
    "has_content",
    "jieba_words",
    "plain_jieba_words",
    "cached_jieba_words",
    "user_words",
    "WORD_TOKENIZERS",
]

# One translate() call: fullwidth digits and letters to ASCII, half-width
# punctuation to its Chinese form, spaces and line ends to a space, invisible
# marks and control characters out (NUL also separates texts in a batch).
_TABLE: dict[int, int | str | None] = dict(FULLWIDTH_ALNUM)
_TABLE.update({ord(h): f for h, f in HALF_TO_FULL_PUNCT.items()})
_TABLE.update({ord(c): " " for c in SPACES + "\r\n"})
_TABLE.update({ord(c): None for c in INVISIBLE + CONTROLS})
# One regex pass removes what carries no meaning for the dimension: paywall
# markers, enumerators ("一是", "1.", "（一）", "①"), masked names (XXX, ××),
# digits and white space. Enumerators come before digits so that "1." goes
# whole. NUL counts as a text start, for batches joined with NUL.
_NOISE = re.compile(
    "|".join(
        (
            PAYWALL_PATTERN.pattern,
            rf"(?:^|(?<=[{OPENS_AFTER}\s\0]))(?:{ENUMERATOR})",
            MASK_PATTERN.pattern,
            r"\d+(?:\.\d+)?",
            r"[^\S\0]+",
        )
    ),
    re.IGNORECASE,
)


# Kept by the word tokenizer; tokens with neither a letter nor a CJK
# character (punctuation) are dropped.
_WORDLIKE = re.compile(rf"[\w{CJK_RANGES}]")


def prepare(text: str) -> str:
    """Normalize a sentence for the model, in one translate and one regex pass.

    Fullwidth/half-width forms are unified; masked names (``XXX``, ``××``),
    enumerators, digits and white space are removed so that they never
    become features. A lone "." becomes "。".

    Examples
    --------
    >>> prepare("一是对XXX同志的批评 2 次不够 .")
    '对同志的批评次不够。'
    >>> prepare("（二）学习不够,调研不深")
    '学习不够，调研不深'
    """
    return _NOISE.sub("", text.translate(_TABLE)).replace(".", "。")


_CONTENT = re.compile(f"[{CJK_RANGES}A-Za-z]")


def has_content(text: str) -> bool:
    """Tell whether a text holds anything to tag: a Chinese character or a letter, once prepared.

    Blank text, invisible marks, masked names, digits, emoji and private-use
    characters alone hold nothing.

    Examples
    --------
    >>> has_content("XXX\u200b 123 🙂"), has_content("学习不够")
    (False, True)
    """
    return _CONTENT.search(prepare(text)) is not None


def prepare_joined(texts: Sequence[str]) -> str:
    """``"\\0".join(prepare(t) for t in texts)``, with one regex pass for the batch.

    ``prepare`` removes NUL from every text, so NUL separates them safely.

    Examples
    --------
    >>> prepare_joined(["一是学习不够。", "二是XX调研少"]).split("\\0")
    ['学习不够。', '调研少']
    """
    joined = "\0".join([t.translate(_TABLE) for t in texts])
    return _NOISE.sub("", joined).replace(".", "。")


@lru_cache(maxsize=1)
def user_words() -> tuple[str, ...]:
    """The domain terms shipped in ``dimtag/resources/userdict.txt``."""
    text = resources.files("dimtag").joinpath("resources/userdict.txt").read_text(encoding="utf-8")
    return tuple(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


_tokenizers: dict[bool, object] = {}
_tokenizer_lock = threading.Lock()


def _jieba(user_dict: bool = True) -> Any:
    """A private, lazily built jieba tokenizer, with or without the domain dictionary.

    The global ``jieba.dt`` and its settings are never touched, and the
    tokenizer never writes a cache file, so read-only file systems work.
    """
    tok = _tokenizers.get(user_dict)
    if tok is None:
        with _tokenizer_lock:
            tok = _tokenizers.get(user_dict)
            if tok is None:
                tok = _tokenizers[user_dict] = _build_jieba(user_dict)
    return tok


def _build_jieba(user_dict: bool) -> Any:
    import logging

    try:
        import jieba
    except ImportError:
        raise ModelError(
            "this model uses word features, which need jieba: pip install 'dimtag[train]' (or pip install jieba)"
        ) from None

    # jieba logs "Building prefix dict" at DEBUG on its own logger; keep that
    # logger's level as the host set it, only silence this one call.
    log = logging.getLogger("jieba")
    previous = log.disabled
    log.disabled = True
    try:
        tok = jieba.Tokenizer()
        tok.FREQ, tok.total = tok.gen_pfdict(tok.get_dict_file())
        tok.initialized = True
        for word in user_words() if user_dict else ():
            tok.add_word(word, freq=100000)
    finally:
        log.disabled = previous
    return tok


def jieba_words(text: str) -> list[str]:
    """Segment a prepared sentence into words with the private jieba tokenizer.

    Punctuation is dropped; single characters are kept.

    Examples
    --------
    >>> "两个确立" in jieba_words("深刻领悟两个确立的决定性意义")
    True
    """
    return [w for w in _jieba().lcut(text, HMM=False) if _WORDLIKE.match(w)]


def plain_jieba_words(text: str) -> list[str]:
    """Like :func:`jieba_words` but without the domain dictionary (for comparison)."""
    return [w for w in _jieba(False).lcut(text, HMM=False) if _WORDLIKE.match(w)]


@lru_cache(maxsize=1 << 16)
def _cached(text: str) -> tuple[str, ...]:
    return tuple(jieba_words(text))


def cached_jieba_words(text: str) -> list[str]:
    """:func:`jieba_words` with a cache, for training.

    Grouped cross-validation vectorizes the same sentences once per fold and
    configuration; inference and benchmarks use the uncached function.
    """
    return list(_cached(text))


# Character n-grams up to this length are packed into one int64 key.
_BITS = 21  # every code point is below 2**21
_MAX_PACKED = 3


def _pack(terms: np.ndarray) -> np.ndarray:
    """The int64 key of every term of a str array: its code points, ``_BITS`` bits each, first one highest.

    Works on the array's code units (a ``<U3`` array is three uint32 per term,
    padded with zeros), so a vocabulary of 200,000 terms packs in milliseconds.
    """
    terms = np.ascontiguousarray(terms.astype(terms.dtype.newbyteorder("="), copy=False))  # code units as this machine reads them
    width = terms.dtype.itemsize // 4
    codes = terms.view(np.uint32).reshape(len(terms), width).astype(np.int64)
    lengths = np.char.str_len(terms)
    keys = np.zeros(len(terms), dtype=np.int64)
    for j in range(width):
        keys = np.where(j < lengths, (keys << _BITS) | codes[:, j], keys)
    return keys


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
            keys = _pack(self.terms)
            order = np.argsort(keys)
            self._keys: np.ndarray | None = keys[order]
            self._key_cols = order.astype(np.int64)
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
        words = WORD_TOKENIZERS[self.tokenizer](prepared)
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
        sorted_keys = self._keys
        assert sorted_keys is not None, "only blocks with packed keys come here"
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
            pos = np.minimum(np.searchsorted(sorted_keys, key), len(sorted_keys) - 1)
            hit = sorted_keys[pos] == key
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

#: Word tokenizers a model file may name, by their recorded name.
WORD_TOKENIZERS = {"jieba": jieba_words, "jieba-plain": plain_jieba_words}

"""Character shingles: the text reduced to what a copy keeps, hashed runs, and document frequencies.

The one home of these helpers for copy detection (:mod:`.copying`) and
genericity (:mod:`.concreteness`).
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["reduce_text", "shingles", "frequencies", "first_occurrences"]

_BASE = np.uint64(0x100000001B3)  # FNV prime: odd, large, so the 64-bit wrap mixes well
_MIX = np.uint64(0x9E3779B97F4A7C15)


def reduce_text(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The letters, digits and Han characters of ``text`` as code points (lower case), and their offsets.

    Examples
    --------
    >>> codes, offsets = reduce_text("学习，不够！ABC")
    >>> "".join(map(chr, codes)), offsets.tolist()
    ('学习不够abc', [0, 1, 3, 4, 6, 7, 8])
    """
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    keep, fold = _tables()
    bmp = codes < len(keep)
    kept = np.zeros(len(codes), dtype=bool)
    kept[bmp] = keep[codes[bmp]]
    for i in np.flatnonzero(~bmp):  # beyond the Basic Multilingual Plane: rare, asked one by one
        kept[i] = text[i].isalnum()
    offsets = np.flatnonzero(kept).astype(np.int32)
    reduced = codes[offsets]
    inside = reduced < len(fold)
    reduced[inside] = fold[reduced[inside]]
    return reduced, offsets


@functools.cache
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """For every code point of the Basic Multilingual Plane: is it a letter or digit, and its lower case.

    A character whose case folding is longer than itself (ß -> ss) keeps
    its lower case, so that offsets stay one a character.
    """
    chars = [chr(c) for c in range(0x10000)]
    keep = np.array([ch.isalnum() for ch in chars], dtype=bool)
    folded = [ch.casefold() for ch in chars]
    fold = np.array([ord(f) if len(f) == 1 else ord(ch.lower()[:1] or ch) for ch, f in zip(chars, folded)], dtype=np.uint32)
    return keep, fold


def shingles(codes: np.ndarray, k: int) -> np.ndarray:
    """64-bit hashes of every run of ``k`` code points (empty if shorter).

    Examples
    --------
    >>> h = shingles(reduce_text("学习学习")[0], 2)
    >>> len(h), bool(h[0] == h[2]), bool(h[0] == h[1])
    (3, True, False)
    """
    n = len(codes) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = np.zeros(n, dtype=np.uint64)
        for j in range(k):
            h *= _BASE
            h += codes[j : j + n]
        h ^= h >> np.uint64(31)
        h *= _MIX
        h ^= h >> np.uint64(29)
    return h


def frequencies(hashes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct shingles and the number of documents holding each (a repeat inside one counts once).

    Examples
    --------
    >>> keys, df = frequencies([np.array([5, 5, 7], dtype=np.uint64), np.array([7], dtype=np.uint64)])
    >>> keys.tolist(), df.tolist()
    ([5, 7], [1, 2])
    """
    every = np.concatenate([np.unique(h) for h in hashes]) if hashes else np.empty(0, dtype=np.uint64)
    if len(every) == 0:
        return every, np.empty(0, dtype=np.int32)
    every.sort()  # in place: np.unique(return_counts=True) would hold two more copies
    starts = np.flatnonzero(np.r_[True, every[1:] != every[:-1]])
    df = np.diff(np.r_[starts, len(every)]).astype(np.int32)
    return every[starts], df


def first_occurrences(hashes: np.ndarray) -> np.ndarray:
    """A boolean mask of the positions holding the first occurrence of their shingle.

    A document that repeats a sentence a thousand times holds each of its
    shingles once for copy detection, so that work grows with the distinct
    text, not with the repeats.

    Examples
    --------
    >>> first_occurrences(np.array([3, 4, 3, 5, 4], dtype=np.uint64)).tolist()
    [True, True, False, True, False]
    """
    mask = np.zeros(len(hashes), dtype=bool)
    if len(hashes):
        mask[np.unique(hashes, return_index=True)[1]] = True
    return mask

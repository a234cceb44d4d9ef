"""Copied passages between the documents of a folder, and the formulas they all share.

Exact character shingles with an inverted index (chosen over MinHash/LSH and
TF-IDF cosine by ``benchmarks/copying.py``):

1. Each text is reduced to its letters, digits and Han characters (a copy
   with changed punctuation or spacing still matches); every reduced
   character remembers its offset in the original text.
2. Every run of ``k`` reduced characters is hashed (64-bit polynomial hash,
   vectorised with numpy).
3. A shingle found in more than ``formula_share`` of the documents (and in at
   least three) is *formula language*: it never makes two documents a copied
   pair, and its runs are listed once as shared formulas.
4. Candidate pairs come from longer shingles (3/4 of ``min_chars``)
   found in two or more documents but not formula language, through an
   inverted index. Each document in turn counts, over the postings of its
   shingles, how many it shares with every other document: memory is one
   count per document, never one per pair of documents.
5. Pairs that share enough shingles are aligned: matching shingles on the
   same diagonal make runs, runs close to each other are merged into
   passages, and a passage is kept when at least ``min_chars`` of its
   characters are matched outside formula language. Passages are found
   wherever they sit, so a short passage copied into a long document is
   found too (containment, not resemblance of the whole documents).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "CopiedPassage", "CopyResult", "SharedFormula", "Shingles", "align", "candidate_rule", "candidate_shingles",
    "check_options", "choose_formulas", "find_copies", "formula_runs", "formula_threshold", "frequencies_of",
    "phrase_hashes", "shingle",
]

_BASE = np.uint64(0x100000001B3)  # FNV prime: odd, large, so the 64-bit wrap mixes well
_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class CopiedPassage:
    """A passage found in two documents.

    Offsets index the texts given to :func:`find_copies` (for a report, the
    cleaned text of each document, like the records' ``start``/``end``).

    Attributes
    ----------
    doc_a, doc_b : int
        Positions of the two documents in the input, ``doc_a < doc_b``.
    start_a, end_a, start_b, end_b : int
        The passage in each text.
    chars : int
        Characters matched in both, formula language excluded.
    similarity : float
        Matched characters over the passage's length (1.0 for a verbatim copy).
    """

    doc_a: int
    doc_b: int
    start_a: int
    end_a: int
    start_b: int
    end_b: int
    chars: int
    similarity: float


@dataclass(frozen=True)
class SharedFormula:
    """A phrase found in more than the formula share of the documents.

    Attributes
    ----------
    text : str
        The phrase in the wording most documents use.
    documents : int
        How many documents hold it.
    """

    text: str
    documents: int


@dataclass
class CopyResult:
    """What :func:`find_copies` found.

    Attributes
    ----------
    passages : list of CopiedPassage
        Sorted by pair, then by position in the first document.
    formulas : list of SharedFormula
        Each shared formula once, the most widespread first.
    formula_spans : list of list of (int, int)
        For each text, the spans of formula language in it.
    threshold : int
        A shingle in more than this many documents is formula language.
    """

    passages: list[CopiedPassage]
    formulas: list[SharedFormula]
    formula_spans: list[list[tuple[int, int]]]
    threshold: int


def formula_threshold(n_docs: int, formula_share: float) -> int:
    """The number of documents a phrase must exceed to be formula language.

    A phrase shared by two documents only is never a formula: that is the
    copied pair this module exists to find.

    Examples
    --------
    >>> formula_threshold(8, 0.25), formula_threshold(2000, 0.25), formula_threshold(4, 0.25)
    (2, 500, 2)
    """
    return max(2, int(formula_share * n_docs))


def _reduce(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The letters, digits and Han characters of ``text`` as code points, and their offsets."""
    keep = [i for i, ch in enumerate(text) if ch.isalnum()]
    reduced = "".join(text[i] for i in keep).casefold()
    if len(reduced) != len(keep):  # casefold can lengthen a character (ß -> ss); keep offsets exact
        reduced = "".join(text[i].lower()[:1] for i in keep)
    codes = np.frombuffer(reduced.encode("utf-32-le"), dtype=np.uint32)
    return codes, np.asarray(keep, dtype=np.int32)


def _shingles(codes: np.ndarray, k: int) -> np.ndarray:
    """64-bit hashes of every run of ``k`` code points (empty if shorter)."""
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


def _coverage(starts: np.ndarray, k: int, n: int) -> np.ndarray:
    """A 0/1 array of the ``n`` characters covered by shingles starting at ``starts``."""
    edges = np.zeros(n + 1, dtype=np.int64)
    np.add.at(edges, starts, 1)
    np.add.at(edges, starts + k, -1)
    return (np.cumsum(edges[:n]) > 0).astype(np.int64)


def _runs(positions: np.ndarray, k: int, same_line: np.ndarray) -> list[tuple[int, int]]:
    """Merge sorted shingle start positions into covered character spans ``[start, end)``, one line each."""
    if len(positions) == 0:
        return []
    breaks = np.flatnonzero((np.diff(positions) > 1) | (np.diff(same_line[positions]) != 0)) + 1
    starts = positions[np.r_[0, breaks]]
    ends = positions[np.r_[breaks - 1, len(positions) - 1]] + k
    return list(zip(starts.tolist(), ends.tolist()))


def find_copies(
    texts: Sequence[str],
    *,
    k: int = 8,
    min_chars: int = 40,
    formula_share: float = 0.25,
    max_gap: int = 6,
    ignore: Iterable[str] = (),
) -> CopyResult:
    """Find passages copied between texts, apart from formula language.

    Parameters
    ----------
    texts : sequence of str
        One text per document.
    k : int
        Shingle length in characters (letters, digits and Han characters
        only; punctuation and spaces are skipped).
    min_chars : int
        A passage is reported when at least this many of its characters
        match outside formula language.
    formula_share : float
        A shingle in more than this share of the documents (and in at least
        three) is formula language.
    max_gap : int
        Matches this many characters apart or closer are one passage (a
        changed or inserted word does not split a copy in two).
    ignore : iterable of str
        Phrases that are formula language wherever they occur, beside those
        found by ``formula_share`` (never copying, not listed as formulas).

    Returns
    -------
    CopyResult

    Examples
    --------
    >>> copied = "对群众反映的问题只登记在台账上，跟踪督办不够，个别诉求拖了两三个月才给答复，群众有不少怨言。"
    >>> texts = ["我的发言。" + copied + "请批评指正。", "首先说明情况。" + copied, "另一份材料，请批评指正。"]
    >>> result = find_copies(texts)
    >>> [(p.doc_a, p.doc_b, texts[p.doc_b][p.start_b:p.end_b] == copied) for p in result.passages]
    [(0, 1, True)]
    >>> find_copies(texts, ignore=["对群众反映的问题只登记在台账上，跟踪督办不够"]).passages
    []
    """
    check_options(k, min_chars, formula_share)
    n_docs = len(texts)
    threshold = formula_threshold(n_docs, formula_share)
    ignored = phrase_hashes(ignore, k)
    shingled = [shingle(t, k) for t in texts]

    keys, df = _frequencies([s.hashes for s in shingled])
    if len(keys) == 0:
        return CopyResult([], [], [[] for _ in texts], threshold)

    dfs = [frequencies_of(s.hashes, keys, df) for s in shingled]
    del keys, df
    formula = [(d > threshold) | np.isin(s.hashes, ignored) for s, d in zip(shingled, dfs)]
    _, min_shared = candidate_rule(k, min_chars)
    pairs = _candidate_pairs(
        [candidate_shingles(s, f, k, min_chars) for s, f in zip(shingled, formula)], threshold, min_shared
    )
    runs = [formula_runs(text, s, d, threshold, k) for text, s, d in zip(texts, shingled, dfs)]

    passages = []
    for i, j in pairs:
        passages.extend(
            align(i, j, texts[i], texts[j], shingled[i], shingled[j], formula[i], k=k, min_chars=min_chars, max_gap=max_gap)
        )
    passages.sort(key=lambda p: (p.doc_a, p.doc_b, p.start_a))
    formula_spans = [[(a, b) for a, b, _ in doc_runs] for doc_runs in runs]
    return CopyResult(passages, _formulas(texts, runs), formula_spans, threshold)


def check_options(k: int, min_chars: int, formula_share: float) -> None:
    """Refuse options copy detection cannot work with (ValueError)."""
    if k < 2 or min_chars < k:
        raise ValueError("need 2 <= k <= min_chars")
    if not 0.0 < formula_share <= 1.0:
        raise ValueError("formula_share must be in (0, 1]")


# The steps of find_copies for one document or one pair, public so that a
# distributed run (dimtag.spark) computes each of them with this very code.


@dataclass(frozen=True)
class Shingles:
    """A text as copy detection reads it.

    Attributes
    ----------
    codes : ndarray of uint32
        Its letters, digits and Han characters (casefolded), as code points.
    offsets : ndarray of int32
        The offset of each of them in the text.
    hashes : ndarray of uint64
        The hash of every run of ``k`` of them, in order.
    """

    codes: np.ndarray
    offsets: np.ndarray
    hashes: np.ndarray


def shingle(text: str, k: int = 8) -> Shingles:
    """Reduce a text and hash its runs of ``k`` characters.

    Examples
    --------
    >>> s = shingle("学习，不够深入。", k=2)
    >>> s.offsets.tolist(), len(s.hashes)
    ([0, 1, 3, 4, 5, 6], 5)
    """
    codes, offsets = _reduce(text)
    return Shingles(codes, offsets, _shingles(codes, k))


def phrase_hashes(phrases: Iterable[str], k: int = 8) -> np.ndarray:
    """The sorted distinct shingle hashes of phrases (an ignore list)."""
    found = [shingle(p, k).hashes for p in phrases]
    return np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.uint64)


def frequencies_of(hashes: np.ndarray, keys: np.ndarray, df: np.ndarray) -> np.ndarray:
    """The document frequency of each hash, from sorted ``keys`` and their ``df`` (0 for a hash not in keys)."""
    if len(keys) == 0:
        return np.zeros(len(hashes), dtype=np.int32)
    slot = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
    return np.where(keys[slot] == hashes, df[slot], 0).astype(np.int32)


def candidate_rule(k: int, min_chars: int) -> tuple[int, int]:
    """The length of the shingles that make candidate pairs, and how many of them a pair must share.

    Long shingles (3/4 of ``min_chars``): a copy of ``min_chars`` holds many
    of them, while phrasing that many documents share by habit (runs of ten
    or twenty characters) holds few or none. Short shingles would make
    nearly every pair of a large folder a candidate.

    Examples
    --------
    >>> candidate_rule(8, 40)
    (30, 11)
    """
    span = max(k, min_chars * 3 // 4)
    return span, min_chars - span + 1


def candidate_shingles(shingled: Shingles, formula: np.ndarray, k: int, min_chars: int) -> np.ndarray:
    """The distinct long shingles of a text that can make it one of a candidate pair.

    ``formula`` marks the text's formula shingles. Long shingles made mostly
    of formula characters are left out: two formulas side by side in the
    documents that leave out a third between them, or a formula and the
    number that follows it ("共收集意见25条").
    """
    span, _ = candidate_rule(k, min_chars)
    codes = shingled.codes
    in_formula = np.cumsum(np.r_[0, _coverage(np.flatnonzero(formula), k, len(codes))])
    long_h = _shingles(codes, span)
    own = span - (in_formula[span:] - in_formula[: len(long_h)])
    return np.unique(long_h[own >= span // 2])


def formula_runs(text: str, shingled: Shingles, df: np.ndarray, threshold: int, k: int) -> list[tuple[int, int, int]]:
    """The formula language of a text: ``(start, end, anchor)`` runs, one line at a time.

    ``df`` gives the document frequency of each of the text's shingles (it
    needs to be right only above ``threshold``). Each run is named by its
    most widespread shingle, its anchor, so that the same formula is listed
    once however much context different documents share around it.
    """
    h, offs = shingled.hashes, shingled.offsets
    line = np.searchsorted(np.flatnonzero(np.frombuffer(text.encode("utf-32-le"), np.uint32) == 10), offs)
    one_line = line[: len(h)] == line[k - 1 :] if len(h) else np.empty(0, dtype=bool)
    runs = _runs(np.flatnonzero((df > threshold) & one_line), k, same_line=line)
    return [(int(offs[a]), int(offs[b - 1]) + 1, int(h[a + np.argmax(df[a : b - k + 1])])) for a, b in runs]


def _frequencies(hashes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct shingles and the number of documents holding each."""
    every = np.concatenate([np.unique(h) for h in hashes]) if hashes else np.empty(0, dtype=np.uint64)
    if len(every) == 0:
        return every, np.empty(0, dtype=np.int32)
    every.sort()  # in place: np.unique(return_counts=True) would hold two more copies
    starts = np.flatnonzero(np.r_[True, every[1:] != every[:-1]])
    df = np.diff(np.r_[starts, len(every)]).astype(np.int32)
    return every[starts], df


def _candidate_pairs(hashes: list[np.ndarray], threshold: int, min_shared: int) -> list[tuple[int, int]]:
    """Pairs of documents sharing at least ``min_shared`` shingles that are not formula language.

    Memory is the inverted index plus one counter per document: the pairs
    are counted one document at a time.
    """
    n_docs = len(hashes)
    uniques = [np.unique(h) for h in hashes]
    if sum(len(u) for u in uniques) == 0:
        return []
    every = np.concatenate(uniques)
    owner = np.repeat(np.arange(n_docs, dtype=np.int32), [len(u) for u in uniques])
    keys, df = np.unique(every, return_counts=True)
    keep = (df >= 2) & (df <= threshold)
    # The postings of the kept shingles, grouped by shingle.
    in_postings = keep[np.searchsorted(keys, every)]
    every, owner = every[in_postings], owner[in_postings]
    order = np.argsort(every, kind="stable")
    post_doc = owner[order]
    post_keys, post_start, post_len = np.unique(every[order], return_index=True, return_counts=True)
    del every, owner, order, in_postings, keys, df

    pairs: list[tuple[int, int]] = []
    for i, u in enumerate(uniques):
        slot = np.searchsorted(post_keys, u)
        inside = slot < len(post_keys)
        inside[inside] = post_keys[slot[inside]] == u[inside]
        slot = slot[inside]
        if len(slot) < min_shared:
            continue
        lengths = post_len[slot]
        offsets = np.repeat(post_start[slot] - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        shared = np.bincount(post_doc[offsets], minlength=n_docs)
        shared[: i + 1] = 0  # each pair once, from its first document
        pairs.extend((i, int(j)) for j in np.flatnonzero(shared >= min_shared))
    return pairs


def align(
    i: int, j: int, text_a: str, text_b: str, a: Shingles, b: Shingles, formula_a: np.ndarray,
    *, k: int = 8, min_chars: int = 40, max_gap: int = 6,
) -> list[CopiedPassage]:
    """The passages shared by documents ``i`` and ``j`` (a candidate pair).

    ``formula_a`` marks the formula shingles of ``a``. Formula shingles take
    part in the alignment (a copy may run through a formula) but their
    characters never count as copied.

    Examples
    --------
    >>> copied = "对群众反映的问题只登记在台账上，跟踪督办不够，个别诉求拖了两三个月才给答复，群众有不少怨言。"
    >>> a, b = "我的发言。" + copied, copied + "请批评指正。"
    >>> sa, sb = shingle(a), shingle(b)
    >>> [(p.start_a, p.end_a, p.start_b, p.end_b, p.chars) for p in align(0, 1, a, b, sa, sb, np.zeros(len(sa.hashes), bool))]
    [(5, 51, 0, 46, 42)]
    """
    ha, hb = a.hashes, b.hashes
    pos_a = np.arange(len(ha))
    order_b = np.argsort(hb, kind="stable")
    sorted_b = hb[order_b]
    lo = np.searchsorted(sorted_b, ha[pos_a], side="left")
    hi = np.searchsorted(sorted_b, ha[pos_a], side="right")
    hit = hi > lo
    pos_a, lo, hi = pos_a[hit], lo[hit], hi[hit]
    if len(pos_a) == 0:
        return []
    counts = hi - lo
    pa = np.repeat(pos_a, counts)
    pb = order_b[np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())]
    formula = formula_a[pa]

    # Runs along diagonals, then runs merged across nearby diagonals.
    diag = pb - pa
    order = np.lexsort((pa, diag))
    pa, pb, diag, formula = pa[order], pb[order], diag[order], formula[order]
    new = np.r_[True, (np.diff(diag) != 0) | (np.diff(pa) > k + max_gap)]
    starts = np.flatnonzero(new)
    ends = np.r_[starts[1:], len(pa)]
    runs = sorted(
        (int(pa[s]), int(pa[e - 1]) + k, int(pb[s]), int(pb[e - 1]) + k, pa[s:e], formula[s:e])
        for s, e in zip(starts, ends)
    )
    merged: list[list[Any]] = []
    for run in runs:
        if merged:
            last = merged[-1]
            near_a = run[0] - last[1] <= max_gap
            near_b = -k - max_gap <= run[2] - last[3] <= max_gap
            if near_a and near_b:
                last[1], last[3] = max(last[1], run[1]), max(last[3], run[3])
                last[4].append(run[4])
                last[5].append(run[5])
                continue
        merged.append([run[0], run[1], run[2], run[3], [run[4]], [run[5]]])

    offs_a, offs_b = a.offsets, b.offsets
    found = []
    for a0, a1, b0, b1, starts_list, formula_list in merged:
        starts_all = np.concatenate(starts_list)
        formula_all = np.concatenate(formula_list)
        covered = np.zeros(a1 - a0, dtype=bool)
        in_formula = np.zeros(a1 - a0, dtype=bool)
        for p in starts_all[~formula_all] - a0:
            covered[p : p + k] = True
        for p in starts_all[formula_all] - a0:
            in_formula[p : p + k] = True
        own = int(np.count_nonzero(covered & ~in_formula))
        if own < min_chars:
            continue
        matched = int(np.count_nonzero(covered | in_formula))
        found.append(
            CopiedPassage(
                i, j, *_widen(text_a, int(offs_a[a0]), int(offs_a[a1 - 1]) + 1),
                *_widen(text_b, int(offs_b[b0]), int(offs_b[b1 - 1]) + 1),
                own, round(matched / max(a1 - a0, b1 - b0), 4),
            )
        )
    return found


_OPENERS = "“‘「『（《"
_CLOSERS = "。！？；”’」』）》"


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in the quotes and brackets around a span, and the mark that ends its sentence."""
    while start > 0 and text[start - 1] in _OPENERS:
        start -= 1
    while end < len(text) and text[end] in _CLOSERS:
        end += 1
    return start, end


def _formulas(texts: Sequence[str], runs: list[list[tuple[int, int, int]]]) -> list[SharedFormula]:
    """Each formula once: the runs that share an anchor shingle, with the documents that hold them."""
    docs: dict[int, set[int]] = defaultdict(set)
    written: Counter[tuple[int, str]] = Counter()
    first: dict[tuple[int, str], tuple[int, int]] = {}
    for d, (text, doc_runs) in enumerate(zip(texts, runs)):
        for r, (a, b, anchor) in enumerate(doc_runs):
            docs[anchor].add(d)
            written[anchor, text[a:b]] += 1
            first.setdefault((anchor, text[a:b]), (d, r))
    wordings = [(anchor, text, count, first[anchor, text]) for (anchor, text), count in written.items()]
    return choose_formulas(wordings, {anchor: len(holders) for anchor, holders in docs.items()})


def choose_formulas(
    wordings: Iterable[tuple[int, str, int, tuple[int, int]]], documents: Mapping[int, int]
) -> list[SharedFormula]:
    """Each formula once, in the wording most documents use, the most widespread first.

    Parameters
    ----------
    wordings : iterable of (anchor, text, occurrences, first)
        Each wording of each formula (named by its anchor shingle), how
        often it occurs, and where it first does: ``(document, run)``.
    documents : mapping of anchor to int
        How many documents hold each formula.

    Examples
    --------
    >>> choose_formulas([(7, "以上发言", 3, (0, 2)), (7, "以上发言，", 3, (1, 0)), (9, "请批评指正", 4, (0, 3))], {7: 5, 9: 4})
    [SharedFormula(text='以上发言', documents=5), SharedFormula(text='请批评指正', documents=4)]
    """
    best: dict[int, tuple[tuple[int, int, tuple[int, int]], str]] = {}
    first_of: dict[int, tuple[int, int]] = {}
    for anchor, text, count, first in wordings:
        # The wording most documents use; the shorter, then the earlier, on a tie.
        key = (-count, len(text), first)
        if anchor not in best or key < best[anchor][0]:
            best[anchor] = (key, text)
        first_of[anchor] = min(first_of.get(anchor, first), first)
    chosen = sorted(
        ((documents[anchor], text, first_of[anchor]) for anchor, (_, text) in best.items()),
        key=lambda f: (-f[0], -len(f[1]), f[1], f[2]),
    )
    return [SharedFormula(text, n) for n, text, _ in chosen]

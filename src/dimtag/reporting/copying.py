"""Copied passages between the documents of a folder, and the formulas they all share.

Exact character shingles with an inverted index (chosen over MinHash/LSH and
TF-IDF cosine by ``benchmarks/copying.py``):

1. Each text is reduced to its letters, digits and Han characters (a copy
   with changed punctuation or spacing still matches); every reduced
   character remembers its offset in the original text. A shingle repeated
   inside one document counts once (its first occurrence), so a document
   that repeats one sentence a thousand times costs what one copy costs.
2. Every run of ``k`` reduced characters is hashed (64-bit polynomial hash,
   vectorised with numpy; :mod:`.shingles`).
3. A shingle found in more than ``formula_share`` of the documents (and in at
   least three) is *formula language*: it never makes documents copies of
   each other, and its runs are listed once as shared formulas.
4. A passage found in exactly two documents is a *copied pair*. Candidate
   pairs come from longer shingles (3/4 of ``min_chars``) found in exactly
   two documents: each such shingle names one pair, so finding them is a
   sort, linear in the folder's characters.
5. Pairs are aligned: matching shingles on the same diagonal make runs, runs
   close to each other are merged into passages, and a passage is kept when
   at least ``min_chars`` of its characters are matched in these two
   documents only. Passages are found wherever they sit, so a short passage
   copied into a long document is found too (containment, not resemblance
   of the whole documents).
6. A passage found in three or more documents (but not formula language) is
   a *shared passage*: reported once with every document that holds it,
   never as each of their pairs. Its shingles are grouped by the set of
   documents holding them (a hash of the set), so the work is linear too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..vocabulary import CLOSERS, OPENERS, SENTENCE_END
from .shingles import first_occurrences, frequencies, reduce_text, shingles

__all__ = ["CopiedPassage", "CopyResult", "SharedFormula", "SharedPassage", "find_copies", "formula_threshold"]
# The steps a distributed run (dimtag.spark) calls too, so that both give the same answers: public, not re-exported.
__all__ += [
    "Shingled", "align", "candidate_rule", "candidate_shingles", "check_options", "formula_runs", "holder_hash",
    "name_formulas", "shared_groups", "shared_runs", "shingled",
]


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
class SharedPassage:
    """A passage found in three or more documents (and in no more than the formula share): reported once.

    Attributes
    ----------
    docs : tuple of int
        The documents holding it, in input order.
    spans : tuple of (int, int)
        The passage in each of them (offsets into its text), in the order of ``docs``.
    chars : int
        Characters matched in every one of them (the fewest over the documents).
    """

    docs: tuple[int, ...]
    spans: tuple[tuple[int, int], ...]
    chars: int


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
        Passages of exactly two documents, sorted by pair, then by position
        in the first document.
    shared : list of SharedPassage
        Passages of three or more documents, each once, the most widespread first.
    formulas : list of SharedFormula
        Each shared formula once, the most widespread first.
    formula_spans : list of list of (int, int)
        For each text, the spans of formula language in it.
    threshold : int
        A shingle in more than this many documents is formula language.
    """

    passages: list[CopiedPassage]
    shared: list[SharedPassage]
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


def check_options(k: int, min_chars: int, formula_share: float) -> None:
    """Raise ValueError for options :func:`find_copies` cannot work with."""
    if k < 2 or min_chars < k:
        raise ValueError("need 2 <= k <= min_chars")
    if not 0.0 < formula_share <= 1.0:
        raise ValueError("formula_share must be in (0, 1]")


@dataclass(frozen=True)
class Shingled:
    """One document as copy detection sees it.

    Attributes
    ----------
    text : str
        The text compared.
    codes, offsets : numpy.ndarray
        Its reduced characters and their offsets in ``text`` (:func:`~.shingles.reduce_text`).
    hashes : numpy.ndarray
        Its ``k``-character shingles (:func:`~.shingles.shingles`).
    df : numpy.ndarray
        For each shingle, the number of documents holding it; 0 for a repeat
        inside the document (after its first occurrence), never matched.
        A step that reads only some of these numbers may be given a
        document whose other numbers stand in (see each step).
    """

    text: str
    codes: np.ndarray
    offsets: np.ndarray
    hashes: np.ndarray
    df: np.ndarray


def shingled(text: str, k: int) -> Shingled:
    """``text`` reduced and shingled, ``df`` 1 for a first occurrence and 0 for a repeat (no other document known yet)."""
    codes, offsets = reduce_text(text)
    hashes = shingles(codes, k)
    return Shingled(text, codes, offsets, hashes, first_occurrences(hashes).astype(np.int32))


def candidate_rule(k: int, min_chars: int) -> tuple[int, int]:
    """The length of the shingles that propose candidate pairs, and how many a pair must share no other document holds.

    Candidate pairs come from long shingles (3/4 of min_chars): a copy of
    min_chars holds many of them, while phrasing that many documents share
    by habit (runs of ten or twenty characters) holds few or none. Short
    shingles would make nearly every pair of a large folder a candidate.

    Examples
    --------
    >>> candidate_rule(8, 40)
    (30, 11)
    """
    span = max(k, min_chars * 3 // 4)
    return span, min_chars - span + 1


def candidate_shingles(doc: Shingled, threshold: int, k: int, min_chars: int) -> np.ndarray:
    """The distinct long shingles of a document that may propose it as one of a candidate pair.

    Long shingles made mostly of formula characters are left out: two
    formulas side by side in the documents that leave out a third between
    them, or a formula and the number that follows it ("共收集意见25条").
    Reads ``doc.df`` only as more than ``threshold`` or not.
    """
    span, _ = candidate_rule(k, min_chars)
    in_formula = np.cumsum(np.r_[0, _coverage(np.flatnonzero(doc.df > threshold), k, len(doc.codes))])
    long_h = shingles(doc.codes, span)
    own = span - (in_formula[span:] - in_formula[: len(long_h)])
    return np.unique(long_h[own >= span // 2])


def formula_runs(doc: Shingled, threshold: int, k: int) -> tuple[list[tuple[int, int]], list[int]]:
    """A document's runs of formula language (spans in its text), one line at a time, each with its anchor.

    A run is named by its most widespread shingle (the first on a tie) so
    that the same formula is listed once however much context different
    documents share around it. Reads ``doc.df`` as more than ``threshold``
    or not, and exactly where it is more.
    """
    h, d, offs = doc.hashes, doc.df, doc.offsets
    line = np.searchsorted(np.flatnonzero(np.frombuffer(doc.text.encode("utf-32-le"), np.uint32) == 10), offs)
    one_line = line[: len(h)] == line[k - 1 :] if len(h) else np.empty(0, dtype=bool)
    runs = _runs(np.flatnonzero((d > threshold) & one_line), k, same_line=line)
    spans = [(int(offs[a]), int(offs[b - 1]) + 1) for a, b in runs]
    return spans, [int(h[a + np.argmax(d[a : b - k + 1])]) for a, b in runs]


def find_copies(
    texts: Sequence[str],
    *,
    k: int = 8,
    min_chars: int = 40,
    formula_share: float = 0.25,
    max_gap: int = 6,
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
    """
    check_options(k, min_chars, formula_share)
    threshold = formula_threshold(len(texts), formula_share)
    docs = [shingled(t, k) for t in texts]
    hashes = [doc.hashes for doc in docs]

    keys, df = frequencies(hashes)
    if len(keys) == 0:
        return CopyResult([], [], [], [[] for _ in texts], threshold)
    # Each document's shingles with their document frequency (one sort of
    # them all: a lookup per shingle in the folder's keys would cost a cache
    # miss per step of a binary search); a repeat inside one document (after
    # its first occurrence) is marked 0 and never matched.
    where = np.unique(np.concatenate(hashes), return_inverse=True)[1].reshape(-1)
    every_df = df[where].astype(np.int32)
    del keys, df, where
    bounds = np.cumsum([0, *(len(h) for h in hashes)])
    for n, doc in enumerate(docs):  # 1 for a first occurrence becomes its document frequency, a repeat stays 0
        doc.df[:] *= every_df[bounds[n] : bounds[n + 1]]
    del every_df

    _, min_shared = candidate_rule(k, min_chars)
    pairs = _candidate_pairs([candidate_shingles(doc, threshold, k, min_chars) for doc in docs], min_shared)
    runs = [formula_runs(doc, threshold, k) for doc in docs]
    formula_spans = [spans for spans, _ in runs]
    passages = [p for i, j in pairs for p in align(i, j, docs[i], docs[j], k=k, min_chars=min_chars, max_gap=max_gap)]
    passages.sort(key=lambda p: (p.doc_a, p.doc_b, p.start_a))
    shared = _shared(docs, threshold, k, min_chars, max_gap)
    holders: dict[int, set[int]] = defaultdict(set)
    written: dict[int, Counter[str]] = defaultdict(Counter)
    for d, (doc, (spans, anchors)) in enumerate(zip(docs, runs)):
        for (a, b), anchor in zip(spans, anchors):
            holders[anchor].add(d)
            written[anchor][doc.text[a:b]] += 1
    formulas = name_formulas({anchor: len(held) for anchor, held in holders.items()}, written)
    return CopyResult(passages, shared, formulas, formula_spans, threshold)


def _holders(hashes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every distinct shingle of the documents, sorted, with the documents holding it (stable: in input order).

    Returns the sorted shingles (one entry a holder), their holders, and the
    index of each distinct shingle's first entry.
    """
    uniques = [np.unique(h) for h in hashes]
    every = np.concatenate(uniques) if uniques else np.empty(0, dtype=np.uint64)
    owner = np.repeat(np.arange(len(hashes), dtype=np.int64), [len(u) for u in uniques])
    order = np.argsort(every, kind="stable")
    every, owner = every[order], owner[order]
    starts = np.flatnonzero(np.r_[True, every[1:] != every[:-1]]) if len(every) else np.empty(0, dtype=np.intp)
    return every, owner, starts


def _candidate_pairs(hashes: list[np.ndarray], min_shared: int) -> list[tuple[int, int]]:
    """Pairs of documents sharing at least ``min_shared`` shingles that no other document holds.

    Each shingle held by exactly two documents names one pair, so the pairs
    are counted by one sort of the folder's shingles: time and memory grow
    with its characters, never with its pairs of documents.
    """
    n_docs = len(hashes)
    every, owner, starts = _holders(hashes)
    if len(every) == 0:
        return []
    two = starts[np.diff(np.r_[starts, len(every)]) == 2]
    codes, counts = np.unique(owner[two] * n_docs + owner[two + 1], return_counts=True)
    return [(int(c) // n_docs, int(c) % n_docs) for c in codes[counts >= min_shared]]


def _matches(a: Shingled, b: Shingled) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``a`` and ``b`` of the shingles both hold (first occurrences, so each matches once)."""
    pos_a = np.flatnonzero(a.df >= 2)
    pos_b = np.flatnonzero(b.df >= 2)
    if len(pos_a) == 0 or len(pos_b) == 0:
        return pos_a[:0], pos_b[:0]
    order = np.argsort(b.hashes[pos_b], kind="stable")
    sorted_b = b.hashes[pos_b][order]
    slot = np.minimum(np.searchsorted(sorted_b, a.hashes[pos_a]), len(sorted_b) - 1)
    hit = sorted_b[slot] == a.hashes[pos_a]
    return pos_a[hit], pos_b[order[slot[hit]]]


@dataclass
class _Passage:
    """Runs being merged into one passage: reduced spans in both documents, and its matches (as slices)."""

    a0: int
    a1: int
    b0: int
    b1: int
    slices: list[tuple[int, int]]


def align(i: int, j: int, a: Shingled, b: Shingled, *, k: int, min_chars: int, max_gap: int) -> list[CopiedPassage]:
    """The passages shared by documents ``i`` (``a``) and ``j`` (``b``) and by no other document.

    Reads ``df`` only as: at least 2 (a shingle that may match; every
    shingle both hold is) and, in ``a``, exactly 2 (held by these two
    documents only).
    """
    pa, pb = _matches(a, b)
    if len(pa) == 0:
        return []
    # Shingles other documents hold too (formulas, shared passages) take part
    # in the alignment (a copy may run through them) but never count as copied.
    counted = a.df[pa] == 2

    # Runs along diagonals, then runs merged across nearby diagonals.
    diag = pb - pa
    order = np.lexsort((pa, diag))
    pa, pb, diag, counted = pa[order], pb[order], diag[order], counted[order]
    new = np.r_[True, (np.diff(diag) != 0) | (np.diff(pa) > k + max_gap)]
    starts = np.flatnonzero(new)
    ends = np.r_[starts[1:], len(pa)]
    runs = sorted(zip(pa[starts].tolist(), (pa[ends - 1] + k).tolist(), pb[starts].tolist(),
                      (pb[ends - 1] + k).tolist(), starts.tolist(), ends.tolist()))
    merged: list[_Passage] = []
    for a0, a1, b0, b1, s, e in runs:
        last = merged[-1] if merged else None
        if last is not None and a0 - last.a1 <= max_gap and -k - max_gap <= b0 - last.b1 <= max_gap:
            last.a1, last.b1 = max(last.a1, a1), max(last.b1, b1)
            last.slices.append((s, e))
        else:
            merged.append(_Passage(a0, a1, b0, b1, [(s, e)]))

    offs_a, offs_b = a.offsets, b.offsets
    found = []
    for m in merged:
        at = np.concatenate([np.arange(s, e) for s, e in m.slices])
        relative, mine = pa[at] - m.a0, counted[at]
        length = m.a1 - m.a0
        covered = _coverage(relative[mine], k, length).astype(bool)
        elsewhere = _coverage(relative[~mine], k, length).astype(bool)
        own = int(np.count_nonzero(covered & ~elsewhere))
        if own < min_chars:
            continue
        matched = int(np.count_nonzero(covered | elsewhere))
        found.append(
            CopiedPassage(
                i, j, *_widen(a.text, int(offs_a[m.a0]), int(offs_a[m.a1 - 1]) + 1),
                *_widen(b.text, int(offs_b[m.b0]), int(offs_b[m.b1 - 1]) + 1),
                own, round(matched / max(length, m.b1 - m.b0), 4),
            )
        )
    return found


# What closes a copied passage's sentence: its end mark and closing quotes or brackets.
_ENDS = SENTENCE_END + CLOSERS


def holder_hash(docs: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each document id; summed over a shingle's holders (wrapping), it names the set of holders."""
    with np.errstate(over="ignore"):
        x = (docs.astype(np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
        x ^= x >> np.uint64(31)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
    return x


def _shared(docs: list[Shingled], threshold: int, k: int, min_chars: int, max_gap: int) -> list[SharedPassage]:
    """Passages held by three or more documents, each once with all its documents."""
    in_range = [(doc.df >= 3) & (doc.df <= threshold) for doc in docs]
    every, owner, starts = _holders([doc.hashes[m] for doc, m in zip(docs, in_range)])
    if len(every) == 0:
        return []
    keys = every[starts]
    with np.errstate(over="ignore"):
        holders = np.add.reduceat(holder_hash(owner), starts)
    del every, owner
    found: dict[int, dict[int, tuple[int, int, int]]] = defaultdict(dict)
    for d, (doc, mask) in enumerate(zip(docs, in_range)):
        pos = np.flatnonzero(mask)
        for sig, best in shared_runs(doc, pos, holders[np.searchsorted(keys, doc.hashes[pos])], k, min_chars, max_gap).items():
            found[sig][d] = best
    return shared_groups(found)


def shared_runs(
    doc: Shingled, pos: np.ndarray, sig: np.ndarray, k: int, min_chars: int, max_gap: int
) -> dict[int, tuple[int, int, int]]:
    """A document's longest passage with each set of holders: its span and characters, by the set's signature.

    ``pos``: the positions (ascending) of the document's first occurrences of
    shingles held by three documents up to the formula threshold; ``sig``:
    the sum of :func:`holder_hash` over each one's holders. Runs of shingles
    with the same holders, a short gap (a phrase other documents share too,
    a changed word) allowed inside.
    """
    found: dict[int, tuple[int, int, int]] = {}
    min_shingles = min_chars - k + 1
    if len(pos) < min_shingles:
        return found
    order = np.lexsort((pos, sig))
    pos, sig = pos[order], sig[order]
    run_starts = np.flatnonzero(np.r_[True, (sig[1:] != sig[:-1]) | (np.diff(pos) > k + max_gap)])
    run_ends = np.r_[run_starts[1:], len(pos)]
    offs = doc.offsets
    for s, e in zip(run_starts.tolist(), run_ends.tolist()):
        if e - s < min_shingles:
            continue
        p = pos[s:e]
        chars = int(k + np.minimum(np.diff(p), k).sum())  # the characters the run's shingles cover
        best = found.get(int(sig[s]))
        if chars >= min_chars and (best is None or chars > best[2]):  # a document's longest run with these holders
            found[int(sig[s])] = (*_widen(doc.text, int(offs[p[0]]), int(offs[p[-1] + k - 1]) + 1), chars)
    return found


def shared_groups(found: Mapping[int, Mapping[int, tuple[int, int, int]]]) -> list[SharedPassage]:
    """The shared passages from each set of holders' longest run per document (:func:`shared_runs`), by signature."""
    shared = [
        SharedPassage(tuple(sorted(spans)), tuple(spans[d][:2] for d in sorted(spans)), min(v[2] for v in spans.values()))
        for spans in found.values() if len(spans) >= 2
    ]
    shared.sort(key=lambda g: (-len(g.docs), g.docs, g.spans[0]))
    return shared


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in the quotes and brackets around a span, and the mark that ends its sentence."""
    while start > 0 and text[start - 1] in OPENERS:
        start -= 1
    while end < len(text) and text[end] in _ENDS:
        end += 1
    return start, end


def name_formulas(holders: Mapping[int, int], written: Mapping[int, Counter[str]]) -> list[SharedFormula]:
    """Each formula once, from its anchor's documents (how many hold it) and how often each wording of it is written."""
    formulas = []
    for anchor, n_docs in holders.items():
        # The wording most documents use, the shorter on a tie.
        text = min(written[anchor].items(), key=lambda kv: (-kv[1], len(kv[0])))[0]
        formulas.append(SharedFormula(text, n_docs))
    formulas.sort(key=lambda f: (-f.documents, -len(f.text), f.text))
    return formulas

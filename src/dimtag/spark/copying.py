"""Copy detection on the cluster, with the answers of :func:`dimtag.reporting.find_copies`.

Every step that reads a text runs on an executor, with the single-machine
code of :mod:`dimtag.reporting.copying`; only counts across documents are
Spark's, and only small results come back to the driver. The driver never
holds a document's text.

1. Each document's ``k``-character shingles (a repeat inside one document
   counted once) are counted on the cluster: for each shingle held by two
   documents or more, the number of documents, the pair holding it (if
   two), and the sum of :func:`~dimtag.reporting.copying.holder_hash` over
   its holders (the set of its documents, if three or more).
2. Shingles in more than the formula share of the documents are formula
   language: only those (a few per phrase the folder shares, however many
   documents there are) come back to the driver, and go out to the
   executors as a broadcast.
3. Each document's long candidate shingles, formula language left out
   (:func:`~dimtag.reporting.copying.candidate_shingles`); those held by
   exactly two documents name a pair, and the pairs that share enough of
   them are the candidate pairs. Formulas are dropped before this join,
   so no formula ever makes a pair.
4. Each candidate pair is joined to its two texts and to the shingles
   only these two documents hold, and aligned on an executor by
   :func:`~dimtag.reporting.copying.align`.
5. Each document is joined to its shingles held by three documents up to
   the formula threshold, with their holders' signature; its longest runs
   per set of holders (:func:`~dimtag.reporting.copying.shared_runs`) are
   found on an executor; those of sets found in two documents or more come
   back (a few numbers each) and make the shared passages.
6. Each document's formula runs (:func:`~dimtag.reporting.copying.formula_runs`)
   are counted per wording on the cluster; the few counts come back and
   :func:`~dimtag.reporting.copying.name_formulas` names each formula.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pyspark import StorageLevel
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from ..reporting.copying import (
    CopiedPassage,
    SharedFormula,
    SharedPassage,
    Shingled,
    align,
    candidate_rule,
    candidate_shingles,
    check_options,
    formula_runs,
    formula_threshold,
    holder_hash,
    name_formulas,
    shared_groups,
    shared_runs,
    shingled,
)
from ..reporting.rubric.recycling import mask
from .frames import POS, number_rows

__all__ = ["PASSAGE_SCHEMA", "SparkCopies", "find_copies"]

#: A copied passage: the fields of CopiedPassage (``doc_a``, ``doc_b`` are positions).
PASSAGE_SCHEMA = T.StructType(
    [T.StructField(f.name, T.DoubleType() if f.type in (float, "float") else T.LongType()) for f in dataclasses.fields(CopiedPassage)]
)
_LOW32 = 0xFFFFFFFF


@dataclass
class SparkCopies:
    """What :func:`find_copies` found.

    Attributes
    ----------
    passages : DataFrame
        One row per passage of two documents (:data:`PASSAGE_SCHEMA`), sorted
        as :attr:`dimtag.reporting.CopyResult.passages` is.
    shared : list of SharedPassage
        As :attr:`dimtag.reporting.CopyResult.shared`.
    formulas : list of SharedFormula
        As :attr:`dimtag.reporting.CopyResult.formulas`.
    threshold : int
        A shingle in more than this many documents is formula language.
    n_docs : int
        The number of documents.
    """

    passages: DataFrame
    shared: list[SharedPassage]
    formulas: list[SharedFormula]
    threshold: int
    n_docs: int
    _stored: DataFrame | None = field(default=None, repr=False, compare=False)

    def unpersist(self) -> None:
        """Release what Spark keeps of the passages (memory and disk) for later reads of :attr:`passages`.

        ``passages`` stays usable: a later read computes it again.
        """
        if self._stored is not None:
            self._stored.unpersist()


@dataclass(frozen=True)
class _Options:
    """What the executors' functions need (small, pickled with them)."""

    k: int
    min_chars: int
    max_gap: int
    threshold: int
    ignore: tuple[str, ...]

    def doc(self, text: str | None) -> Shingled:
        """A document's shingles, the ignored phrases masked first (as :func:`dimtag.report` does)."""
        return shingled(mask(text or "", self.ignore), self.k)


def _signed(hashes: np.ndarray) -> np.ndarray:
    """Unsigned 64-bit hashes as Spark's signed longs (the same bits)."""
    return np.ascontiguousarray(hashes, dtype=np.uint64).view(np.int64)


def _unsigned(values: Any) -> np.ndarray:
    """Spark's signed longs back to the unsigned 64-bit hashes they hold."""
    return np.asarray(values, dtype=np.int64).view(np.uint64)


def _joined(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype=dtype)


def _with_formulas(doc: Shingled, keys: np.ndarray, counts: np.ndarray) -> Shingled:
    """``doc`` with the document frequency of its first occurrences of formula shingles (0 elsewhere).

    :func:`candidate_shingles` and :func:`formula_runs` read no other number.
    """
    df = np.zeros(len(doc.hashes), dtype=np.int32)
    if len(keys):
        slot = np.minimum(np.searchsorted(keys, doc.hashes), len(keys) - 1)
        hit = (keys[slot] == doc.hashes) & (doc.df > 0)
        df[hit] = counts[slot[hit]]
    return dataclasses.replace(doc, df=df)


def find_copies(
    df: DataFrame,
    text_col: str = "text",
    *,
    name_col: str | None = None,
    order_col: str | None = None,
    k: int = 8,
    min_chars: int = 40,
    formula_share: float = 0.25,
    max_gap: int = 6,
    ignore: Iterable[str] = (),
) -> SparkCopies:
    """Find passages copied between the documents of a DataFrame, apart from formula language.

    The options are those of :func:`dimtag.reporting.find_copies` (the CLI's
    ``--formula-share``, ``--min-copy-chars`` and ``--ignore``); the answers
    are its answers for the texts in the same order, the ``ignore`` phrases
    masked first as :func:`dimtag.report` does.

    Parameters
    ----------
    df : DataFrame
        One row per document.
    text_col : str
        The text to compare (for a report, the cleaned text).
    name_col : str, optional
        Unused by the comparison; kept so that a frame with names is taken as it is.
    order_col : str, optional
        The documents' order (``doc_a < doc_b`` in a pair); default: the frame's own order.

    Returns
    -------
    SparkCopies
    """
    del name_col  # the passages name documents by position
    check_options(k, min_chars, formula_share)
    named = df.select(F.col(text_col).alias("text"), *([F.col(order_col).alias("_order")] if order_col else []))
    docs = number_rows(named, "_order" if order_col else None)
    try:
        n_docs = docs.count()
        opt = _Options(k, min_chars, max_gap, formula_threshold(n_docs, formula_share), tuple(ignore))
        return _copies(docs.select(POS, "text"), n_docs, opt)
    finally:
        docs.unpersist()


def _copies(texts: DataFrame, n_docs: int, opt: _Options) -> SparkCopies:
    """The steps of the module's docstring on a frame of :data:`~.frames.POS` and ``text``."""
    spark = texts.sparkSession

    # 1. Each shingle's documents, counted on the cluster.
    def postings(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            hashes, owners = [], []
            for pos, text in zip(batch[POS], batch["text"]):
                mine = np.unique(opt.doc(text).hashes)
                hashes.append(mine)
                owners.append(np.full(len(mine), pos, dtype=np.int64))
            owner = _joined(owners, np.int64)
            sig = holder_hash(owner)
            yield pd.DataFrame({
                "h": _signed(_joined(hashes, np.uint64)), POS: owner,
                "lo": (sig & np.uint64(_LOW32)).astype(np.int64), "hi": (sig >> np.uint64(32)).astype(np.int64),
            })

    held = texts.mapInPandas(postings, f"h long, {POS} long, lo long, hi long")
    lo = F.sum("lo")
    # The holders' signature is the wrapping 64-bit sum of their hashes: summed in 32-bit halves (no long
    # overflows), the low half's carry added to the high half, then the halves put together bit by bit.
    high = (F.sum("hi") + F.shiftright(lo, 32)).bitwiseAND(F.lit(_LOW32))
    counts = (
        held.groupBy("h")
        .agg(F.count("*").alias("n"), F.min(POS).alias("a"), F.max(POS).alias("b"),
             F.shiftleft(high, 32).bitwiseOR(lo.bitwiseAND(F.lit(_LOW32))).alias("sig"))
        .where(F.col("n") >= 2)
        .persist(StorageLevel.MEMORY_AND_DISK)
    )

    # 2. Formula language: the only shingles whose counts come back.
    found = sorted((h & 0xFFFFFFFFFFFFFFFF, n) for h, n in counts.where(F.col("n") > opt.threshold).select("h", "n").collect())
    formulas = spark.sparkContext.broadcast(
        (np.array([h for h, _ in found], dtype=np.uint64), np.array([n for _, n in found], dtype=np.int32))
    )

    try:
        passages, stored = _passages(texts, counts, formulas, opt)
        shared = _shared(texts, held, counts, opt)
        named = _formulas(texts, formulas, opt)
    finally:
        formulas.unpersist()
        counts.unpersist()
    return SparkCopies(passages, shared, named, opt.threshold, n_docs, stored)


def _passages(texts: DataFrame, counts: DataFrame, formulas: Any, opt: _Options) -> tuple[DataFrame, DataFrame]:
    """Steps 3 and 4: the candidate pairs, aligned where they sit; computed and kept (memory and disk)."""

    def long_shingles(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            hashes, owners = [], []
            for pos, text in zip(batch[POS], batch["text"]):
                mine = candidate_shingles(_with_formulas(opt.doc(text), *formulas.value), opt.threshold, opt.k, opt.min_chars)
                hashes.append(mine)
                owners.append(np.full(len(mine), pos, dtype=np.int64))
            yield pd.DataFrame({"h": _signed(_joined(hashes, np.uint64)), POS: _joined(owners, np.int64)})

    _, min_shared = candidate_rule(opt.k, opt.min_chars)
    pairs = (
        texts.mapInPandas(long_shingles, f"h long, {POS} long")
        .groupBy("h").agg(F.count("*").alias("n"), F.min(POS).alias("a"), F.max(POS).alias("b"))
        .where(F.col("n") == 2)
        .groupBy("a", "b").count().where(F.col("count") >= min_shared).select("a", "b")
    )
    # The shingles each candidate pair holds and no other document does: they alone are counted as copied.
    only = (
        counts.where(F.col("n") == 2).select("a", "b", "h").join(pairs, ["a", "b"])
        .groupBy("a", "b").agg(F.collect_list("h").alias("only"))
    )
    side = {s: texts.select(F.col(POS).alias(s), F.col("text").alias(f"text_{s}")) for s in "ab"}
    jobs = only.join(side["a"], "a").join(side["b"], "b")

    def aligned(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            rows: list[tuple[Any, ...]] = []
            for a, b, exclusive, text_a, text_b in zip(batch["a"], batch["b"], batch["only"], batch["text_a"], batch["text_b"]):
                doc_a, doc_b = opt.doc(text_a), opt.doc(text_b)
                # align() reads df as: 2 for a shingle of these two documents only, more for one others hold too,
                # 0 for a repeat; a shingle of one document only never matches, whatever it is given.
                df_a = doc_a.df * np.where(np.isin(doc_a.hashes, _unsigned(exclusive)), 2, 3).astype(np.int32)
                doc_a, doc_b = dataclasses.replace(doc_a, df=df_a), dataclasses.replace(doc_b, df=doc_b.df * 3)
                found = align(int(a), int(b), doc_a, doc_b, k=opt.k, min_chars=opt.min_chars, max_gap=opt.max_gap)
                rows.extend((*dataclasses.astuple(p), seq) for seq, p in enumerate(found))
            yield pd.DataFrame(rows, columns=[*PASSAGE_SCHEMA.fieldNames(), "_seq"])

    schema = T.StructType([*PASSAGE_SCHEMA.fields, T.StructField("_seq", T.LongType())])
    passages = jobs.mapInPandas(aligned, schema).persist(StorageLevel.MEMORY_AND_DISK)
    passages.count()  # computed once here, while the formula broadcast is alive
    return passages.orderBy("doc_a", "doc_b", "start_a", "_seq").drop("_seq"), passages


def _shared(texts: DataFrame, held: DataFrame, counts: DataFrame, opt: _Options) -> list[SharedPassage]:
    """Step 5: passages of three documents or more, each once."""
    middle = counts.where(F.col("n").between(3, opt.threshold)).select("h", "sig")
    per_doc = (
        held.select("h", POS).join(middle, "h")
        # Two lists aggregated over the same rows, so the i-th signature is the i-th shingle's. One list of
        # (h, sig) structs would not rely on that, but measured with 100,000 documents in a 512m heap it made
        # the Python workers twice as large (read as dicts), or failed in the JVM's sort before the aggregation (split
        # back into two arrays in SQL).
        .groupBy(POS).agg(F.collect_list("h").alias("hs"), F.collect_list("sig").alias("sigs"))
        .join(texts, POS)
    )

    def runs(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            rows: list[tuple[int, int, int, int, int]] = []
            for pos, hs, sigs, text in zip(batch[POS], batch["hs"], batch["sigs"], batch["text"]):
                doc = opt.doc(text)
                keys, signatures = _unsigned(hs), _unsigned(sigs)
                order = np.argsort(keys)
                keys, signatures = keys[order], signatures[order]
                at = np.flatnonzero((doc.df > 0) & np.isin(doc.hashes, keys))
                sig = signatures[np.searchsorted(keys, doc.hashes[at])]
                for s, (start, end, chars) in shared_runs(doc, at, sig, opt.k, opt.min_chars, opt.max_gap).items():
                    rows.append((int(np.uint64(s).view(np.int64)), int(pos), start, end, chars))
            yield pd.DataFrame(rows, columns=["sig", POS, "start", "end", "chars"])

    longest = per_doc.mapInPandas(runs, f"sig long, {POS} long, start long, end long, chars long")
    groups = longest.groupBy("sig").count().where(F.col("count") >= 2).select("sig")
    found: dict[int, dict[int, tuple[int, int, int]]] = defaultdict(dict)
    for r in longest.join(groups, "sig", "left_semi").collect():
        found[r["sig"]][r[POS]] = (r["start"], r["end"], r["chars"])
    return shared_groups(found)


def _formulas(texts: DataFrame, formulas: Any, opt: _Options) -> list[SharedFormula]:
    """Step 6: formula wordings counted on the cluster, named on the driver."""

    def wordings(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            rows: list[tuple[int, int, int, str]] = []
            for pos, text in zip(batch[POS], batch["text"]):
                doc = _with_formulas(opt.doc(text), *formulas.value)
                spans, anchors = formula_runs(doc, opt.threshold, opt.k)
                rows.extend(
                    (int(np.uint64(anchor).view(np.int64)), int(pos), run, doc.text[a:b])
                    for run, ((a, b), anchor) in enumerate(zip(spans, anchors))
                )
            yield pd.DataFrame(rows, columns=["anchor", POS, "run", "wording"])

    schema = f"anchor long, {POS} long, run long, wording string"
    occurrences = texts.mapInPandas(wordings, schema).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        holders = {r["anchor"]: r["n"] for r in occurrences.groupBy("anchor").agg(F.countDistinct(POS).alias("n")).collect()}
        counted = occurrences.groupBy("anchor", "wording").agg(F.count("*").alias("n"), F.min(F.struct(POS, "run")).alias("first"))
        # Each formula's wordings in the order the single machine meets them (documents in order, runs in
        # each): of two wordings as frequent and as long, the first met names the formula.
        written: dict[int, Counter[str]] = defaultdict(Counter)
        for r in sorted(counted.collect(), key=lambda r: tuple(r["first"])):
            written[r["anchor"]][r["wording"]] = r["n"]
    finally:
        occurrences.unpersist()
    return name_formulas(holders, written)

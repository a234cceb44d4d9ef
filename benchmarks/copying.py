"""Copy detection across a folder: three methods measured on generated folders.

    PYTHONPATH=src python benchmarks/copying.py            # 200 and 2,000 documents, all methods
    PYTHONPATH=src python benchmarks/copying.py --docs 200 --method exact
    PYTHONPATH=src python benchmarks/copying.py --method report   # dimtag.report end to end

Methods (the same formula-language rule for all three: a character 8-gram
found in more than 25% of the documents is formula language and is removed
before comparing):

- ``exact``: dimtag.reporting.copying.find_copies, character shingles hashed
  exactly, an inverted index of the shingles shared by few documents, then an
  alignment of the candidate pairs into passages with offsets.
- ``minhash``: datasketch MinHash (64 permutations) of 40-character windows
  (step 20) and MinHashLSH (Jaccard threshold 0.5) over all windows.
- ``tfidf``: TF-IDF of character 4-grams (hashed to 2^20 columns) of the same
  windows, cosine similarity by blocks of sparse products (scipy), pairs of
  windows of different documents at cosine >= 0.6 kept.

Generated folders (tests/generated_folders.py): about 1,400 characters per
document, every 20th document ten times longer, formula phrases in 90% of the
documents, one planted passage (60 to 250 characters, copied word for word)
per ten documents. Recall: planted passages found with an overlap in both
documents. False pairs: flagged pairs of documents with no planted passage
between them (they share only formulas and chance phrasing). Each run is a
separate process; peak memory is the process's maximum resident set, and
"added" is that minus the resident set after generation.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from generated_folders import generate  # noqa: E402  (found through the sys.path entry above)

from dimtag.reporting import copying, shingles  # noqa: E402

WINDOW, STEP, K = 40, 20, 8


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def _windows(texts: list[str], formula_share: float = 0.25) -> tuple[list[tuple[int, int, int]], list[np.ndarray]]:
    """Windows of reduced text as (doc, start, end) in original offsets, with their non-formula 8-gram hashes."""
    reduced = [shingles.reduce_text(t) for t in texts]
    hashes = [shingles.shingles(codes, K) for codes, _ in reduced]
    keys, df = shingles.frequencies(hashes)
    threshold = copying.formula_threshold(len(texts), formula_share)
    where, sets = [], []
    for d, ((codes, offs), h) in enumerate(zip(reduced, hashes)):
        own = df[np.searchsorted(keys, h)] <= threshold
        for a in range(0, max(1, len(codes) - WINDOW + 1), STEP):
            inside = h[a : a + WINDOW - K + 1][own[a : a + WINDOW - K + 1]]
            if len(inside) >= 10:
                b = min(a + WINDOW, len(codes)) - 1
                where.append((d, int(offs[a]), int(offs[b]) + 1))
                sets.append(np.unique(inside))
    return where, sets


def run_exact(texts):
    result = copying.find_copies(texts)
    return [(p.doc_a, p.start_a, p.end_a, p.doc_b, p.start_b, p.end_b) for p in result.passages]


def run_minhash(texts):
    from datasketch import MinHash, MinHashLSH

    where, sets = _windows(texts)
    lsh = MinHashLSH(threshold=0.5, num_perm=64)
    hashes = MinHash.bulk([[int(x).to_bytes(8, "little") for x in s] for s in sets], num_perm=64)
    for i, m in enumerate(hashes):
        lsh.insert(i, m)
    found = []
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j > i and where[j][0] != where[i][0]:
                found.append((*where[i], *where[j]))
    return found


def run_tfidf(texts):
    import scipy.sparse as sp

    where, _ = _windows(texts)
    rows, cols = [], []
    for r, (d, a, b) in enumerate(where):
        chunk = "".join(ch for ch in texts[d][a:b] if ch.isalnum())
        grams = {hash(chunk[i : i + 4]) & (2**20 - 1) for i in range(len(chunk) - 3)}
        rows.extend([r] * len(grams))
        cols.extend(grams)
    x = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(where), 2**20))
    df = np.asarray((x > 0).sum(axis=0)).ravel()
    docs_df = df  # window frequency stands in for document frequency here
    idf = np.log((1 + x.shape[0]) / (1 + docs_df)).astype(np.float32) + 1
    idf[docs_df > 0.25 * x.shape[0]] = 0  # formula grams
    x = x @ sp.diags(idf)
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    x = sp.diags(1 / norms) @ x
    x = x.tocsr()
    xt = x.T.tocsc()
    doc_of = np.array([w[0] for w in where])
    found = []
    for lo in range(0, x.shape[0], 2000):
        block = (x[lo : lo + 2000] @ xt).tocoo()
        keep = (block.data >= 0.6) & (block.row + lo < block.col)
        for r, c in zip(block.row[keep] + lo, block.col[keep]):
            if doc_of[r] != doc_of[c]:
                found.append((*where[r], *where[c]))
    return found


METHODS = {"exact": run_exact, "minhash": run_minhash, "tfidf": run_tfidf}


def _score(folder, found) -> tuple[float, int]:
    by_pair: dict[tuple[int, int], list] = {}
    for da, sa, ea, db, sb, eb in found:
        if da > db:
            da, sa, ea, db, sb, eb = db, sb, eb, da, sa, ea
        by_pair.setdefault((da, db), []).append((sa, ea, sb, eb))
    hits = 0
    planted = set()
    for p in folder.plants:
        a, sa, ea, b, sb, eb = p.a, p.start_a, p.end_a, p.b, p.start_b, p.end_b
        if a > b:
            a, sa, ea, b, sb, eb = b, sb, eb, a, sa, ea
        planted.add((a, b))
        if any(x0 < ea and sa < x1 and y0 < eb and sb < y1 for x0, x1, y0, y1 in by_pair.get((a, b), [])):
            hits += 1
    return hits / max(1, len(folder.plants)), len(set(by_pair) - planted)


def one(method: str, n_docs: int, seed: int) -> dict:
    folder = generate(n_docs, n_docs // 10, seed=seed, long_every=20)
    before = _rss_mb()
    start = time.perf_counter()
    found = METHODS[method](folder.texts)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    recall, false_pairs = _score(folder, found)
    return {
        "method": method, "docs": n_docs, "chars": sum(map(len, folder.texts)), "plants": len(folder.plants),
        "recall": round(recall, 3), "false_pairs": false_pairs, "seconds": round(seconds, 2),
        "peak_mb": round(peak, 1), "added_mb": round(peak - before, 1),
    }


def end_to_end(n_docs: int, seed: int) -> dict:
    """``dimtag.report`` on a generated folder written to disk: tagging, the tables, then .html and .xlsx."""
    import tempfile

    from dimtag.reporting import report

    folder = generate(n_docs, n_docs // 10, seed=seed, long_every=20)
    with tempfile.TemporaryDirectory() as tmp:
        for i, text in enumerate(folder.texts):
            Path(tmp, f"{i:05d}.txt").write_text(text, encoding="utf-8")
        before = _rss_mb()
        start = time.perf_counter()
        rep = report([tmp])
        built = time.perf_counter() - start
        rep.write(Path(tmp, "out.html"))
        rep.write(Path(tmp, "out.xlsx"))
        seconds = time.perf_counter() - start
        found = {(Path(r["file_a"]).stem, Path(r["file_b"]).stem) for r in rep["copying"]}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    planted = {tuple(f"{i:05d}" for i in sorted((p.a, p.b))) for p in folder.plants}
    return {
        "method": "dimtag.report end to end", "docs": n_docs, "chars": sum(map(len, folder.texts)),
        "plants": len(folder.plants), "recall": round(len(found & planted) / max(1, len(planted)), 3),
        "false_pairs": len(found - planted), "seconds": f"{seconds:.1f} ({built:.1f} to build)",
        "peak_mb": round(peak, 1), "added_mb": round(peak - before, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, nargs="*", default=[200, 2000])
    parser.add_argument("--method", nargs="*", default=[*METHODS, "report"], choices=[*METHODS, "report"],
                        help="report: dimtag.report end to end (tagging, tables, .html and .xlsx)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run = end_to_end(args.docs[0], args.seed) if args.method[0] == "report" else one(args.method[0], args.docs[0], args.seed)
        print(json.dumps(run))
        return
    print("| method | docs | chars | planted | recall | false pairs | seconds | peak MB | added MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in args.docs:
        for method in args.method:
            out = subprocess.run(
                [sys.executable, __file__, "--one", "--docs", str(n), "--method", method, "--seed", str(args.seed)],
                capture_output=True, text=True, check=True,
            ).stdout
            r = json.loads(out)
            print(f"| {r['method']} | {r['docs']} | {r['chars']:,} | {r['plants']} | {r['recall']:.3f} | "
                  f"{r['false_pairs']} | {r['seconds']} | {r['peak_mb']} | {r['added_mb']} |", flush=True)


if __name__ == "__main__":
    main()

"""dimtag against jieba + fastText and a naive scikit-learn build, in one run.

Usage::

    python benchmarks/bench.py               # writes benchmarks/RESULTS.md
    pip install fasttext-numpy2              # optional: the jieba + fastText baseline

All three systems are trained on the same data/labels.csv and measured on the
same 20,000 sentences (clauses of labeled items recombined, so that no two are
equal and no per-sentence cache can help):

- throughput: sentences per second of one batch call, best of 3, in this process;
- cold start: a fresh ``python -c`` that imports, loads and tags one sentence,
  median of 5 (the floor is a process that only imports scikit-learn's pipeline
  modules and initializes jieba, which any naive build pays);
- peak RSS: a fresh process that loads the model and tags all 20,000 sentences;
- model size on disk.

Only ratios measured in this same run are meaningful on a shared machine.
"""

from __future__ import annotations

import csv
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
N_SENTENCES = 20_000
PROBE = "对习近平新时代中国特色社会主义思想的学习不够系统深入。"


def labeled_rows() -> list[dict[str, str]]:
    with open(REPO / "data" / "labels.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def make_sentences(rows: list[dict[str, str]], n: int = N_SENTENCES, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    clauses = [c for r in rows for c in r["text"].rstrip("。；！？").split("，") if len(c) >= 4]
    out: set[str] = set()
    while len(out) < n:
        out.add("，".join(rng.sample(clauses, rng.randint(2, 4))) + "。")
    return sorted(out)


def _run_python(code: str, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def cold_start(code: str, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        _run_python(code)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb(load_and_tag: str, sentences_file: Path) -> float:
    code = (
        "import resource, sys\n"
        "texts = open(sys.argv[1], encoding='utf-8').read().split('\\n')\n"
        f"{load_and_tag}\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    return int(_run_python(code, str(sentences_file))) / 1024


def throughput(fn, sentences: list[str], repeats: int = 3) -> float:
    best = min(_timed(fn, sentences) for _ in range(repeats))
    return len(sentences) / best


def _timed(fn, sentences):
    start = time.perf_counter()
    fn(sentences)
    return time.perf_counter() - start


# -- the three systems -------------------------------------------------------


def bench_dimtag(sentences, sentences_file):
    from importlib import resources

    from dimtag import Tagger

    tagger = Tagger.load()
    tagger.tag(sentences[:100])
    model = resources.files("dimtag") / "model" / tagger.metadata_.model_file
    return {
        "throughput": throughput(tagger.tag, sentences),
        "cold_start": cold_start(f"from dimtag import tag; tag({PROBE!r})"),
        "peak_rss": peak_rss_mb("from dimtag import tag\ntag(texts)", sentences_file),
        "size": Path(str(model)).stat().st_size,
    }


def bench_naive(rows, sentences, sentences_file, tmp: Path):
    import joblib
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from dimtag.features import jieba_words

    pipeline = Pipeline([
        ("tfidf", TfidfVectorizer(tokenizer=jieba_words, token_pattern=None, lowercase=False, sublinear_tf=True)),
        ("clf", LogisticRegression(C=30, max_iter=5000)),
    ]).fit([r["text"] for r in rows], [r["dimension"] for r in rows])
    path = tmp / "naive.joblib"
    joblib.dump(pipeline, path)
    load = f"import joblib; m = joblib.load({str(path)!r})"
    floor_code = (
        "import sklearn.pipeline, sklearn.linear_model, sklearn.feature_extraction.text, jieba, logging;"
        "jieba.setLogLevel(logging.WARNING); jieba.initialize()"
    )
    return {
        "throughput": throughput(pipeline.predict, sentences),
        "cold_start": cold_start(f"{load}; m.predict([{PROBE!r}])"),
        "peak_rss": peak_rss_mb(f"{load}\nm.predict(texts)", sentences_file),
        "size": path.stat().st_size,
    }, cold_start(floor_code)


def bench_fasttext(rows, sentences, sentences_file, tmp: Path):
    try:
        import fasttext
        import jieba
    except ImportError:
        return None
    import logging

    jieba.setLogLevel(logging.WARNING)
    train = tmp / "ft.txt"
    with open(train, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(f"__label__{r['dimension']} {' '.join(jieba.lcut(r['text']))}\n")
    model = fasttext.train_supervised(str(train), epoch=25, lr=0.5, wordNgrams=2, dim=50, bucket=200_000, thread=1, seed=0, verbose=0)
    path = tmp / "ft.bin"
    model.save_model(str(path))
    jieba.lcut(PROBE)

    def predict(texts):
        return model.predict([" ".join(jieba.lcut(t)) for t in texts])

    load = (
        "import logging, jieba, fasttext; jieba.setLogLevel(logging.WARNING); "
        f"m = fasttext.load_model({str(path)!r})"
    )
    return {
        "throughput": throughput(predict, sentences),
        "cold_start": cold_start(f"{load}; m.predict(' '.join(jieba.lcut({PROBE!r})))"),
        "peak_rss": peak_rss_mb(f"{load}\nm.predict([' '.join(jieba.lcut(t)) for t in texts])", sentences_file),
        "size": path.stat().st_size,
    }


def main() -> dict:
    rows = labeled_rows()
    sentences = make_sentences(rows)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        sentences_file = tmp / "sentences.txt"
        sentences_file.write_text("\n".join(sentences), encoding="utf-8")
        results = {"dimtag": bench_dimtag(sentences, sentences_file)}
        results["naive (sklearn + jieba, joblib)"], floor = bench_naive(rows, sentences, sentences_file, tmp)
        ft = bench_fasttext(rows, sentences, sentences_file, tmp)
        if ft is None:
            print("jieba + fastText skipped: pip install fasttext-numpy2 to include it", file=sys.stderr)
        else:
            results["jieba + fastText"] = ft
    report = render(results, floor)
    print(report)
    (REPO / "benchmarks" / "RESULTS.md").write_text(report, encoding="utf-8")
    return {"results": results, "floor": floor}


def render(results: dict, floor: float) -> str:
    d = results["dimtag"]
    lines = [
        "# Benchmark results",
        "",
        f"Command: `python benchmarks/bench.py` · machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()} · {N_SENTENCES:,} sentences",
        "",
        "| system | throughput (sent/s) | cold start (s) | peak RSS (MB) | model size (MB) |",
        "|---|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(f"| {name} | {r['throughput']:,.0f} | {r['cold_start']:.2f} | {r['peak_rss']:.0f} | {r['size'] / 2**20:.1f} |")
    lines += ["", f"Naive build's floor (import scikit-learn + initialize jieba, no model): {floor:.2f} s", "", "Ratios, same run:", ""]
    ft = results.get("jieba + fastText")
    if ft:
        ok = d["throughput"] >= 2 * ft["throughput"]
        lines.append(f"- throughput vs jieba + fastText: **{d['throughput'] / ft['throughput']:.2f}x** (goal ≥ 2x: {'met' if ok else 'not met'})")
    naive = results["naive (sklearn + jieba, joblib)"]
    lines.append(f"- throughput vs naive build: {d['throughput'] / naive['throughput']:.2f}x")
    ok = d["cold_start"] <= 0.5 * floor
    lines.append(f"- cold start vs naive floor: **{d['cold_start'] / floor:.2f}x** (goal ≤ 0.5x: {'met' if ok else 'not met'})")
    lines.append(f"- cold start vs naive build: {d['cold_start'] / naive['cold_start']:.2f}x")
    lines.append(f"- peak RSS while tagging {N_SENTENCES:,} sentences: **{d['peak_rss']:.0f} MB** (goal ≤ 100 MB: {'met' if d['peak_rss'] <= 100 else 'not met'})")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

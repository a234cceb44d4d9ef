"""Copy detection on Spark (local mode) against the single-machine report, on generated corpora.

    PYTHONPATH=src python benchmarks/spark.py                      # 10,000 and 100,000 documents
    PYTHONPATH=src python benchmarks/spark.py --sizes 2000 --local 2000

Each run is a fresh process: Spark in local[2] with a fixed heap
(``--heap``, the same at every size, as an executor's would be on a
cluster), running :func:`dimtag.spark.find_copies` on a Parquet table of
generated documents of some 500 characters (``tests/generated_folders.py``,
one copied passage per 200 documents, formulas in most documents). It
reports the time of the job (the JVM's start left out), the peak RSS of
the JVM and of the Python workers (sampled every 0.2 s; in local mode the
one JVM is driver and executor), the peak JVM heap Spark's executor
metrics saw, and the shuffle bytes written (Spark's REST status API). The
single-machine :func:`dimtag.reporting.find_copies` runs on the sizes
given with ``--local``, in a process of its own (peak RSS from
``getrusage``). Both must find the same pairs. The table goes to
benchmarks/SPARK.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

PLANT_EVERY = 200  # documents per planted copy


def _corpus(n_docs: int, folder: Path) -> Path:
    """Generated documents as a Parquet table (file, text), made once per size."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from generated_folders import generate

    path = folder / f"corpus-{n_docs}.parquet"
    if not path.exists():
        generated = generate(n_docs, n_docs // PLANT_EVERY, seed=n_docs, sections=1)
        names = [f"doc{i:07d}.txt" for i in range(n_docs)]
        pq.write_table(pa.table({"file": names, "text": generated.texts}), path)
    return path


class _Peaks:
    """Peak RSS of a process and, apart, of its descendants, sampled in a thread."""

    def __init__(self, find_jvm):
        self.find_jvm, self.jvm, self.python, self.python_one = find_jvm, 0, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            jvm = self.find_jvm()
            if jvm is not None:
                try:
                    self.jvm = max(self.jvm, jvm.memory_info().rss)
                    workers = [p.memory_info().rss for p in jvm.children(recursive=True)]
                    self.python = max(self.python, sum(workers))
                    self.python_one = max([self.python_one, *workers])
                except psutil.Error:
                    pass
            self._stop.wait(0.2)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _spark_run(corpus: Path, heap: str) -> dict:
    import psutil
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]").appName("dimtag-bench")
        .config("spark.driver.memory", heap)
        # A partition per few thousand documents, not Spark's default 200 per shuffle: on two cores each
        # task costs more than its share of the work (the library repartitions its Python steps itself).
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.port", "0").config("spark.ui.showConsoleProgress", "false")
        .config("spark.executor.processTreeMetrics.enabled", "true")
        .config("spark.executor.metrics.pollingInterval", "200ms")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    me = psutil.Process()

    def find_jvm():
        return next((p for p in me.children() if "java" in p.name()), None)

    from dimtag.spark import find_copies

    peaks = _Peaks(find_jvm)
    start = time.perf_counter()
    result = find_copies(spark.read.parquet(str(corpus)), name_col="file", order_col="file")
    pairs = sorted({(r["doc_a"], r["doc_b"]) for r in result.passages.select("doc_a", "doc_b").collect()})
    seconds = time.perf_counter() - start
    peaks.stop()
    ui = spark.sparkContext.uiWebUrl
    app = json.load(urllib.request.urlopen(f"{ui}/api/v1/applications"))[0]["id"]
    stages = json.load(urllib.request.urlopen(f"{ui}/api/v1/applications/{app}/stages"))
    executors = json.load(urllib.request.urlopen(f"{ui}/api/v1/applications/{app}/allexecutors"))
    peak_metrics = executors[0].get("peakMemoryMetrics", {})
    spark.stop()
    return {
        "seconds": seconds, "pairs": pairs, "formulas": len(result.formulas),
        "shuffle_write": sum(s.get("shuffleWriteBytes", 0) for s in stages),
        "jvm_rss": peaks.jvm, "python_rss": peaks.python, "python_worker_rss": peaks.python_one,
        "jvm_heap": peak_metrics.get("JVMHeapMemory", 0), "tasks": sum(s.get("numTasks", 0) for s in stages),
    }


def _local_run(corpus: Path) -> dict:
    import pyarrow.parquet as pq

    from dimtag.reporting import find_copies

    texts = pq.read_table(corpus).column("text").to_pylist()
    start = time.perf_counter()
    result = find_copies(texts)
    seconds = time.perf_counter() - start
    pairs = sorted({(p.doc_a, p.doc_b) for p in result.passages})
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"seconds": seconds, "pairs": pairs, "formulas": len(result.formulas), "rss": rss}


def _child(kind: str, corpus: Path, heap: str) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, "--corpus", str(corpus), "--heap", heap]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _mb(n: float) -> str:
    return f"{n / 2**20:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--local", type=int, nargs="*", default=[10_000, 100_000], help="sizes the single-machine run also does")
    parser.add_argument("--heap", default="512m", help="the JVM heap of every Spark run")
    parser.add_argument("--data", default="/tmp/dimtag-spark-bench", help="where the corpora are kept")
    parser.add_argument("--out", default=str(HERE / "SPARK.md"))
    parser.add_argument("--table", type=int, nargs="*", help="the sizes of the table, from the kept results (default: --sizes)")
    parser.add_argument("--child", choices=("spark", "local"), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = _spark_run(Path(args.corpus), args.heap) if args.child == "spark" else _local_run(Path(args.corpus))
        print(json.dumps(run))
        return

    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        corpus = _corpus(n, data)
        spark = _child("spark", corpus, args.heap)
        local = _child("local", corpus, args.heap) if n in args.local else None
        if local is not None and local["pairs"] != spark["pairs"]:
            raise SystemExit(f"{n} documents: Spark and the single machine found different pairs")
        for run in (spark, local):
            if run is not None:
                run["pairs"] = len(run["pairs"])
        # Each size's result is kept, so that sizes run in separate (or concurrent) invocations make one table.
        (data / f"result-{n}.json").write_text(json.dumps({"spark": spark, "local": local}))
        print(f"{n}: {json.dumps(spark)} local={local}", flush=True)
    results = {}
    for n in args.table or args.sizes:
        saved = json.loads((data / f"result-{n}.json").read_text())
        results[n] = (saved["spark"], saved["local"])

    lines = [
        "# Copy detection on Spark",
        "",
        f"`python benchmarks/spark.py` on {time.strftime('%Y-%m-%d')}: Spark {_spark_version()} in local[2] with a "
        f"{args.heap} heap, on a shared 2-core machine; generated documents of some 500 characters, a copied passage "
        f"per {PLANT_EVERY} documents. Time is the job's (JVM start left out). Only ratios between rows mean much.",
        "",
        "| documents | Spark time (s) | shuffle written (MB) | tasks | JVM peak heap (MB) | JVM peak RSS (MB) "
        "| Python workers peak RSS, all / largest (MB) | pairs | formulas | single machine: time (s) / peak RSS (MB) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, (s, local) in results.items():
        single = f"{local['seconds']:.1f} / {_mb(local['rss'])}" if local else "not run"
        lines.append(
            f"| {n:,} | {s['seconds']:.1f} | {s['shuffle_write'] / 2**20:,.1f} | {s['tasks']:,} | {_mb(s['jvm_heap'])} | {_mb(s['jvm_rss'])} "
            f"| {_mb(s['python_rss'])} / {_mb(s['python_worker_rss'])} | {s['pairs']} | {s['formulas']} | {single} |"
        )
    sizes = sorted(results)
    if len(sizes) >= 2:
        small, large = results[sizes[0]][0], results[sizes[-1]][0]
        executor = {key: large[key] / max(1, small[key]) for key in ("jvm_rss", "jvm_heap", "python_worker_rss", "python_rss")}
        bounded = all(ratio <= 1.2 for ratio in executor.values())
        lines += [
            "",
            f"From {sizes[0]:,} to {sizes[-1]:,} documents ({sizes[-1] / sizes[0]:.0f}x): time x{large['seconds'] / small['seconds']:.1f}, "
            f"shuffle written x{large['shuffle_write'] / max(1, small['shuffle_write']):.1f}, tasks x{large['tasks'] / small['tasks']:.1f}; "
            f"memory: JVM peak RSS x{executor['jvm_rss']:.2f}, JVM peak heap x{executor['jvm_heap']:.2f}, "
            f"Python workers x{executor['python_rss']:.2f} (largest worker x{executor['python_worker_rss']:.2f}). "
            f"Memory per executor {'stays within' if bounded else 'grows past'} 20% of the smaller run's.",
        ]
    lines += [
        "",
        "- In local mode one JVM is driver and executor: memory per executor here is that JVM (its heap fixed by "
        "`--heap` at every size, as an executor's is on a cluster) and its Python workers, which run the per-document "
        "steps a partition (a few thousand documents) at a time.",
        "- Shuffle written: the bytes every stage wrote for the next (Spark's status API), i.e. what crosses the "
        "network on a cluster.",
        "- \"not run\": the single-machine run was left out at that size (see the command line).",
    ]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def _spark_version() -> str:
    import pyspark

    return pyspark.__version__


if __name__ == "__main__":
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    main()

"""dimtag.spark against the single-machine report, with Spark in local mode (local[2]).

Starting Spark and its Python workers takes tens of seconds, so the Spark
tests are marked slow (CI runs them with ``pytest -m slow``); the message a
user without pyspark gets is tested in the default run.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest
from generated_folders import FORMULAS, generate, generate_groups

import dimtag
from dimtag import tag_document
from dimtag.errors import ReportError
from dimtag.reporting import find_copies as local_find_copies
from dimtag.reporting.columns import table_columns
from dimtag.reporting.rubric.recycling import mask


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dimtag.cli", *args], capture_output=True, text=True, env=env, timeout=900)


def test_spark_report_without_pyspark_says_which_extra(tmp_path):
    # A pyspark that cannot be imported, first on the path.
    fake = tmp_path / "site" / "pyspark"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('No module named pyspark')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(fake.parent), os.environ.get("PYTHONPATH", "")])}
    (tmp_path / "in").mkdir()
    result = _cli("spark-report", str(tmp_path / "in"), str(tmp_path / "out"), env=env)
    assert result.returncode == 1
    assert 'pip install "dimtag[spark]"' in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]").appName("dimtag-tests")
        .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    yield session
    session.stop()


def _frame(spark, texts, names=None):
    names = names or [f"d{i:03d}.txt" for i in range(len(texts))]
    return spark.createDataFrame(list(zip(names, texts)), "file string, text string")


def _same_copies(spark, texts, ignore=(), **options):
    """The Spark answer and the single-machine answer (the ignored phrases masked, as the report does), in order."""
    from dimtag.spark import find_copies

    got = find_copies(_frame(spark, texts), name_col="file", order_col="file", ignore=ignore, **options)
    want = local_find_copies([mask(t, tuple(ignore)) for t in texts], **options)
    fields = [f.name for f in dataclasses.fields(dimtag.reporting.CopiedPassage)]
    rows = [tuple(r[f] for f in fields) for r in got.passages.collect()]
    assert rows == [dataclasses.astuple(p) for p in want.passages]
    assert got.formulas == want.formulas and got.shared == want.shared
    assert (got.threshold, got.n_docs) == (want.threshold, len(texts))
    return got, want


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "formula_rate"), [(0, 0.9), (1, 0.3)])
def test_find_copies_equals_the_single_machine_report(spark, seed, formula_rate):
    folder = generate(48, 6, seed=seed, formula_rate=formula_rate, long_every=12)
    got, want = _same_copies(spark, folder.texts)
    planted = {(min(p.a, p.b), max(p.a, p.b)) for p in folder.plants}
    assert {(p.doc_a, p.doc_b) for p in want.passages} == planted and len(planted) == 6
    assert len(want.formulas) >= 10
    # Each planted passage lies inside what was found for its pair.
    found = {(r["doc_a"], r["doc_b"]): r for r in got.passages.collect()}
    for p in folder.plants:
        row = found[(min(p.a, p.b), max(p.a, p.b))]
        start, end = (row["start_a"], row["end_a"]) if p.a < p.b else (row["start_b"], row["end_b"])
        assert start <= p.start_a and p.end_a <= end


@pytest.mark.slow
def test_unpersist_releases_the_kept_passages_and_they_can_still_be_read(spark):
    from dimtag.spark import find_copies

    def kept() -> int:
        return spark.sparkContext._jsc.getPersistentRDDs().size()

    before = kept()
    folder = generate(24, 3, seed=5, formula_rate=0.5)
    found = find_copies(_frame(spark, folder.texts), name_col="file", order_col="file")
    assert kept() == before + 1, "the aligned passages are kept once, for reads of found.passages"
    rows = found.passages.collect()
    found.unpersist()
    assert kept() == before
    assert found.passages.collect() == rows and len(rows) == 3


@pytest.mark.slow
def test_passages_of_three_documents_or_more_are_one_group_each(spark):
    # Groups of four documents sharing a passage, beside planted pairs and formulas shared by most documents.
    grouped = generate_groups(16, 4, seed=11)
    folder = generate(24, 3, seed=12, formula_rate=0.9)
    texts = [*grouped, *folder.texts]
    got, want = _same_copies(spark, texts)
    assert [g.docs for g in got.shared] == [(0, 1, 2, 3), (4, 5, 6, 7), (8, 9, 10, 11), (12, 13, 14, 15)]
    # A group is never reported as its pairs, and the planted pairs still are.
    assert {(p.doc_a, p.doc_b) for p in want.passages} == {(16 + min(p.a, p.b), 16 + max(p.a, p.b)) for p in folder.plants}
    assert want.formulas
    # The CLI's options change the answers alike on both sides: a lower formula share turns the groups
    # of four (of 40 documents) into formulas; a longer minimum passage drops them.
    got, _ = _same_copies(spark, texts, formula_share=0.05)
    assert got.shared == []
    _same_copies(spark, texts, min_chars=120)


def _driver_strings(monkeypatch, frame, run):
    """``run()``'s result and every string collected to the driver while it ran.

    Every way a DataFrame or an RDD brings rows to the driver: collected rows are recorded, the rest refused.
    """
    from pyspark import RDD

    collected: list[object] = []
    frame_class = type(frame)

    def recording(original):
        def collect(self):
            rows = original(self)
            collected.extend(v for row in rows for v in (row if isinstance(row, tuple) else (row,)))
            return rows
        return collect

    def refused(self, *args, **kwargs):
        raise AssertionError("a whole frame was brought to the driver")

    monkeypatch.setattr(frame_class, "collect", recording(frame_class.collect))
    monkeypatch.setattr(RDD, "collect", recording(RDD.collect))
    for name in ("toPandas", "toLocalIterator", "toArrow"):
        if hasattr(frame_class, name):
            monkeypatch.setattr(frame_class, name, refused)
    monkeypatch.setattr(RDD, "toLocalIterator", refused)
    try:
        got = run()
    finally:
        monkeypatch.undo()
    return got, [v for v in collected if isinstance(v, str)]


@pytest.mark.slow
def test_find_copies_never_gathers_the_texts_on_the_driver(spark, monkeypatch):
    from dimtag.spark import find_copies

    folder = generate(40, 4, seed=13, formula_rate=0.9)
    texts = folder.texts
    frame = _frame(spark, texts)
    got, strings = _driver_strings(monkeypatch, frame, lambda: find_copies(frame, name_col="file", order_col="file"))
    # The only text that comes back is the formulas' wordings: never a document, a fraction of the corpus.
    assert strings and not any(t in s for t in texts for s in strings)
    assert sum(map(len, strings)) < sum(map(len, texts)) / 10
    want = local_find_copies(texts)
    assert [tuple(r) for r in got.passages.collect()] == [dataclasses.astuple(p) for p in want.passages]
    assert got.formulas == want.formulas and got.shared == want.shared


@pytest.mark.slow
def test_formulas_never_pair_documents_and_the_ignore_list_is_obeyed(spark):
    # Every document holds the formulas, none holds a copy: no pair at all, the formulas listed once each.
    folder = generate(30, 0, seed=7, formula_rate=1.0)
    got, want = _same_copies(spark, folder.texts)
    assert got.passages.count() == 0
    texts = [f.text for f in got.formulas]
    assert len(texts) == len(set(texts)) and any(FORMULAS[0] in t for t in texts)
    # A planted copy, then the same copy on the ignore list: gone, on both sides alike.
    folder = generate(30, 1, seed=8)
    plant = folder.plants[0]
    _same_copies(spark, folder.texts)
    passage = folder.texts[plant.a][plant.start_a : plant.end_a]
    got, _ = _same_copies(spark, folder.texts, ignore=[passage])
    assert got.passages.count() == 0


@pytest.mark.slow
def test_empty_one_document_and_skewed_corpora(spark):
    from dimtag.spark import report_frame

    _same_copies(spark, [])
    # No document: the single-machine report's error.
    with pytest.raises(ReportError, match="no document to report on"):
        report_frame(_frame(spark, []), order_col="file")
    folder = generate(12, 2, seed=3)
    _same_copies(spark, folder.texts[:1])
    # One document of some 300,000 characters (every other document, thirty times over)
    # beside the short ones, a copy of a short one inside it.
    huge = "\n".join(folder.texts[1:] * 30) + "\n" + folder.texts[0][200:420]
    assert len(huge) > 250_000
    got, want = _same_copies(spark, [*folder.texts, huge])
    assert any(p.doc_b == len(folder.texts) for p in want.passages)


@pytest.mark.slow
def test_tag_frame_and_report_frame_equal_tag_document_and_report(spark, monkeypatch):
    from pyspark.sql import functions as F

    from dimtag.spark import report_frame, tag_frame

    folder = generate(16, 3, seed=5, long_every=8)
    names = [f"m{i:02d}.txt" for i in range(len(folder.texts))]
    names[3] = "zz_last.txt"  # the order is the file names', not the frame's
    df = _frame(spark, folder.texts, names).withColumn("unit", F.lit("县委办"))
    docs = {n: tag_document(t, name=n) for n, t in zip(names, folder.texts)}

    rows = [r.asDict() for r in tag_frame(df, name_col="file").collect()]
    assert {r["unit"] for r in rows} == {"县委办"}
    assert [{k: r[k] for k in dimtag.RECORD_FIELDS} for r in rows] == [rec for n in names for rec in docs[n].to_records()]
    assert "role" in rows[0] and "role_score" in rows[0]

    got, strings = _driver_strings(monkeypatch, df, lambda: report_frame(df, name_col="file", order_col="file"))
    want = dimtag.report([docs[n] for n in sorted(names)])
    # The driver gets no document's whole text (the copy tables' excerpts are cut on the executors), and of a
    # document in no copy nothing but its name: not one of its sentences.
    assert set(names) <= set(strings)  # the recording saw what came back
    assert not any(t in s for t in want.texts.values() for s in strings)
    copied = {r[f] for r in want.tables["copying"] for f in ("file_a", "file_b")} | {r["file"] for r in want.tables["shared"]}
    alone = [n for n in names if n not in copied]
    assert copied and alone
    # A sentence found in one document only: a formula's wording never holds it, only that document's text would.
    own = [i.text for n in alone for i in docs[n].items if len(i.text) > 12 and sum(i.text in t for t in want.texts.values()) == 1]
    assert len(own) > 20 and not any(s in t for s in own for t in strings)
    assert got.n_docs == len(names) and got.skipped == []
    assert list(got.tables) == list(want.tables)
    columns = table_columns(want.labels, want.names)
    for table, frame in got.tables.items():
        assert frame.columns == [c.id for c in columns[table][1]], table
        assert [r.asDict() for r in frame.collect()] == want.tables[table], table
    assert len(want.tables["copying"]) >= 3 and len(want.tables["aspects"]) == 6


@pytest.mark.slow
def test_spark_report_cli_writes_parquet_and_the_summary(spark, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    folder = generate(10, 2, seed=9)
    src = tmp_path / "materials"
    src.mkdir()
    for i, text in enumerate(folder.texts):
        (src / f"{i:02d}.txt").write_text(text, encoding="utf-8")
    (src / "broken.txt").write_bytes(bytes(range(32)) * 40)
    ignore = tmp_path / "ignore.txt"
    ignore.write_text(FORMULAS[0] + "\n\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _cli("spark-report", str(src), str(out), "--master", "local[2]", "--shuffle-partitions", "2", "--ignore", str(ignore))
    assert result.returncode == 1, result.stderr  # the broken file is reported, the rest done
    assert "broken.txt" in result.stderr
    want = dimtag.report([src], errors="skip", ignore=[FORMULAS[0]])
    for table in ("documents", "flags", "copying", "shared", "formulas", "aspects", "skipped"):
        assert pq.read_table(out / f"{table}.parquet").to_pylist() == want.tables[table], table
    assert (out / "summary.xlsx").stat().st_size > 0
    again = _cli("spark-report", str(src), str(out), "--master", "local[2]", "--shuffle-partitions", "2")
    assert again.returncode == 1 and "not an empty folder" in again.stderr

"""The second, blind reading of annotated documents: its files, its reader, and the benchmark's agreement count."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import pytest

from dimtag.errors import LabelsError
from dimtag.learn.documents import parse_annotated, read_corpus, read_second_reading, second_document

REPO = Path(__file__).resolve().parents[1]
SECOND = REPO / "data" / "documents" / "second"

SOURCE = "一、存在的问题⟦H problem⟧\n一是学习不深。⟦problem theory p1⟧以上发言，请批评指正。⟦other⟧\n"


@pytest.fixture(scope="module")
def corpus():
    return read_corpus(REPO / "data" / "documents" / "src")


def _write(folder: Path, name: str, rows: list[str]) -> None:
    (folder / name).write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_the_shipped_second_reading_covers_every_writer_and_every_item(corpus):
    readings = read_second_reading(SECOND, corpus)
    by_name = {d.name: d for d in corpus}
    assert len(readings) >= 40
    assert {by_name[n].writer for n in readings} == {d.writer for d in corpus}
    with open(SECOND / "index.tsv", encoding="utf-8", newline="") as fh:
        index = list(csv.DictReader(fh, delimiter="\t"))
    # Every file says who read it, and nobody read a document twice.
    assert sorted(r["document"] for r in index) == sorted(readings)
    # Four annotators read the first 24 writers' documents, two the next six, six the 32 after them, eight the last 24.
    assert {r["annotator"] for r in index} == {f"a{i}" for i in range(1, 21)}
    assert all(len(labels) == len(by_name[name].items) for name, labels in readings.items())


def test_a_second_reading_replaces_item_labels_and_keeps_headings(tmp_path):
    doc = parse_annotated(SOURCE, "d.txt", "w1")
    _write(tmp_path, "d.tsv", ["n\trole\tdimension", "1\tcause\tpolitics", "2\tother\tnone"])
    readings = read_second_reading(tmp_path, [doc])
    twice = second_document(doc, readings["d.txt"])
    assert [(u.kind, u.role, u.dimension) for u in twice.units] == [
        ("heading", "problem", None), ("item", "cause", "politics"), ("item", "other", None)]
    assert twice.text == doc.text and doc.units[1].role == "problem"  # the first reading is untouched


@pytest.mark.parametrize(
    ("name", "rows", "message"),
    [
        ("x.tsv", ["n\trole\tdimension", "1\tproblem\ttheory", "2\tother\tnone"], "no annotated document named x.txt"),
        ("d.tsv", ["n\trole\tdim", "1\tproblem\ttheory", "2\tother\tnone"], "d.tsv:1: header"),
        ("d.tsv", ["n\trole\tdimension", "1\tproblem\ttheory"], "1 items, but d.txt has 2"),
        ("d.tsv", ["n\trole\tdimension", "1\tproblem\ttheory", "3\tother\tnone"], "d.tsv:3: expected item 2"),
        ("d.tsv", ["n\trole\tdimension", "1\tother\ttheory", "2\tother\tnone"], "d.tsv:2: role 'other' with dimension 'theory'"),
        ("d.tsv", ["n\trole\tdimension", "1\tproblem\tnone", "2\tother\tnone"], "d.tsv:2: role 'problem' with dimension 'none'"),
        ("d.tsv", ["n\trole\tdimension", "1\tproblem\tmorale", "2\tother\tnone"], "d.tsv:2: role 'problem' with dimension 'morale'"),
    ],
)
def test_a_broken_second_reading_is_refused_naming_file_and_line(tmp_path, name, rows, message):
    doc = parse_annotated(SOURCE, "d.txt", "w1")
    _write(tmp_path, name, rows)
    with pytest.raises(LabelsError, match=message.replace("(", r"\(")):
        read_second_reading(tmp_path, [doc])


def test_the_benchmark_counts_agreement_item_by_item():
    spec = importlib.util.spec_from_file_location("documents_benchmark", REPO / "benchmarks" / "documents.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    doc = parse_annotated(SOURCE, "d.txt", "w1")
    # Headings are not counted; a dimension on an other item and a wrong role each count once.
    same = module.tally(doc.units, [(u.role or "other", u.dimension) for u in doc.units]).summary()
    assert (same["items"], same["item_accuracy"], same["role_accuracy"]) == (2, 1.0, 1.0)
    off = module.tally(doc.units, [("other", None), ("cause", "theory"), ("measure", "politics")]).summary()
    assert (off["item_accuracy"], off["role_accuracy"], off["other_given_dimension"]) == (0.5, 0.0, 1.0)

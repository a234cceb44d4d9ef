"""The learning wing's CLI verbs: train, evaluate, audit, merge, on a small labels file, from any directory."""

from __future__ import annotations

import csv
import json

import pytest

from dimtag import Tagger
from dimtag.cli import main


def test_train_then_tag_with_the_model_from_another_directory(tmp_path, monkeypatch, capsys, small_labels_csv):
    monkeypatch.chdir(tmp_path)  # outside the checkout: paths are required and relative to here
    assert main(["train", "--grid", "small", "--jobs", "1"]) == 1
    assert "--labels is required outside a dimtag source checkout" in capsys.readouterr().err
    assert main(["train", "--labels", str(small_labels_csv), "--out", "m", "--grid", "small", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "seed macro-F1" in out and "writer macro-F1" in out and "--model m" in out
    assert Tagger.load(tmp_path / "m").tag("学习不够深入。") == "theory"
    (tmp_path / "doc.txt").write_text("学习不够深入。\n调研不深入。", encoding="utf-8")
    assert main(["tag", "--model", "m", "--format", "jsonl", "doc.txt"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["dimension"] for r in records] == ["theory", "work_style"]


@pytest.mark.slow  # cross-validates the grid under both schemes
def test_evaluate_writes_the_report(tmp_path, capsys, small_labels_csv):
    assert main(["evaluate", "--labels", str(small_labels_csv), "--out", str(tmp_path / "r"), "--grid", "small", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "seed: accuracy" in out and "writer: accuracy" in out
    assert "leave-one-writer-out" in (tmp_path / "r" / "evaluation.md").read_text(encoding="utf-8")


def test_audit_then_merge_relabels_a_confirmed_row(tmp_path, capsys, small_labels_csv):
    labels = tmp_path / "labels.csv"
    labels.write_bytes(small_labels_csv.read_bytes())
    audit_csv = tmp_path / "audit.csv"
    assert main(["audit", "--labels", str(labels), "-o", str(audit_csv), "-n", "3"]) == 0
    assert "labels flagged" in capsys.readouterr().out
    rows = list(csv.DictReader(audit_csv.open(encoding="utf-8")))
    assert rows and {"suggested", "p_label", "why", "confirmed"} <= set(rows[0])
    row = rows[0]
    row["dimension"], row["confirmed"] = row["suggested"], "yes"
    with open(audit_csv, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow(row)
    assert main(["merge", str(audit_csv), "--labels", str(labels)]) == 0
    assert "1 relabeled" in capsys.readouterr().out
    merged = {r["text"]: r["dimension"] for r in csv.DictReader(labels.open(encoding="utf-8"))}
    assert merged[row["text"]] == row["suggested"]


def test_learning_verbs_say_when_the_train_extra_is_missing(monkeypatch, capsys):
    import dimtag.learn as learn

    monkeypatch.setattr(learn, "missing_train_extra", lambda: ["sklearn"])
    for verb in (["train"], ["evaluate"], ["audit"], ["merge", "x.csv"], ["suggest", "x.txt"]):
        assert main(verb) == 1
        err = capsys.readouterr().err
        assert "needs the train extra" in err and "pip install 'dimtag[train]'" in err


@pytest.mark.parametrize("verb", ["train", "evaluate"])
def test_bad_jobs_are_refused_before_work(verb, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([verb, "--jobs", "0"])
    assert exit_.value.code == 2 and "--jobs" in capsys.readouterr().err

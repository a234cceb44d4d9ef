"""Issue 14: ``train`` and ``audit`` on unfriendly labels say what is wrong, in one line."""

from __future__ import annotations

import pytest

from .helpers import cli, tiny_rows, write_labels

pytestmark = pytest.mark.usefixtures("one_blas_thread")


def _one_line_error(capsys, *argv) -> str:
    code, out, err = cli(capsys, *argv)
    assert code == 1, (out, err)
    assert err.startswith("dimtag: error: ") and err.count("\n") == 1, err
    return err


def test_train_accepts_a_bom_and_says_when_there_are_no_seed_documents(capsys, tmp_path):
    rows = tiny_rows()
    for row in rows:  # every item written by a writer: no seed document at all
        if row["origin"] == "seed":
            row.update(origin="authored", source="authored", writer="w3" if row["source"] == "doc_a.txt" else "w4")
    labels = write_labels(tmp_path / "labels.csv", rows, bom=True)
    code, out, err = cli(capsys, "train", "--labels", labels, "--out", tmp_path / "model", "--grid", "small", "--jobs", "1")
    assert code == 0, err
    assert "model written to" in out
    assert "no seed documents" in err
    assert (tmp_path / "model" / "metadata.json").is_file()


@pytest.mark.parametrize("verb", ["train", "audit"])
def test_one_item_per_class_says_what_is_missing(capsys, tmp_path, verb):
    rows = [r for r in tiny_rows() if r["text"].startswith("一是")]  # one item per dimension, one seed document
    labels = write_labels(tmp_path / "labels.csv", rows)
    args = ["--out", tmp_path / "m", "--grid", "small"] if verb == "train" else ["-o", tmp_path / "a.csv"]
    err = _one_line_error(capsys, verb, "--labels", labels, *args)
    assert "needs at least two" in err and "doc:doc_a.txt" in err


def test_too_few_items_per_held_out_group_names_the_fold_and_counts(capsys, tmp_path):
    labels = write_labels(tmp_path / "labels.csv", [r for r in tiny_rows() if r["origin"] == "seed"])
    err = _one_line_error(capsys, "train", "--labels", labels, "--out", tmp_path / "m", "--grid", "small")
    assert "with doc:doc_a.txt held out" in err and "at least 5 items" in err and "theory (2)" in err


def test_audit_on_one_row(capsys, tmp_path):
    labels = write_labels(tmp_path / "labels.csv", tiny_rows()[:1])
    err = _one_line_error(capsys, "audit", "--labels", labels, "-o", tmp_path / "a.csv")
    assert "needs at least two" in err and not (tmp_path / "a.csv").exists()


def test_audit_on_one_class(capsys, tmp_path):
    labels = write_labels(tmp_path / "labels.csv", [r for r in tiny_rows() if r["dimension"] == "theory"])
    err = _one_line_error(capsys, "audit", "--labels", labels, "-o", tmp_path / "a.csv")
    assert "at least two labels, got theory" in err


def test_texts_with_nothing_to_learn(capsys, tmp_path):
    rows = tiny_rows()
    for i, row in enumerate(rows):
        row["text"] = str(1000 + i)  # digits are not features: nothing is left
    labels = write_labels(tmp_path / "labels.csv", rows)
    err = _one_line_error(capsys, "audit", "--labels", labels, "-o", tmp_path / "a.csv")
    assert "no characters to learn from" in err

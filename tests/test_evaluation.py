"""The evaluation report and the exploration notebook."""

from __future__ import annotations

import pytest
from conftest import LABELS, REPO

from dimtag.learn.evaluation import evaluate, keyword_rule
from dimtag.learn.training import SMALL_GRID


def test_keyword_rule():
    assert keyword_rule("对八项规定执行不严，廉政风险防控不到位。", "theory") == "integrity"
    assert keyword_rule("今天天气很好。", "politics") == "politics"


def test_evaluate_writes_a_report_with_baselines_on_the_same_folds(tmp_path):
    lines = LABELS.read_text(encoding="utf-8").splitlines()
    subset = tmp_path / "labels.csv"
    # All seed rows (the folds) and a third of the authored ones, for speed.
    keep = [l for i, l in enumerate(lines[1:]) if ",seed," in l or i % 3 == 0]
    subset.write_text("\n".join([lines[0], *keep]) + "\n", encoding="utf-8")
    result = evaluate(subset, tmp_path / "reports", SMALL_GRID, n_jobs=1, fasttext_baseline=False, fractions=(0.5, 1.0))
    report = (tmp_path / "reports" / "evaluation.md").read_text(encoding="utf-8")
    assert "## Headline" in report and "majority class" in report and "keyword list" in report
    assert set(result["baselines"]) == {"majority class", "keyword list"}
    assert result["scores"]["macro_f1"] > result["baselines"]["majority class"]["macro_f1"]
    assert [c["fraction"] for c in result["curve"]] == [0.5, 1.0]
    assert result["curve"][0]["train_items"] < result["curve"][1]["train_items"]
    assert sum(map(sum, result["confusion"])) == result["scores"]["n_test"]


def test_notebook_runs_top_to_bottom():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    nb = nbformat.read(REPO / "notebooks" / "explore.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(REPO)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert sum(o.get("output_type") == "display_data" for o in outputs) >= 2, "two plots"

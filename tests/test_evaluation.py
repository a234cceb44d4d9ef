"""The evaluation report and the exploration notebook."""

from __future__ import annotations

import pytest

from dimtag.learn.evaluation import evaluate, keyword_rule
from dimtag.learn.training import SMALL_GRID

from conftest import REPO


def test_keyword_rule():
    assert keyword_rule("对八项规定执行不严，廉政风险防控不到位。", "theory") == "integrity"
    assert keyword_rule("今天天气很好。", "politics") == "politics"


@pytest.mark.slow  # cross-validates the grid under both schemes and the writer curve
def test_evaluate_writes_a_report_with_both_schemes_baselines_and_the_writer_curve(tmp_path, small_labels_csv):
    result = evaluate(small_labels_csv, tmp_path / "reports", SMALL_GRID, n_jobs=1, fasttext_baseline=True, writer_counts=(1, 2))
    report = (tmp_path / "reports" / "evaluation.md").read_text(encoding="utf-8")
    assert "## Headline" in report and "leave-one-writer-out" in report and "keyword list" in report
    assert set(result["scores"]) == {"seed", "writer"}
    for scheme in ("seed", "writer"):
        assert result["scores"][scheme]["macro_f1"] > result["baselines"]["majority class"][scheme]["macro_f1"]
    assert [c["writers"] for c in result["curve"]] == [1, 2, 3], "k = 1, 2 and all three writers"
    assert sum(map(sum, result["confusion"])) == result["scores"]["seed"]["n_test"]
    if "jieba + fastText" not in result["baselines"]:
        assert "skipped" in report, "a missing baseline is said, not silently dropped"


def test_evaluate_refuses_an_output_that_is_a_file(tmp_path, small_labels_csv):
    out = tmp_path / "report.md"
    out.write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match="not a directory"):
        evaluate(small_labels_csv, out, SMALL_GRID, n_jobs=1)


@pytest.mark.slow
def test_notebook_runs_top_to_bottom():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    nb = nbformat.read(REPO / "notebooks" / "explore.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(REPO)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert sum(o.get("output_type") == "display_data" for o in outputs) >= 2, "two plots"

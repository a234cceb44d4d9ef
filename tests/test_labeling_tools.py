"""The labeling round trip on real files: export-tasks, import-labels (the locked merge), labels rename/merge."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dimtag.learn.labels import read_labels

from conftest import REPO

MATERIALS = REPO / "examples" / "materials"
HEADER = ["text", "dimension", "role", "source", "origin", "writer", "section", "kind", "heading"]
ROWS = [
    {"text": "一是理论学习还不够到位。", "dimension": "theory", "role": "problem", "source": "authored", "origin": "authored", "writer": "w1"},
    {"text": "在专业知识方面做得不够。", "dimension": "ability", "role": "problem", "source": "authored", "origin": "authored", "writer": "w2"},
    {"text": "对创新能力重视程度不高。", "dimension": "ability", "role": "problem", "source": "doc_a.txt", "origin": "seed", "writer": "seed"},
    {"text": "担当意识上存在明显差距。", "dimension": "responsibility", "role": "problem", "source": "doc_a.txt", "origin": "seed", "writer": "seed"},
    {"text": "以上发言，请批评指正。", "dimension": "none", "role": "other", "source": "doc_a.txt", "origin": "seed", "writer": "seed"},
]


def dimtag(*argv, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "dimtag.cli", *map(str, argv)], capture_output=True, text=True, timeout=300)
    if check:
        assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


@pytest.fixture
def labels(tmp_path: Path) -> Path:
    path = tmp_path / "labels.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADER, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(ROWS)
    return path


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[list[dict], Path]:
    folder = tmp_path_factory.mktemp("export")
    out, config = folder / "tasks.json", folder / "config.xml"
    dimtag("export-tasks", MATERIALS / "05_hospital.txt", MATERIALS / "06_company.txt", "-o", out, "--config", config)
    return json.loads(out.read_text(encoding="utf-8")), config


def test_label_studio_tasks_have_predictions_scores_and_stable_ids(exported, tmp_path):
    tasks, config = exported
    ids = [t["data"]["item_id"] for t in tasks]
    assert len(ids) == len(set(ids)) > 20
    first = next(t for t in tasks if t["data"]["file"].endswith("05_hospital.txt") and t["data"]["point"] is not None)
    file, point, index = first["data"]["item_id"].rsplit(":", 2)
    assert (file, int(point), int(index)) == (first["data"]["file"], first["data"]["point"], first["data"]["index"])
    pred = first["predictions"][0]
    assert pred["model_version"].startswith("dimtag-") and 0 <= pred["score"] <= 1
    dimension = pred["result"][0]
    assert (dimension["from_name"], dimension["to_name"], dimension["type"]) == ("dimension", "text", "choices")
    assert dimension["value"]["choices"][0] in {"theory", "politics", "ability", "responsibility", "work_style", "integrity", "none"}
    # The same documents give the same ids again.
    again = tmp_path / "again.json"
    dimtag("export-tasks", MATERIALS / "05_hospital.txt", MATERIALS / "06_company.txt", "-o", again)
    assert [t["data"]["item_id"] for t in json.loads(again.read_text(encoding="utf-8"))] == ids
    # The labeling config names the controls the predictions use.
    root = ET.fromstring(config.read_text(encoding="utf-8"))
    assert {c.get("name") for c in root.iter("Choices")} == {"dimension", "role"}
    assert {c.get("value") for c in root.iter("Choice")} >= {"theory", "none", "problem", "other"}


def test_doccano_jsonl_prefills_the_label_and_keeps_scores(tmp_path):
    out = tmp_path / "tasks.jsonl"
    dimtag("export-tasks", "--format", "doccano", MATERIALS / "05_hospital.txt", "-o", out)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(isinstance(x["text"], str) and x["label"] and x["label"][0] == x["prediction"] and 0 <= x["score"] <= 1 for x in lines)
    assert lines[0]["item_id"].startswith(str(MATERIALS / "05_hospital.txt"))


def annotate(task: dict, *choices: str, cancelled: bool = False, when: str = "2026-12-01T10:00:00Z") -> dict:
    result = [{"from_name": "dimension", "to_name": "text", "type": "choices", "value": {"choices": [c]}} for c in choices]
    return {**task, "annotations": [*task.get("annotations", []),
                                    {"id": len(task.get("annotations", [])) + 1, "result": result, "was_cancelled": cancelled, "updated_at": when}]}


def test_import_label_studio_appends_what_people_labeled_only(exported, labels, tmp_path):
    tasks, _ = exported
    items = [t for t in tasks if t["data"]["point"] is not None]
    done = [
        annotate(items[0], "integrity", "problem"),
        annotate(annotate(items[1], "theory", when="2026-12-01T09:00:00Z"), "理论学习", "原因剖析", when="2026-12-02T09:00:00Z"),
        annotate(items[2], "work_style", cancelled=True),
        items[3],  # a prediction only: nobody labeled it
    ]
    export = tmp_path / "project-1-at-2026.json"
    export.write_text(json.dumps(done, ensure_ascii=False), encoding="utf-8")
    proc = dimtag("import-labels", export, "--labels", labels)
    assert "2 appended, 0 relabeled" in proc.stdout
    new = {it.text: it for it in read_labels(labels)}
    first, second = new[items[0]["data"]["text"]], new[items[1]["data"]["text"]]
    assert (first.dimension, first.role, first.origin, first.source) == ("integrity", "problem", "collected", "05_hospital.txt")
    assert (second.dimension, second.role) == ("theory", "cause"), "the latest annotation wins, Chinese names read"
    assert items[2]["data"]["text"] not in new and items[3]["data"]["text"] not in new
    assert len(new) == len(ROWS) + 2


def test_relabeling_labels_csv_in_label_studio_keeps_writer_origin_and_role(labels, tmp_path):
    tasks_path = tmp_path / "review.json"
    dimtag("export-tasks", labels, "-o", tasks_path)
    tasks = json.loads(tasks_path.read_text(encoding="utf-8"))
    assert [t["data"]["writer"] for t in tasks[:2]] == ["w1", "w2"]
    by_text = {t["data"]["text"]: t for t in tasks}
    export = tmp_path / "export.json"
    export.write_text(json.dumps([annotate(by_text["在专业知识方面做得不够。"], "responsibility"),
                                  annotate(by_text["一是理论学习还不够到位。"], "theory")], ensure_ascii=False), encoding="utf-8")
    before = labels.read_bytes()
    proc = dimtag("import-labels", export, "--labels", labels)
    assert "0 appended, 1 relabeled, 1 confirmed unchanged" in proc.stdout
    item = {it.text: it for it in read_labels(labels)}["在专业知识方面做得不够。"]
    assert (item.dimension, item.writer, item.origin, item.role, item.source) == ("responsibility", "w2", "authored", "problem", "authored")
    assert labels.read_bytes() != before


def test_import_doccano(labels, tmp_path):
    export = tmp_path / "doccano.jsonl"
    lines = [{"id": 1, "text": "下基层调研少，听汇报多。", "label": ["work_style"], "file": "x.txt"},
             {"id": 2, "text": "没有标注的句子。", "label": []}]
    export.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    assert "1 appended" in dimtag("import-labels", export, "--labels", labels).stdout
    item = {it.text: it for it in read_labels(labels)}["下基层调研少，听汇报多。"]
    assert (item.dimension, item.source, item.origin) == ("work_style", "x.txt", "collected")


@pytest.mark.parametrize("content", [
    "not json at all",
    json.dumps([{"data": {"text": "学习不够。"}, "annotations": [{"result": [
        {"type": "choices", "value": {"choices": ["morale"]}}]}]}]),
    json.dumps([{"data": {"text": "学习不够。"}, "annotations": [{"result": [
        {"type": "choices", "value": {"choices": ["theory", "integrity"]}}]}]}]),
    json.dumps([{"data": {"text": "学习不够。"}, "annotations": [{"result": [
        {"type": "choices", "value": {"choices": ["problem"]}}]}]}]),
])
def test_a_bad_export_changes_nothing(labels, tmp_path, content):
    export = tmp_path / "bad.json"
    export.write_text(content, encoding="utf-8")
    before = labels.read_bytes()
    proc = dimtag("import-labels", export, "--labels", labels, check=False)
    assert proc.returncode == 1 and proc.stderr.startswith("dimtag: error: ") and "bad.json" in proc.stderr
    assert labels.read_bytes() == before


def test_labels_merge_with_dry_run_then_for_real(labels):
    before = labels.read_bytes()
    proc = dimtag("labels", "merge", "ability", "responsibility", "--labels", labels, "--dry-run")
    assert "2 rows would be changed" in proc.stdout and labels.read_bytes() == before
    dimtag("labels", "merge", "ability", "responsibility", "--labels", labels)
    items = read_labels(labels)
    assert [it.dimension for it in items] == ["theory", "responsibility", "responsibility", "responsibility", "none"]
    assert [it.writer for it in items] == ["w1", "w2", "seed", "seed", "seed"], "other columns untouched"


@pytest.mark.parametrize("argv, message", [
    (("rename", "ability", "theory"), "in use already"),         # a rename that would merge
    (("merge", "ability", "morale"), "no row has dimension 'morale'"),
    (("rename", "ability", "morale"), "unknown dimension 'morale'"),  # labels.csv keeps dimtag's label set
    (("merge", "theory", "none"), "role 'problem' with dimension 'none'"),
    (("rename", "missing", "theory"), "no row has dimension 'missing'"),
])
def test_labels_refuses_unsafe_changes(labels, argv, message):
    before = labels.read_bytes()
    proc = dimtag("labels", *argv, "--labels", labels, check=False)
    assert proc.returncode == 1 and message in proc.stderr, proc.stderr
    assert labels.read_bytes() == before


def test_labels_rename_in_another_label_set(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("text,dimension,source,origin\n学习不够。,learning,a,seed\n作风不实。,style,a,seed\n", encoding="utf-8")
    dimtag("labels", "rename", "learning", "study", "--labels", path)
    assert path.read_text(encoding="utf-8") == "text,dimension,source,origin\n学习不够。,study,a,seed\n作风不实。,style,a,seed\n"


def test_role_labels_rename(labels):
    proc = dimtag("labels", "merge", "problem", "other", "--column", "role", "--labels", labels, check=False)
    assert proc.returncode == 1 and "role 'other' with dimension" in proc.stderr


def test_the_core_and_the_cli_never_import_the_service():
    code = ("import sys, dimtag, dimtag.cli, dimtag.reporting, dimtag.learn.tasks; dimtag.tag('学习不够。'); "
            "print(sorted(m for m in sys.modules if m.startswith(('starlette', 'uvicorn', 'python_multipart', 'dimtag.serve'))))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert proc.stdout.strip() == "[]"


def test_serve_without_its_extra_says_how_to_install_it(monkeypatch, capsys):
    import importlib.util

    from dimtag.cli import main

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "starlette" else real(name, *a))
    assert main(["serve"]) == 1
    err = capsys.readouterr().err
    assert "pip install 'dimtag[serve]'" in err and "starlette" in err


def test_the_same_sentence_labeled_alike_twice_is_one_label_and_apart_is_refused(labels, tmp_path):
    task = {"data": {"text": "以上发言，请批评指正。", "file": "a.txt"}}
    export = tmp_path / "twice.json"
    export.write_text(json.dumps([annotate(task, "none", "other"), annotate({**task, "data": {**task["data"], "file": "b.txt"}}, "无维度")],
                                 ensure_ascii=False), encoding="utf-8")
    assert "0 appended, 0 relabeled, 1 confirmed unchanged" in dimtag("import-labels", export, "--labels", labels).stdout
    export.write_text(json.dumps([annotate(task, "none"), annotate(task, "theory")], ensure_ascii=False), encoding="utf-8")
    proc = dimtag("import-labels", export, "--labels", labels, check=False)
    assert proc.returncode == 1 and "settle it in the labeling tool" in proc.stderr

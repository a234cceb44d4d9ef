"""Your own framework, end to end: a plain label set of four custom labels, trained, tagged, summarised and reported.

The CLI runs as ``sys.executable -m dimtag``. The label set (examples/framework/four_leads.csv) is 40 sentences
for each of the four 带头 of 2024, written for this project; two small documents use its headings.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dimtag import ModelError, Tagger, tag_document
from dimtag.framework import HEADINGS_FILE

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "examples" / "framework"
FOUR_LEADS = DATA / "four_leads.csv"
LABELS = ("loyalty", "party_spirit", "achievements", "struggle")
NAMES = {"loyalty": "带头强化政治忠诚", "party_spirit": "带头提高党性修养", "achievements": "带头树立和践行正确政绩观",
         "struggle": "带头增强斗争本领"}


def dimtag(*args: object, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "dimtag", *map(str, args)], capture_output=True, text=True, cwd=cwd,
                            input=stdin if stdin is not None else "", timeout=600)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def sentences(label: str) -> list[str]:
    with open(FOUR_LEADS, encoding="utf-8", newline="") as fh:
        return [row["text"] for row in csv.DictReader(fh) if row["label"] == label]


def write_plain_csv(path: Path, text_col: str = "text", label_col: str = "label", delimiter: str = ",") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow([text_col, label_col])
        writer.writerows([text, label] for label in LABELS for text in sentences(label))
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A model trained through the CLI on a plain text,label CSV, with display names and a heading lexicon."""
    pytest.importorskip("sklearn")
    work = tmp_path_factory.mktemp("framework")
    result = dimtag("train", "--labels", FOUR_LEADS, "--names", DATA / "names.csv", "--headings", DATA / "headings.tsv",
                    "--out", work / "m4", "--grid", "small", "--jobs", "1", cwd=work)
    assert result.returncode == 0, result.stderr
    return work / "m4"


def test_the_model_carries_its_labels_names_folds_and_lexicon(trained):
    meta = json.loads((trained / "metadata.json").read_text(encoding="utf-8"))
    assert meta["labels"] == NAMES
    assert meta["data"]["format"] == "csv" and meta["data"]["folds"].startswith("stratified 5-fold")
    assert meta["headings"]["file"] == HEADINGS_FILE and len(meta["headings"]["sha256"]) == 64
    tagger = Tagger.load(trained)
    assert sorted(tagger.labels_) == sorted(LABELS) and tagger.role_model_ is None
    assert tagger.framework_.name("achievements") == "带头树立和践行正确政绩观"
    assert tagger.framework_.heading_label("（三）在带头树立和践行正确政绩观方面") == "achievements"


def test_tag_outputs_show_the_display_names(trained):
    folder = DATA / "materials"
    text = dimtag("tag", "--model", trained, folder)
    assert text.returncode == 0, text.stderr
    assert "loyalty 带头强化政治忠诚" in text.stdout and "struggle 带头增强斗争本领" in text.stdout
    records = [json.loads(line) for line in dimtag("tag", "--model", trained, "--format", "jsonl", folder).stdout.splitlines()]
    assert {r["dimension"] for r in records} == set(LABELS)
    assert all(r["dimension_zh"] == NAMES[r["dimension"]] for r in records)
    rows = list(csv.DictReader(dimtag("tag", "--model", trained, "--format", "csv", folder).stdout.splitlines()))
    assert {(r["dimension"], r["dimension_zh"]) for r in rows} == set(NAMES.items())


def test_headings_of_the_lexicon_give_heading_evidence(trained):
    doc = tag_document((DATA / "materials" / "bureau.txt").read_text(encoding="utf-8"), tagger=Tagger.load(trained))
    by_heading = [s for s in doc if s.by == "heading"]
    assert by_heading, [(s.text, s.by) for s in doc]
    for s in by_heading:
        assert Tagger.load(trained).framework_.heading_label(s.heading) == s.dimension
    under = {s.text: s.dimension for s in doc}
    assert under["二是考核中过于看重排名。"] == "achievements"


def test_summary_counts_the_custom_labels(trained):
    result = dimtag("tag", "--model", trained, "--summary", DATA / "materials")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("document")).split()
    total = next(line for line in lines if line.startswith("TOTAL")).split()
    counts = dict(zip(header[1:], total[1:]))
    assert set(NAMES.values()) <= set(counts)
    assert all(int(counts[name]) > 0 for name in NAMES.values())
    assert int(counts["items"]) == sum(int(counts[name]) for name in NAMES.values()) + int(counts["none"])


def test_report_names_the_custom_labels_and_takes_ids_or_names(trained, tmp_path):
    result = dimtag("report", "--model", trained, DATA / "materials", "-o", f"{tmp_path}/tables/", "--expect", "loyalty,带头提高党性修养")
    assert result.returncode == 0, result.stderr
    coverage = list(csv.DictReader((tmp_path / "tables" / "coverage.csv").open(encoding="utf-8")))
    assert {r["dimension_zh"] for r in coverage} == set(NAMES.values())
    required = {r["dimension"] for r in coverage if r["required"] == "True"}
    assert required == {"loyalty", "party_spirit"}
    flags = list(csv.DictReader((tmp_path / "tables" / "flags.csv").open(encoding="utf-8")))
    assert ("school.txt", "missing", "party_spirit") in {(Path(f["file"]).name, f["kind"], f["dimension"]) for f in flags}
    documents = list(csv.DictReader((tmp_path / "tables" / "documents.csv").open(encoding="utf-8")))
    assert {"loyalty_problems", "struggle_measures"} <= set(documents[0])
    html = dimtag("report", "--model", trained, DATA / "materials", "-o", tmp_path / "r.html")
    assert html.returncode == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert all(name in page for name in NAMES.values()) and "标题词表" not in page
    refused = dimtag("report", "--model", trained, DATA / "materials", "-o", tmp_path / "x.html", "--expect", "theory")
    assert refused.returncode == 1 and "'theory' is not an aspect of this model" in refused.stderr
    assert refused.stderr.startswith("dimtag: error:") and "loyalty (带头强化政治忠诚)" in refused.stderr


def test_extract_with_a_custom_model_reads_its_headings(trained):
    result = dimtag("extract", "--model", trained, DATA / "materials" / "school.txt")
    rows = list(csv.DictReader(result.stdout.splitlines()))
    headings = {r["text"]: r["dimension"] for r in rows if r["kind"] == "heading"}
    assert headings["（一）在带头强化政治忠诚方面"] == "loyalty" and headings["（二）在带头增强斗争本领方面"] == "struggle"
    assert {r["origin"] for r in rows} == {"collected"}


def test_without_a_lexicon_headings_give_no_evidence_and_the_report_says_so(tmp_path):
    pytest.importorskip("sklearn")
    texts = [t for label in LABELS for t in sentences(label)]
    labels = [label for label in LABELS for _ in sentences(label)]
    Tagger().fit(texts, labels).save(tmp_path / "plain")
    records = [json.loads(line) for line in dimtag("tag", "--model", tmp_path / "plain", "--format", "jsonl", DATA / "materials").stdout.splitlines()]
    assert records and not [r for r in records if r["by"] == "heading"]
    assert {r["dimension_zh"] for r in records if r["dimension"]} <= set(LABELS)  # no names given: the ids
    result = dimtag("report", "--model", tmp_path / "plain", DATA / "materials", "-o", tmp_path / "r.html")
    assert result.returncode == 0 and "no heading lexicon" in result.stderr
    assert "没有标题词表" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_a_changed_lexicon_or_a_name_for_a_missing_label_is_refused_at_load(trained, tmp_path):
    import shutil

    copy = tmp_path / "m"
    shutil.copytree(trained, copy)
    with open(copy / HEADINGS_FILE, "a", encoding="utf-8") as fh:
        fh.write("作风\tloyalty\n")
    with pytest.raises(ModelError, match="sha256"):
        Tagger.load(copy)
    shutil.copy(trained / HEADINGS_FILE, copy / HEADINGS_FILE)
    meta = json.loads((copy / "metadata.json").read_text(encoding="utf-8"))
    meta["labels"]["theory"] = "理论学习"
    (copy / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ModelError, match="theory"):
        Tagger.load(copy)


def test_train_refuses_a_label_set_that_cannot_train_naming_the_row(tmp_path):
    pytest.importorskip("sklearn")
    thin = tmp_path / "thin.csv"
    rows = [(t, "loyalty") for t in sentences("loyalty")] + [(t, "struggle") for t in sentences("struggle")[:6]]
    thin.write_text("text,label\n" + "".join(f"{t},{label}\n" for t, label in rows), encoding="utf-8")
    result = dimtag("train", "--labels", thin, "--out", tmp_path / "m", "--grid", "small", "--jobs", "1")
    assert result.returncode == 1
    assert f"thin.csv:{2 + 40}: label 'struggle' has 6 rows" in result.stderr and "at least 5" in result.stderr
    one = tmp_path / "one.csv"
    one.write_text("text,label\n" + "".join(f"{t},loyalty\n" for t in sentences("loyalty")), encoding="utf-8")
    result = dimtag("train", "--labels", one, "--out", tmp_path / "m", "--jobs", "1")
    assert result.returncode == 1 and "one.csv:2: every row has the label 'loyalty'" in result.stderr
    result = dimtag("train", "--labels", one, "--label-col", "dimension", "--out", tmp_path / "m")
    assert result.returncode == 1 and "no column 'dimension'" in result.stderr and "--label-col" in result.stderr
    assert not (tmp_path / "m").exists()


def test_every_format_reads_the_same_items(tmp_path):
    from dimtag.learn.formats import Columns, read_label_set

    plain = read_label_set(write_plain_csv(tmp_path / "a.csv"))
    tsv = read_label_set(write_plain_csv(tmp_path / "a.tsv", "句子", "类别", "\t"), columns=Columns("句子", "类别"))
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text("".join(json.dumps({"sentence": t, "aspect": label, "doc": f"d{i % 3}"}, ensure_ascii=False) + "\n"
                             for label in LABELS for i, t in enumerate(sentences(label))), encoding="utf-8")
    grouped = read_label_set(jsonl, columns=Columns("sentence", "aspect", group="doc"))
    assert (plain.format, tsv.format, grouped.format) == ("csv", "tsv", "jsonl")
    for label_set in (plain, tsv, grouped):
        assert [(it.text, it.dimension) for it in label_set.items] == [(t, label) for label in LABELS for t in sentences(label)]
        label_set.check_trainable()
    assert grouped.folds.startswith("grouped by column 'doc'") and {it.group for it in grouped.items} == {f"writer:group:d{i}" for i in range(3)}
    # Stratified folds: each label's 40 rows dealt round-robin, 8 into each of five folds.
    per_fold = {(it.dimension, it.group) for it in plain.items}
    assert len(per_fold) == 4 * 5
    assert all(sum(1 for it in plain.items if (it.dimension, it.group) == key) == 8 for key in per_fold)


def test_the_labels_schema_trains_any_label_set_but_refuses_a_misspelt_dimension(tmp_path):
    from dimtag.learn.formats import read_label_set
    from dimtag.learn.labels import LabelsError

    custom = tmp_path / "labels.csv"
    custom.write_text("text,dimension,source,origin,writer\n" + "".join(
        f"{t},{label},authored,authored,w{i % 3}\n" for label in LABELS for i, t in enumerate(sentences(label))), encoding="utf-8")
    label_set = read_label_set(custom)
    assert label_set.format == "labels" and {it.dimension for it in label_set.items} == set(LABELS)
    typo = tmp_path / "typo.csv"
    typo.write_text("text,dimension,source,origin,writer\n学习不够深入。,theory,authored,authored,w1\n作风不实。,workstyle,authored,authored,w1\n",
                    encoding="utf-8")
    with pytest.raises(LabelsError, match="typo.csv:3: unknown dimension 'workstyle'"):
        read_label_set(typo)


def test_a_bad_jsonl_line_is_named(tmp_path):
    from dimtag.learn.formats import read_label_set
    from dimtag.learn.labels import LabelsError

    path = tmp_path / "x.jsonl"
    path.write_text('{"text": "学习不够。", "label": "a"}\n\n{"text": 3, "label": "b"}\n', encoding="utf-8")
    with pytest.raises(LabelsError, match="x.jsonl:3: 'text' missing or not a string"):
        read_label_set(path)


def test_names_and_lexicon_files_are_checked(tmp_path):
    from dimtag.framework import parse_heading_lexicon
    from dimtag.learn.formats import read_names
    from dimtag.learn.labels import LabelsError

    assert read_names(DATA / "names.csv") == NAMES
    (tmp_path / "n.tsv").write_text("loyalty\t忠诚\nduty\t忠诚\n", encoding="utf-8")
    with pytest.raises(LabelsError, match="n.tsv:2: '忠诚' already names another label"):
        read_names(tmp_path / "n.tsv")
    lexicon = parse_heading_lexicon((DATA / "headings.tsv").read_text(encoding="utf-8"), LABELS, NAMES, "h")
    assert ("政绩观", "achievements") in lexicon  # given by its display name
    with pytest.raises(ModelError, match="h:1: 'theory' is not a label"):
        parse_heading_lexicon("理论学习\ttheory\n", LABELS, NAMES, "h")


def test_the_six_dimensions_keep_their_chinese_names_and_headings(tagger):
    doc = tag_document("一、存在的问题\n（一）在政治素质方面。一是政治站位不高。")
    assert doc[0].by == "heading" and doc.to_records()[0]["dimension_zh"] == "政治素质"
    assert tagger.framework_.builtin and tagger.framework_.name("work_style") == "工作作风"


def test_extract_marks_new_documents_collected(tmp_path, seed_paths):
    new = tmp_path / "new_material.txt"
    new.write_text("一、存在的问题\n（一）在理论学习方面。一是学得不深。\n", encoding="utf-8")
    result = dimtag("extract", new)
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert result.returncode == 0 and rows
    assert {r["origin"] for r in rows} == {"collected"} and {r["source"] for r in rows} == {"new_material.txt"}
    assert {r["writer"] for r in rows} == {""}
    # A copy of a seed document outside data/seeds/ is a new document too.
    copy = tmp_path / seed_paths[0].name
    copy.write_bytes(seed_paths[0].read_bytes())
    assert {r["origin"] for r in csv.DictReader(dimtag("extract", copy).stdout.splitlines())} == {"collected"}
    assert {r["origin"] for r in csv.DictReader(dimtag("extract", seed_paths[0]).stdout.splitlines())} == {"seed"}


def test_bare_tag_on_a_terminal_prints_a_hint_and_piped_input_is_tagged():
    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "dimtag", "tag"], stdin=follower, capture_output=True, text=True,
                              timeout=60, env={**os.environ, "TERM": "dumb"})
    finally:
        os.close(follower)
        os.close(leader)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and "give files or folders" in proc.stderr
    piped = dimtag("tag", "--format", "jsonl", stdin="调查研究不深入，听汇报多、下基层少。")
    assert piped.returncode == 0 and json.loads(piped.stdout)["dimension"] == "work_style"


def _readme_section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return text.split("## Your own framework", 1)[1].split("\n## ", 1)[0]


@pytest.mark.slow
def test_readme_commands_run(tmp_path):
    """The commands of README's "Your own framework", run as written from a copy of examples/framework.

    Slow: it trains once more, as the README does; the default suite trains the same model in ``trained``.
    """
    pytest.importorskip("sklearn")
    import shlex
    import shutil

    shutil.copytree(DATA, tmp_path / "examples" / "framework")
    commands = [line for block in _readme_section().split("```bash")[1:] for line in block.split("```")[0].splitlines()
                if line.startswith("dimtag ")]
    assert [c.split()[1] for c in commands] == ["train", "tag", "tag", "report"]
    outputs = [dimtag(*shlex.split(c)[1:], cwd=tmp_path) for c in commands]
    assert all(o.returncode == 0 for o in outputs), [o.stderr for o in outputs]
    assert "带头强化政治忠诚" in outputs[1].stdout and "带头增强斗争本领" in outputs[2].stdout
    assert "带头树立和践行正确政绩观" in (tmp_path / "four_leads.html").read_text(encoding="utf-8")


def test_readme_and_train_help_show_the_same_five_line_example():
    section = _readme_section()
    example = section.split("```\ntext,label\n", 1)[1].split("```", 1)[0].splitlines()
    assert len(example) == 4
    rows = {tuple(line.rsplit(",", 1)) for line in example}
    with open(FOUR_LEADS, encoding="utf-8", newline="") as fh:
        assert rows <= {(r["text"], r["label"]) for r in csv.DictReader(fh)}
    shown = dimtag("train", "--help").stdout
    assert "text,label" in shown and all(line in shown for line in example)
    from dimtag.learn.formats import FORMATS

    assert all(f"  {fmt} " in shown for fmt in FORMATS) and "--text-col" in shown and "--group-col" in shown


@pytest.mark.slow
def test_a_fresh_venv_with_the_train_and_report_extras_runs_a_custom_framework(tmp_path):
    """pip install -e ".[train,report]" into a new venv (from the local wheel cache), then train, tag, summarise, report."""
    import venv

    venv.EnvBuilder(with_pip=True).create(tmp_path / "venv")
    bin_dir = tmp_path / "venv" / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    install = subprocess.run([bin_dir / "python", "-m", "pip", "install", "-q", "-e", f"{REPO}[train,report]"],
                             capture_output=True, text=True, env=env, timeout=1800)
    assert install.returncode == 0, install.stderr[-2000:]

    def venv_dimtag(*args: object) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([bin_dir / "dimtag", *map(str, args)], capture_output=True, text=True, env=env, cwd=tmp_path,
                                timeout=900)
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode == 0, result.stderr
        return result

    venv_dimtag("train", "--labels", FOUR_LEADS, "--names", DATA / "names.csv", "--headings", DATA / "headings.tsv",
                "--out", "m4", "--grid", "small")
    records = [json.loads(line) for line in venv_dimtag("tag", "--model", "m4", "--format", "jsonl", DATA / "materials").stdout.splitlines()]
    assert {r["dimension_zh"] for r in records} == set(NAMES.values()) and any(r["by"] == "heading" for r in records)
    assert "带头提高党性修养" in venv_dimtag("tag", "--model", "m4", "--summary", DATA / "materials").stdout
    venv_dimtag("report", "--model", "m4", DATA / "materials", "-o", "r.xlsx", "--expect", "loyalty,带头增强斗争本领")
    openpyxl = pytest.importorskip("openpyxl")
    rows = list(openpyxl.load_workbook(tmp_path / "r.xlsx")["维度覆盖"].iter_rows(values_only=True))
    # A person's sheet shows the label column in display names (its Chinese twin column is left out).
    column = rows[0].index("维度")
    assert set(NAMES.values()) <= {row[column] for row in rows[1:]}

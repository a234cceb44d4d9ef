"""The reviewer's rubric: the rubric file, the checks on written texts, grades and notes built from evidence, outputs."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dimtag import Dimension, tag_document
from dimtag.errors import RubricError
from dimtag.reporting import points_of, report
from dimtag.reporting.rubric import default_rubric, load_rubric, material_kind, parse_rubric, subject_of
from dimtag.reporting.rubric.checks import causes, measures, praise

REPO = Path(__file__).resolve().parents[1]
REVIEW = REPO / "tests" / "data" / "review"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dimtag", *args], capture_output=True, text=True, encoding="utf-8")


# --- the rubric file -------------------------------------------------------------------------------------------

def test_the_shipped_rubric_documents_every_key_with_a_comment():
    text = (REPO / "src" / "dimtag" / "resources" / "rubric.toml").read_text(encoding="utf-8")
    rubric = default_rubric()
    lines = text.splitlines()
    for section, keys in rubric.values.items():
        assert f"[{section}]" in text
        for key in keys:
            at = next(i for i, line in enumerate(lines) if re.match(rf"\s*{key}\s*=", line) or line.strip() == f"[{section}.{key}]")
            assert lines[at - 1].lstrip().startswith("#") or key in ("roots", "revise", "fail_count", "formula_share",
                                                                       "objective", "required", "copy_direction"), key


def test_a_typo_in_a_key_names_its_line(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text("# our unit\n[proportion]\nmax_positive_ratio = 1.5\n\n[measures]\nmax_vauge_share = 0.4\n", encoding="utf-8")
    with pytest.raises(RubricError, match=r"mine.toml, line 6: \[measures\] has no key 'max_vauge_share'"):
        load_rubric(path)


def test_a_value_out_of_range_or_of_the_wrong_type_names_its_line():
    with pytest.raises(RubricError, match=r"line 3: \[subject\] min_self_share = 1.5 is out of range"):
        parse_rubric("[subject]\n\nmin_self_share = 1.5", "r.toml", default_rubric())
    with pytest.raises(RubricError, match=r"line 2: \[grade\] fail_count must be a whole number"):
        parse_rubric("[grade]\nfail_count = 2.5", "r.toml", default_rubric())
    with pytest.raises(RubricError, match=r"line 2: \[grade\] fail names unknown flags \['copy'\]"):
        parse_rubric("[grade]\nfail = ['copy']", "r.toml", default_rubric())
    with pytest.raises(RubricError, match=r"line 1: unknown section \[grades\]"):
        parse_rubric("[grades]\nfail = ['copied']", "r.toml", default_rubric())
    with pytest.raises(RubricError, match="not valid TOML"):
        parse_rubric("[grade\nfail = 1", "r.toml", default_rubric())


def test_a_unit_rubric_keeps_the_defaults_it_does_not_mention():
    rubric = parse_rubric("[grade]\nfail = ['copied', 'recycled', 'missing_aspect', 'disguised_praise']\nrevise = []",
                          "r.toml", default_rubric())
    assert rubric.level("disguised_praise") == "fail" and rubric.level("vague_measures") is None
    assert rubric["subject"]["min_self_share"] == default_rubric()["subject"]["min_self_share"]


def test_the_cli_refuses_a_bad_rubric_before_any_work(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[causes]\nobjective = ['任务重']\n[recycling]\nmin_copy_chars = 5\n", encoding="utf-8")
    done = _run("report", str(REVIEW / "r1" / "r1_01_jtj_juzhang_2023.txt"), "--rubric", str(bad), "-o", str(tmp_path / "o.html"))
    assert done.returncode == 1
    assert "bad.toml, line 4: [recycling] min_copy_chars = 5 is out of range" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "o.html").exists()


# --- the checks, on texts written for them ---------------------------------------------------------------------

def test_the_subject_of_a_problem():
    assert subject_of("我对分管科室的同志要求不严。")[0] == "self"
    assert subject_of("有的同志开会看手机，个别干部迟到早退。") == ("others", "有的同志")
    assert subject_of("我们单位的制度执行不严。") == ("collective", "我们")
    assert subject_of("下属报上来的材料我很少细看。")[0] == "self"  # the writer's own failing
    assert subject_of("调研多，落实少。") == ("self", "")


def test_disguised_praise_is_found_with_its_phrase_and_a_real_criticism_about_health_is_not():
    text = ("在组织生活会上对班子成员的批评意见\n"
            "一、对张××同志\n一是工作太拼命，周末也在单位，希望你注意身体。\n"
            "二、对李××同志\n一是今年5月因身体原因请假期间，分管的两项工作无人接手，拖延了半个月。\n")
    doc = tag_document(text, name="p.txt")
    assert material_kind(doc) == "criticism"
    rows, found = praise(doc, points_of(doc, list(Dimension)), default_rubric())
    assert [f.flag for f in found] == ["disguised_praise"]
    assert [r["phrases"] for r in rows] == ["太拼命、注意身体"]
    assert all("身体原因" not in r["text"] for r in rows)


def test_objective_causes_and_rooted_causes():
    head = "个人对照检查材料\n一、存在的问题\n1.学习不深，今年只读了2本书。\n二、原因剖析\n"
    objective = tag_document(head + "1.客观上工作任务重，时间紧，人手少。\n2.客观条件差，经费不足。\n", name="o.txt")
    rooted = tag_document(head + "1.理想信念有所松懈，党性修养放松。\n2.任务重也有影响。\n", name="r.txt")
    rows, found = causes(objective, points_of(objective, list(Dimension)), default_rubric())
    assert [f.flag for f in found] == ["objective_causes"] and "任务重" in found[0].values["objective"]
    rows, found = causes(rooted, points_of(rooted, list(Dimension)), default_rubric())
    assert found == [] and "理想信念" in rows[0]["roots"] and "党性修养" in rows[0]["roots"]


def test_a_measure_has_a_deadline_an_owner_and_a_target_or_is_vague():
    text = ("个人对照检查材料\n一、存在的问题\n1.理论学习不深，今年只读了2本书。\n三、整改措施\n"
            "1.2025年3月底前，由我牵头制定学习计划，全年读书不少于6本。\n2.进一步加强理论学习，切实提高思想认识。\n")
    doc = tag_document(text, name="m.txt")
    rows, pairing, found = measures(doc, points_of(doc, list(Dimension)), list(Dimension), default_rubric())
    first, second = rows
    assert first["deadline"].startswith("2025年3月") and first["owner"] and first["target"] and first["checkable"]
    assert not (second["deadline"] or second["owner"] or second["target"] or second["checkable"])
    assert sum(r["measures"] for r in pairing) == 2
    strict = parse_rubric("[measures]\nmax_vague_share = 0.4", "s.toml", default_rubric())
    assert [f.flag for f in measures(doc, points_of(doc, list(Dimension)), list(Dimension), strict)[2]] == ["vague_measures"]


# --- the review on the materials with known defects ------------------------------------------------------------

@pytest.fixture(scope="module")
def reviewed():
    files = sorted((REVIEW / "r1").glob("*.txt"))
    return report(files, rubric=default_rubric(), previous=REVIEW / "r1" / "prev")


def test_each_note_is_built_only_from_the_evidence_it_lists(reviewed):
    for g in reviewed["grades"]:
        reasons = [r for r in reviewed["reasons"] if r["file"] == g["file"]]
        evidence = " ".join(f'{r["values"]} {" ".join((r["quote"] or "").split())}' for r in reasons)
        body = g["note"].split("。", 1)[1]
        for number in re.findall(r"\d+", body):
            assert number in evidence, (g["file"], number)
        for quoted in re.findall(r"“([^”]*)”", body):
            assert quoted.rstrip("…") in evidence, (g["file"], quoted)
        for phrases in re.findall(r"（([^）]*、[^）]*)）", body):  # the lists of words found (太拼命、注意身体)
            for word in phrases.split("、"):
                assert word in evidence, (g["file"], word)


def test_grades_and_flags_on_one_writer_agree_with_the_gold_file(reviewed):
    with open(REVIEW / "r1" / "gold.tsv", encoding="utf-8") as fh:
        gold = {row["file"]: row for row in csv.DictReader(fh, delimiter="\t")}
    grades = {Path(g["file"]).name: g["grade"] for g in reviewed["grades"]}
    assert set(grades) == set(gold)
    agree = sum(grades[f] == gold[f]["grade"] for f in gold)
    assert agree >= 13  # of 16: the roles come from part headings; materials without them lose causes and measures
    flags = {(Path(r["file"]).name, r["flag"]) for r in reviewed["reasons"]}
    for f, row in gold.items():
        for defect in ("recycled", "copied", "disguised_praise", "missing_aspect"):
            assert ((f, defect) in flags) == (defect in row["defects"].split(",")), (f, defect)


def test_recycling_names_last_years_material_and_the_share_reused(reviewed):
    rows = [r for r in reviewed["recycling"] if r["source"] == "往年材料"]
    assert {Path(r["file"]).name for r in rows} == {"r1_09_town_fushuji_2024.txt", "r1_13_hospital_fuyuanzhang_2023.txt"}
    assert all(r["share"] > 0.8 and r["text"] for r in rows)


def test_the_cli_writes_the_review_in_every_format_with_a_page_per_material(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    last = tmp_path / "last"
    last.mkdir()
    this = (REVIEW / "r2" / "r2_06_guke_suntao.txt").read_text(encoding="utf-8")
    (folder / "sun_2023.txt").write_text(this, encoding="utf-8")
    (folder / "other.txt").write_text((REVIEW / "r2" / "r2_01_xinneike_shuji.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (last / "sun_2022.txt").write_text((REVIEW / "r2" / "prev" / "r2_06_guke_suntao.txt").read_text(encoding="utf-8"),
                                       encoding="utf-8")
    mapping = tmp_path / "map.csv"
    mapping.write_text("sun_2023.txt,sun_2022.txt\n", encoding="utf-8")
    ignore = tmp_path / "ignore.txt"
    ignore.write_text("# formulas\n以上发言，请批评指正\n", encoding="utf-8")
    out = tmp_path / "r.html"
    done = _run("report", str(folder), "--previous", str(last), "--previous-map", str(mapping), "--ignore", str(ignore),
                "-o", str(out))
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert "审阅结论" in page and "问题措施对应" in page
    links = re.findall(r'href="(r_pages/[^"]+)"', page)
    assert len(links) == 2 and all((tmp_path / link).is_file() for link in links)
    sun = next(r for r in csv.DictReader(_csv(tmp_path, folder, last, mapping)) if r["file"].endswith("sun_2023.txt"))
    assert sun["grade"] == "不合格" and "sun_2022.txt" in sun["note"]
    material = (tmp_path / links[0]).read_text(encoding="utf-8")
    assert "审阅意见" in material and "返回总览" in material


def _csv(tmp_path, folder, last, mapping):
    done = _run("report", str(folder), "--previous", str(last), "--previous-map", str(mapping), "-o", str(tmp_path / "t") + "/")
    assert done.returncode == 0, done.stderr
    return (tmp_path / "t" / "grades.csv").read_text(encoding="utf-8").splitlines()


def test_an_ignored_formula_is_never_copying_and_the_copy_is_the_one_that_keeps_less_of_its_own():
    shared = "对群众反映的问题只登记在台账上，跟踪督办不够，个别诉求拖了两三个月才给答复，群众有不少怨言。"
    own = "一是今年3月我在溪口村调研时，对修路资金的使用只听了汇报，没有到现场核对，后来发现多报了2万元。"
    source = tag_document("个人对照检查材料\n一、存在的问题\n" + own + "\n" + shared + "\n" + own.replace("溪口", "石桥"), name="a.txt")
    copy = tag_document("个人对照检查材料\n一、存在的问题\n" + shared + "\n", name="b.txt")
    flagged = report([source, copy], rubric=default_rubric())
    assert {(Path(r["file"]).name, r["flag"]) for r in flagged["reasons"] if r["flag"] == "copied"} == {("b.txt", "copied")}
    roles = {r["file"]: r["role"] for r in flagged["recycling"]}
    assert roles == {"a.txt": "被抄方", "b.txt": "抄用方"}
    ignored = report([source, copy], rubric=default_rubric(), ignore=[shared[:20], shared[20:]])
    assert not [r for r in ignored["reasons"] if r["flag"] == "copied"] and not ignored["copying"]


def test_a_rubric_requiring_an_aspect_the_model_lacks_is_one_clear_error(tmp_path):
    four = tmp_path / "four.toml"
    four.write_text('[aspects]\nrequired = ["带头学习", "theory"]\n', encoding="utf-8")
    done = _run("report", str(REVIEW / "r1" / "r1_01_jtj_juzhang_2023.txt"), "--rubric", str(four), "-o", str(tmp_path / "o.csv"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "four.toml: [aspects] required: '带头学习' is not an aspect of this model" in done.stderr

"""The report counts by role (issue 18, part 6): problems, causes, measures and strengths come from the items' roles.

Two kinds of tests. The counting logic is tested on tagged documents built here item by item (role, dimension,
point, headings given), so it holds whatever model tags. The end-to-end tests tag documents written here with a
small role model fitted on the sentences below (and with the shipped model, which reads roles from part headings
until it is retrained with roles).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dimtag import Dimension, Role, TaggedDocument, TaggedSentence, Tagger, tag_document
from dimtag.reporting import report

T, P, W, INT = Dimension.THEORY, Dimension.POLITICS, Dimension.WORK_STYLE, Dimension.INTEGRITY
PROBLEMS = ("一、存在的问题",)


def _doc(name: str, rows: list[tuple], section: str = "problem") -> TaggedDocument:
    """A tagged document from rows of (text, role, dimension, point, headings[, role_score])."""
    text, items = "", []
    for i, row in enumerate(rows):
        words, role, dim, point, headings = row[:5]
        role_score = row[5] if len(row) > 5 else 0.9
        start = len(text)
        text += words + "\n"
        items.append(TaggedSentence(
            i, words, start, start + len(words), Role(role), role_score, None if role == "other" else dim, 0.9, "model",
            dim or T, 0.9, headings[-1] if headings else None, section, point, tuple(headings),
        ))
    return TaggedDocument(name, text, items)


def _coverage(rep, name: str) -> dict[str, dict]:
    return {r["dimension"]: r for r in rep["coverage"] if r["file"] == name}


def _flags(rep, name: str) -> set[tuple[str, str | None]]:
    return {(f["kind"], f["dimension"]) for f in rep["flags"] if f["file"] == name}


def test_roles_not_the_part_heading_decide_what_is_counted():
    # Every item sits under the problem part heading; their roles say what they do.
    doc = _doc("roles.txt", [
        ("理论学习不够深入，读原著少。", "problem", T, 0, PROBLEMS),
        ("我将每月精读一本理论著作。", "measure", T, 1, PROBLEMS),
        ("根源在于党性修养有所放松。", "cause", P, 2, PROBLEMS),
        ("全年没有收受任何礼品礼金。", "positive", INT, 3, PROBLEMS),
        ("以上发言，请批评指正。", "other", None, None, PROBLEMS),
    ])
    rep = report([doc])
    cov = _coverage(rep, "roles.txt")
    assert (cov["theory"]["problems"], cov["theory"]["measures"]) == (1, 1)
    assert (cov["politics"]["causes"], cov["politics"]["problems"]) == (1, 0)
    assert (cov["integrity"]["positives"], cov["integrity"]["problems"]) == (1, 0)
    row = rep["documents"][0]
    assert (row["problems"], row["causes"], row["measures"], row["positives"]) == (1, 1, 1, 1)
    assert ("missing", "integrity") in _flags(rep, "roles.txt")  # a strength is no problem stated
    assert [r["text"] for r in rep["concreteness"]] == ["理论学习不够深入，读原著少。"]


def test_an_aspect_heading_covers_its_problems_even_where_the_model_reads_them_elsewhere():
    aspect = (*PROBLEMS, "（四）担当作为方面")
    doc = _doc("aspect.txt", [
        ("遇到矛盾绕着走，习惯按老办法办事。", "problem", W, 0, aspect),
        ("对分管领域的难题调研多、拍板少。", "problem", P, 1, aspect),
    ])
    rep = report([doc], expect=["担当作为"])
    cov = _coverage(rep, "aspect.txt")
    assert cov["responsibility"]["problems"] == 2
    assert cov["work_style"]["problems"] == cov["politics"]["problems"] == 0
    assert not any(kind in ("missing", "thin") for kind, _ in _flags(rep, "aspect.txt"))
    assert {r["aspect"] for r in rep["concreteness"]} == {"responsibility"}
    # The items keep the model's own reading: the heading decides coverage, not the sentences' tags.
    assert [r["dimension"] for r in rep["sentences"]] == ["work_style", "politics"]


def test_measures_after_the_last_aspect_heading_count_as_measures():
    theory, integrity = (*PROBLEMS, "（一）理论学习方面"), (*PROBLEMS, "（二）廉洁自律方面")
    doc = _doc("tail.txt", [
        ("学习不系统，读原著少。", "problem", T, 0, theory),
        ("对身边人员监督管理不严。", "problem", INT, 1, integrity),
        ("落实一岗双责不到位。", "problem", INT, 2, integrity),
        ("下一步，我将制定读书计划，系统学习理论。", "measure", T, 3, integrity),
        ("每月下基层调研不少于两次。", "measure", W, 4, integrity),
    ])
    rep = report([doc])
    cov = _coverage(rep, "tail.txt")
    assert (cov["integrity"]["problems"], cov["integrity"]["measures"]) == (2, 0)
    assert (cov["theory"]["problems"], cov["theory"]["measures"]) == (1, 1)
    assert (cov["work_style"]["problems"], cov["work_style"]["measures"]) == (0, 1)
    flags = _flags(rep, "tail.txt")
    assert ("no_measure", "integrity") in flags and ("no_measure", "theory") not in flags
    assert ("measure_without_problem", "work_style") in flags


def test_measures_the_segmenter_joins_to_the_last_problem_are_split_off():
    integrity = (*PROBLEMS, "（二）廉洁自律方面")
    doc = _doc("joined.txt", [
        ("六是对身边人员监督管理不严。", "problem", INT, 5, integrity),
        ("下一步，我将制定读书计划。", "measure", T, 5, integrity),
        ("每月下基层调研。", "measure", W, 5, integrity),
    ])
    cov = _coverage(report([doc]), "joined.txt")
    assert (cov["integrity"]["problems"], cov["integrity"]["measures"]) == (1, 0)
    assert cov["theory"]["measures"] == 1 and cov["work_style"]["measures"] == 1


def test_a_heading_governs_every_role_its_siblings_also_hold():
    # Problem, cause and measure under each aspect: the heading governs all three.
    theory, style = (*PROBLEMS, "（一）理论学习方面"), (*PROBLEMS, "（二）工作作风方面")
    doc = _doc("blocks.txt", [
        ("学习不系统。", "problem", T, 0, theory), ("原因是放松了学习。", "cause", T, 1, theory),
        ("我将系统学习。", "measure", T, 2, theory),
        ("调研不深入。", "problem", W, 3, style), ("宗旨意识淡化。", "cause", P, 4, style),
        ("我将每月下基层。", "measure", W, 5, style),
    ])
    cov = _coverage(report([doc]), "blocks.txt")
    assert (cov["work_style"]["problems"], cov["work_style"]["causes"], cov["work_style"]["measures"]) == (1, 1, 1)
    assert cov["politics"]["causes"] == 0


@pytest.mark.parametrize("rows, why", [
    ([("学习不够深入。", "problem", T, 0, PROBLEMS, 0.3), ("我将加强学习。", "measure", T, 1, PROBLEMS, 0.35)], "不确定"),
    ([("现将情况报告如下。", "other", None, None, ()), ("以上发言，请批评指正。", "other", None, None, ())], "未识别出"),
    ([("学习不够深入。", "problem", None, 0, PROBLEMS), ("调研少。", "problem", None, 1, PROBLEMS),
      ("学风不正。", "problem", T, 2, PROBLEMS)], "未能判断维度"),
])
def test_an_unsure_document_says_so_instead_of_missing(rows, why, tmp_path):
    rep = report([_doc("unsure.txt", rows)])
    flags = {f["kind"]: f["detail"] for f in rep["flags"] if f["file"] == "unsure.txt"}
    assert why in flags["unsure"]
    assert not set(flags) & {"missing", "thin", "no_measure", "measure_without_problem"}
    assert rep["documents"][0]["unsure"] and all(r["unsure"] for r in rep["coverage"])
    page = (rep.write(tmp_path / "r.html")[0]).read_text(encoding="utf-8")
    heat = page[page.index("<svg") : page.index("</svg>")]
    assert ">？</text>" in heat and ">缺</text>" not in heat


# Sentences of our own, one role each, to fit a small role model (issue 18's rule: other gets no dimension).
ROLE_ROWS = [
    ("理论学习不够系统深入，满足于读文件、记笔记。", "theory", "problem"),
    ("学习党的创新理论浅尝辄止，原著原文读得少。", "theory", "problem"),
    ("放松了理论学习，认为学习是软任务。", "theory", "cause"),
    ("我将制定读书计划，每月精读一本理论著作。", "theory", "measure"),
    ("坚持把理论学习作为首要任务，认真读原著学原文。", "theory", "measure"),
    ("全年参加中心组学习12次，撰写学习笔记3万字。", "theory", "positive"),
    ("政治站位不够高，对意识形态工作重视不够。", "politics", "problem"),
    ("政治敏锐性不强，对错误言论抵制不力。", "politics", "problem"),
    ("党性修养有所放松，政治警觉性下降。", "politics", "cause"),
    ("我将严守政治纪律和政治规矩，增强政治判断力。", "politics", "measure"),
    ("严格落实意识形态工作责任制，守好阵地。", "politics", "measure"),
    ("始终坚定政治立场，严格执行民主集中制。", "politics", "positive"),
    ("业务能力跟不上新形势，专业知识储备不足。", "ability", "problem"),
    ("数字化本领不强，面对新技术有本领恐慌。", "ability", "problem"),
    ("满足于已有经验，学习新知识的主动性不强。", "ability", "cause"),
    ("我将系统学习专业知识，提升业务能力和专业素养。", "ability", "measure"),
    ("参加专业培训，补齐能力短板。", "ability", "measure"),
    ("牵头完成信息系统建设，业务能力得到锻炼。", "ability", "positive"),
    ("担当意识不强，遇到矛盾绕着走，怕得罪人。", "responsibility", "problem"),
    ("攻坚克难的劲头不足，干事创业的精气神有所减退。", "responsibility", "problem"),
    ("进取精神弱化，求稳怕乱思想作祟。", "responsibility", "cause"),
    ("我将敢于动真碰硬，主动啃硬骨头。", "responsibility", "measure"),
    ("对急难险重任务带头冲在前面，勇于担当。", "responsibility", "measure"),
    ("面对急难险重任务带头攻坚，敢于负责。", "responsibility", "positive"),
    ("调查研究不深入，听汇报多、下基层少。", "work_style", "problem"),
    ("形式主义仍有表现，文山会海问题没有根本解决。", "work_style", "problem"),
    ("宗旨意识淡化，联系群众的自觉性不够。", "work_style", "cause"),
    ("我将每月下基层调研，面对面联系群众。", "work_style", "measure"),
    ("精简会议文件，切实为基层减负。", "work_style", "measure"),
    ("坚持深入基层调查研究，为民服务意识强。", "work_style", "positive"),
    ("落实一岗双责不到位，对廉政风险排查不细。", "integrity", "problem"),
    ("对身边人员监督管理不严，廉洁自律要求执行不够。", "integrity", "problem"),
    ("纪律规矩意识有所松懈，廉洁防线不够牢。", "integrity", "cause"),
    ("我将严格落实中央八项规定精神，管好身边人。", "integrity", "measure"),
    ("认真履行一岗双责，加强廉政教育。", "integrity", "measure"),
    ("严格遵守廉洁自律规定，从未收受礼品礼金。", "integrity", "positive"),
    ("现将个人对照检查情况报告如下。", "none", "other"),
    ("以上发言，请同志们批评指正。", "none", "other"),
    ("根据组织安排，召开专题民主生活会。", "none", "other"),
    ("我单位现有干部职工56人。", "none", "other"),
    ("所谓四风，是指形式主义、官僚主义、享乐主义和奢靡之风。", "none", "other"),
    ("会前广泛征求意见建议。", "none", "other"),
]

# A material with no part heading at all: 一是…六是, then measures, then the closing.
ENUMERATED = """个人对照检查材料
一是理论学习不够深入，读原著原文少，满足于读文件。
二是政治敏锐性不强，对意识形态工作重视不够。
三是业务能力不足，专业知识跟不上，有本领恐慌。
四是担当意识不强，遇到矛盾绕着走。
五是调查研究不深入，下基层少，联系群众不够。
六是落实一岗双责不到位，对身边人员监督不严。
下一步，我将制定读书计划，精读理论著作。
我将每月下基层调研，联系群众。
以上发言，请同志们批评指正。
"""


@pytest.fixture(scope="module")
def role_tagger():
    pytest.importorskip("sklearn")
    return Tagger().fit([r[0] for r in ROLE_ROWS], [r[1] for r in ROLE_ROWS], roles=[r[2] for r in ROLE_ROWS])


def test_an_enumerated_material_with_no_part_heading_has_its_problems_found(role_tagger, tmp_path):
    path = tmp_path / "enumerated.txt"
    path.write_text(ENUMERATED, encoding="utf-8")
    rep = report([path], tagger=role_tagger)
    name = str(path)
    cov = _coverage(rep, name)
    assert all(cov[d.value]["problems"] == 1 for d in Dimension)
    assert not {kind for kind, _ in _flags(rep, name)} & {"missing", "unsure"}
    # The two measures after the last problem are measures, not integrity problems.
    assert cov["theory"]["measures"] == 1 and cov["work_style"]["measures"] == 1
    assert cov["integrity"]["measures"] == 0
    assert rep["documents"][0]["problems"] == 6 and rep["documents"][0]["measures"] == 2


def test_the_shipped_model_finds_the_problems_of_an_enumerated_material_too(tmp_path):
    path = tmp_path / "enumerated.txt"
    path.write_text(ENUMERATED, encoding="utf-8")
    rep = report([path])
    cov = _coverage(rep, str(path))
    assert all(cov[d.value]["problems"] >= 1 for d in Dimension)
    assert not {kind for kind, _ in _flags(rep, str(path))} & {"missing", "unsure"}


def test_aspect_headings_decide_coverage_end_to_end(role_tagger):
    # The writer files a work-style sentence under 担当作为; the heading is what the reviewer checks.
    text = ("一、存在的问题\n（一）理论学习方面\n1.理论学习不够深入，原著原文读得少。\n"
            "（二）担当作为方面\n2.调查研究不深入，听汇报多、下基层少。\n"
            "下一步，我将每月下基层调研，面对面联系群众。\n")
    doc = tag_document(text, tagger=role_tagger, name="headed.txt")
    rep = report([doc], tagger=role_tagger, expect=["theory", "responsibility"])
    cov = _coverage(rep, "headed.txt")
    assert cov["responsibility"]["problems"] == 1 and cov["theory"]["problems"] == 1
    assert cov["work_style"]["measures"] == 1 and cov["responsibility"]["measures"] == 0
    assert not {kind for kind, _ in _flags(rep, "headed.txt")} & {"missing", "unsure"}
    assert Path(rep["documents"][0]["file"]).name == "headed.txt"

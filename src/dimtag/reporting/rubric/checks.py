"""The reviewer's checks of one material, each with its evidence, counted by the roles of its points.

Each check reads the material's points (:func:`dimtag.reporting.points_of`:
a problem, cause, measure or strength as its writer enumerated it, with its
role from :attr:`TaggedSentence.role <dimtag.TaggedSentence.role>`, whether
the model or the part headings gave it) and returns rows for its table and
:class:`Finding` objects: a flag, the values it rests on, and the passages
it quotes (:class:`Quote`: file, offsets into the cleaned text, text).

The words the checks go by are here, once: who a problem speaks of
(:data:`SELF`, :data:`COLLECTIVE`, :data:`OTHERS`), what makes a measure
checkable (:data:`DEADLINE`, :data:`OWNER`, :data:`TARGET`) and the kind of
a material. The praise phrases, cause roots and objective reasons are the
rubric's (a unit edits them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ...document import TaggedDocument
from ...lexicon import dimension_named, section_named
from ...roles import Role
from ...tagger import Label
from ..concreteness import evidence
from ..coverage import label_name
from ..points import Point, aspect_of
from .rubric_file import Rubric

__all__ = [
    "COLLECTIVE", "DEADLINE", "OTHERS", "OWNER", "SELF", "TARGET", "Finding", "Quote", "causes", "concreteness",
    "check_document", "kind_name", "material_kind", "measures", "missing_aspects", "praise", "proportion", "subject_of", "subjects",
]


@dataclass(frozen=True)
class Quote:
    """A passage of a material that a finding rests on (offsets index its cleaned text)."""

    file: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Finding:
    """One flag raised on a material, with its evidence.

    Attributes
    ----------
    flag : str
        A key of :data:`~dimtag.reporting.rubric.rubric_file.FLAGS`.
    values : dict
        The numbers and words it rests on (the review note is filled from
        these and the quotes only).
    quotes : tuple of Quote
        The passages it quotes.
    """

    flag: str
    values: dict[str, Any] = field(default_factory=dict)
    quotes: tuple[Quote, ...] = ()


def _quote(doc: TaggedDocument, p: Point | tuple[int, int]) -> Quote:
    start, end = (p.start, p.end) if isinstance(p, Point) else p
    return Quote(doc.name, start, end, doc.text[start:end])


# Who a problem speaks of. The first person singular (not 我们, 我局, 我所 …: those are the unit).
SELF = re.compile(r"本人|自己|自身|我(?![们局所院校镇县市区委单司厂站队部处科室中心])")
COLLECTIVE = re.compile(r"班子|我们|咱们|[我本](?:局|所|院|校|镇|县|单位|集团|公司|机关|支部|中心|科|处)|单位|集团|机关")
_PEOPLE = (r"同志|干部|党员|员工|职工|民警|辅警|警员|教师|老师|医生|护士|成员|中层|科室|股室|部门|站所|班组|子公司|"
           r"人员|同事|年轻人|负责人|村干部|村|单位|支部")
OTHERS = re.compile(rf"(?:有的|有些|个别|少数|部分|一些)[\u4e00-\u9fff]{{0,4}}?(?:{_PEOPLE})|下属|下级|任课老师|家长")
# A party body followed straight by the meeting (中共××局党组主题教育专题民主生活会…): the body's material, not a post's
# (××镇党委副书记…).
_BODY = re.compile(r"(?:党组|党委|党总支|党支部)(?:\d{4}|主题教育|专题|民主生活会|组织生活会|对照检查)")
_KINDS = {"criticism": "批评意见", "collective": "班子材料", "personal": "个人材料"}


def material_kind(doc: TaggedDocument) -> str:
    """``criticism`` (批评意见 about colleagues), ``collective`` (a leading group's material) or ``personal``.

    Read from the title: the first heading of kind ``title``, else the first line.

    Examples
    --------
    >>> from dimtag import tag_document
    >>> material_kind(tag_document("在2024年度民主生活会上对班子成员的批评意见\\n一是学习不够。"))
    'criticism'
    >>> material_kind(tag_document("县教育局领导班子2024年度民主生活会对照检查材料\\n一是学习不够。"))
    'collective'
    >>> material_kind(tag_document("中共县交通运输局党组2024年度民主生活会对照检查材料\\n一是学习不够。"))
    'collective'
    >>> material_kind(tag_document("柳河镇党委副书记2024年度民主生活会对照检查材料\\n一是学习不够。"))
    'personal'
    """
    titles = [h.text for h in doc.headings if h.kind == "title"]
    head = titles[0] if titles else doc.text.split("\n", 1)[0]
    if "批评" in head:
        return "criticism"
    if "个人" not in head and ("班子" in head or _BODY.search(head)):
        return "collective"
    return "personal"


def subject_of(text: str) -> tuple[str, str]:
    """Who a problem speaks of, and the words that say so: ``self``, ``collective`` or ``others``.

    The writer (我, 本人, 自己) comes first: 我对有的同志提醒不够 is the writer's
    own failing. A problem that names nobody is the writer's (the implied
    first person of 学习不够深入).

    Examples
    --------
    >>> subject_of("我对有的同志的问题提醒不及时。"), subject_of("有的同志学习笔记应付了事。")
    (('self', '我'), ('others', '有的同志'))
    >>> subject_of("班子成员之间谈心谈话少。"), subject_of("学习不够深入。")
    (('collective', '班子'), ('self', ''))
    """
    for kind, pattern in (("self", SELF), ("others", OTHERS), ("collective", COLLECTIVE)):
        m = pattern.search(text)
        if m:
            return kind, m.group(0)
    return "self", ""


# What makes a measure checkable: a date or period, an owner, a number or a deliverable.
DEADLINE = re.compile(
    r"\d{4}年(?:\d{1,2}月)?(?:底|前|内|中旬|上旬|下旬|末)?|\d{1,2}月(?:底|前|份|中旬|末)|年底前|年内|年底|月底前|上半年|下半年"
    r"|[一二三四]季度|每(?:周|月|季度|季|年|半年|学期)|[一二两三四五六七八九十\d]+个?(?:月|周|天|日)内|会后\d+天|限期|节点"
)
OWNER = re.compile(r"责任人|负责人|由我|我牵头|我负责|本人负责|牵头|具体负责|负责落实|分管[\u4e00-\u9fff]{0,6}负责|责任[股科室部]|主抓")
TARGET = re.compile(
    r"\d+(?:[.．]\d+)?\s*(?:%|％|万|亿|次|个|名|人|件|天|项|家|户|篇|场|节|本|课时|小时|份|条|期|台|套|批)"
    r"|不少于|不低于|达到|实现|确保[\u4e00-\u9fff]{0,8}(?:率|全覆盖|清零|100)|全覆盖|清零"
    r"|(?:制定|出台|修订|完善|建立|形成|编制|完成)[\u4e00-\u9fff“”]{0,12}(?:制度|办法|方案|清单|台账|规定|细则|机制|报告|计划|规程|手册)"
)


def proportion(doc: TaggedDocument, points: Sequence[Point], rubric: Rubric) -> tuple[dict[str, Any], list[Finding]]:
    """Characters and points of each role, the positive/problem ratio, the share of problems and causes.

    Flags ``praise_heavy`` (achievements longer than the rubric allows
    against problems) and ``thin_problems`` (problems and causes a small
    share of the text). Criticisms of colleagues are all problems: only
    personal and collective materials are flagged.
    """
    chars = {role: sum(len(p.text) for p in points if p.role is role) for role in Role}
    counts = {role: sum(p.role is role for p in points) for role in Role}
    items = {role: sum(s.role == role for s in doc.items) for role in Role}
    total = max(1, len(doc.text))
    ratio = chars[Role.POSITIVE] / max(1, chars[Role.PROBLEM])
    share = (chars[Role.PROBLEM] + chars[Role.CAUSE]) / total
    row: dict[str, Any] = {
        **{f"{role}_chars": chars[role] for role in Role}, **{f"{role}_points": counts[role] for role in Role},
        **{f"{role}_items": items[role] for role in Role},
        "positive_ratio": round(ratio, 2), "problem_share": round(share, 3),
    }
    findings = []
    if material_kind(doc) != "criticism":
        if chars[Role.POSITIVE] and ratio > rubric["proportion"]["max_positive_ratio"]:
            longest = max((p for p in points if p.role is Role.POSITIVE), key=lambda p: len(p.text))
            findings.append(Finding("praise_heavy", {
                "positive_chars": chars[Role.POSITIVE], "problem_chars": chars[Role.PROBLEM],
                "positive_points": counts[Role.POSITIVE], "problem_points": counts[Role.PROBLEM],
            }, (_quote(doc, longest),)))
        if share < rubric["proportion"]["min_problem_share"]:
            findings.append(Finding("thin_problems", {
                "problem_chars": chars[Role.PROBLEM], "cause_chars": chars[Role.CAUSE], "chars": len(doc.text),
                "percent": round(100 * share),
            }))
    return row, findings


def subjects(doc: TaggedDocument, points: Sequence[Point], rubric: Rubric) -> tuple[list[dict[str, Any]], list[Finding]]:
    """Who each problem speaks of; flags ``about_others`` on a personal material mostly about others or the unit."""
    rows, kinds = [], []
    problems = [p for p in points if p.role is Role.PROBLEM]
    for p in problems:
        kind, words = subject_of(p.text)
        kinds.append(kind)
        rows.append({"file": doc.name, "point": p.id, "start": p.start, "end": p.end, "subject": kind,
                     "words": words, "text": p.text})
    findings = []
    if problems and material_kind(doc) == "personal":
        own = kinds.count("self")
        if own / len(problems) < rubric["subject"]["min_self_share"]:
            quoted = tuple(_quote(doc, p) for p, k in zip(problems, kinds) if k != "self")[:3]
            findings.append(Finding("about_others", {
                "problems": len(problems), "self": own, "others": kinds.count("others"),
                "collective": kinds.count("collective"),
            }, quoted))
    return rows, findings


def _phrase_pattern(words: Sequence[str]) -> re.Pattern[str]:
    return re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True)))


def praise(doc: TaggedDocument, points: Sequence[Point], rubric: Rubric) -> tuple[list[dict[str, Any]], list[Finding]]:
    """Praise disguised as criticism (以表扬代批评) in a 批评意见: each phrase found, in its sentence."""
    if material_kind(doc) != "criticism":
        return [], []
    pattern = _phrase_pattern(rubric["praise"]["phrases"])
    rows, quotes, phrases = [], [], []
    for s in doc.items:
        found = list(dict.fromkeys(m.group(0) for m in pattern.finditer(s.text)))
        if found:
            rows.append({"file": doc.name, "start": s.start, "end": s.end, "phrases": "、".join(found), "text": s.text})
            quotes.append(_quote(doc, (s.start, s.end)))
            phrases.extend(found)
    findings = [Finding("disguised_praise", {"phrases": "、".join(dict.fromkeys(phrases)), "sentences": len(quotes)},
                        tuple(quotes))] if quotes else []
    return rows, findings


def causes(doc: TaggedDocument, points: Sequence[Point], rubric: Rubric) -> tuple[list[dict[str, Any]], list[Finding]]:
    """Which roots (理想信念, 宗旨意识, 党性修养, 纪律规矩) and objective reasons each cause speaks to.

    Flags ``objective_causes`` when the causes name no root, and ``no_causes``
    when a personal or collective material has no cause at all.
    """
    if material_kind(doc) == "criticism":
        return [], []
    roots = {root: _phrase_pattern(words) for root, words in rubric["causes"]["roots"].items()}
    objective = _phrase_pattern(rubric["causes"]["objective"])
    rows, named, reasons = [], set(), []
    mine = [p for p in points if p.role is Role.CAUSE]
    for p in mine:
        found = [root for root, pattern in roots.items() if pattern.search(p.text)]
        obj = list(dict.fromkeys(m.group(0) for m in objective.finditer(p.text)))
        named.update(found)
        reasons.extend(obj)
        rows.append({"file": doc.name, "point": p.id, "start": p.start, "end": p.end, "roots": "、".join(found),
                     "objective": "、".join(obj), "text": p.text})
    if not mine:
        return rows, [Finding("no_causes")]
    if named:
        return rows, []
    return rows, [Finding("objective_causes", {"causes": len(mine), "objective": "、".join(dict.fromkeys(reasons))},
                          tuple(_quote(doc, p) for p in mine[:3]))]


def measures(doc: TaggedDocument, points: Sequence[Point], labels: Sequence[Label],
             rubric: Rubric) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Finding]]:
    """Each measure's 时限, 责任人 and checkable target, and per aspect its problems and the measures answering them.

    Returns the measures' rows, the pairing rows (one per aspect with a
    problem or a measure) and the flags: ``vague_measures`` (too many
    measures with none of the three), ``no_measures`` and
    ``unanswered_problems`` (an aspect with problems and no measure).
    """
    if material_kind(doc) == "criticism":
        return [], [], []
    mine = [p for p in points if p.role is Role.MEASURE]
    rows, vague = [], []
    for p in mine:
        found = {name: (m.group(0) if (m := pattern.search(p.text)) else "")
                 for name, pattern in (("deadline", DEADLINE), ("owner", OWNER), ("target", TARGET))}
        rows.append({"file": doc.name, "point": p.id, "start": p.start, "end": p.end,
                     "dimension": None if p.dimension is None else str(p.dimension), **found,
                     "checkable": any(found.values()), "text": p.text})
        if not any(found.values()):
            vague.append(p)
    pairing = []
    unanswered = []
    for label in labels:
        probs = [p for p in points if p.role is Role.PROBLEM and p.dimension == label]
        meas = [p for p in mine if p.dimension == label]
        if not probs and not meas:
            continue
        pairing.append({"file": doc.name, "dimension": str(label), "problems": len(probs), "measures": len(meas),
                        "problem_points": "、".join(str(p.id) for p in probs),
                        "measure_points": "、".join(str(p.id) for p in meas),
                        "problem_text": "\n".join(p.text for p in probs), "measure_text": "\n".join(p.text for p in meas)})
        if probs and not meas:
            unanswered.append((label, probs))
    findings = []
    problems = [p for p in points if p.role is Role.PROBLEM]
    if not mine and problems:
        findings.append(Finding("no_measures", {"problems": len(problems)}))
    elif mine and len(vague) / len(mine) > rubric["measures"]["max_vague_share"]:
        findings.append(Finding("vague_measures", {"measures": len(mine), "vague": len(vague)},
                                tuple(_quote(doc, p) for p in vague[:3])))
    if mine and unanswered:
        findings.append(Finding("unanswered_problems", {
            "aspects": "、".join(label_name(label) for label, _ in unanswered),
            "problems": sum(len(probs) for _, probs in unanswered)},
            tuple(_quote(doc, probs[0]) for _, probs in unanswered)))
    return rows, pairing, findings


# An aspect heading names the aspect and little else (（一）理论学习方面, 二、在政治素质上): a claim such as
# （一）学习贯彻党的创新理论不够深入 names an aspect too, but a material of claims is not written by aspects.
_ASPECT_HEADING_CHARS = 12
_HEADING_NOISE = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]?|方面|存在的?|问题|差距|不足|[上：:。，,\s]")


def _is_aspect_heading(heading: str) -> bool:
    return "方面" in heading or len(_HEADING_NOISE.sub("", heading)) <= _ASPECT_HEADING_CHARS // 2


def _problem_headings(doc: TaggedDocument) -> set[str]:
    """The innermost headings over the items read as problems."""
    return {s.heading for s in doc.items if s.role == Role.PROBLEM and s.heading and section_named(s.heading) == "other"}


def missing_aspects(doc: TaggedDocument, points: Sequence[Point], labels: Sequence[Label], required: Sequence[Label],
                    rubric: Rubric) -> list[Finding]:
    """The required aspects a material organised by aspects leaves out.

    Only a personal or collective material written by the required aspects
    is checked: its aspect headings over problems (（一）理论学习方面) name
    all of them but at most ``[aspects] max_missing``, and none names an
    aspect of another framework (执法规范方面). A material of 一是/二是 or
    of another framework says nothing by leaving a heading out. An aspect
    is missing when no aspect heading over a problem names it.
    """
    if material_kind(doc) == "criticism":
        return []
    # The aspects of the headings that govern problems (a cause heading such as （三）宗旨意识有所淡化 names
    # an aspect too, but covers none).
    headings = {aspect_of(doc.items[p.items[0]], labels)[0][-1]: p.aspect for p in points
                if p.role is Role.PROBLEM and p.aspect is not None}
    aspect_headings = {h: a for h, a in headings.items() if _is_aspect_heading(h)}
    headed = set(aspect_headings.values())
    own_framework = any(_is_aspect_heading(h) and dimension_named(h) is None for h in _problem_headings(doc))
    if own_framework or not headed or len(headed) < len(required) - rubric["aspects"]["max_missing"]:
        return []
    covered = headed
    return [Finding("missing_aspect", {"aspect": label_name(label), "headed": len(headed)})
            for label in required if label not in covered]


def concreteness(doc: TaggedDocument, points: Sequence[Point], rubric: Rubric) -> list[Finding]:
    """``vague_problems``: too few problems carry an example, a number, a date or a named task (the report's evidence)."""
    problems = [p for p in points if p.role is Role.PROBLEM]
    if not problems:
        return []
    vague = [p for p in problems if not evidence(p.text).concrete]
    concrete = len(problems) - len(vague)
    if concrete / len(problems) >= rubric["concreteness"]["min_concrete_share"]:
        return []
    return [Finding("vague_problems", {"problems": len(problems), "concrete": concrete},
                    tuple(_quote(doc, p) for p in vague[:3]))]


def kind_name(kind: str) -> str:
    """The Chinese name of a material kind (:func:`material_kind`)."""
    return _KINDS[kind]


def check_document(doc: TaggedDocument, points: Sequence[Point], labels: Sequence[Label], required: Sequence[Label],
                   rubric: Rubric) -> tuple[dict[str, list[dict[str, Any]]], list[Finding]]:
    """Every check of one material (recycling apart): its rows per table, and its findings."""
    row, found = proportion(doc, points, rubric)
    tables: dict[str, list[dict[str, Any]]] = {"proportion": [{"file": doc.name, "kind": material_kind(doc), **row}]}
    tables["subjects"], more = subjects(doc, points, rubric)
    found += more
    tables["praise"], more = praise(doc, points, rubric)
    found += more
    tables["causes"], more = causes(doc, points, rubric)
    found += more
    tables["measures"], tables["pairing"], more = measures(doc, points, labels, rubric)
    found += more
    found += missing_aspects(doc, points, labels, required, rubric)
    found += concreteness(doc, points, rubric)
    return tables, found


"""A material's grade (合格 / 需修改 / 不合格) and its 审阅意见, built only from the findings' evidence.

Each flag has one Chinese template (:data:`TEMPLATES`) whose fields are the
finding's ``values`` and the text of its first quote (``{quote}``): nothing
in a note comes from anywhere else.
"""

from __future__ import annotations

from collections.abc import Sequence

from .checks import Finding
from .rubric_file import Rubric

__all__ = ["GRADES", "QUOTED", "TEMPLATES", "grade", "note", "reason"]

#: The grades, best first.
GRADES = ("合格", "需修改", "不合格")

#: Flag -> the sentence of the note that states it.
TEMPLATES = {
    "missing_aspect": "缺少{aspect}方面的问题查摆",
    "praise_heavy": "成绩部分{positive_chars}字，问题查摆仅{problem_chars}字（{problem_points}条），成绩谈得多、问题查得少",
    "thin_problems": "问题和原因合计仅占全文的{percent}%，查摆剖析篇幅单薄",
    "about_others": "问题查摆以他人或集体问题为主，{problems}条问题中谈本人的仅{self}条",
    "disguised_praise": "批评意见中有以表扬代批评的内容（{phrases}）",
    "objective_causes": "原因剖析{causes}条只讲客观原因（{objective}），未触及理想信念、宗旨意识、党性修养、纪律规矩等根源",
    "no_causes": "没有原因剖析",
    "vague_measures": "整改措施{measures}条中有{vague}条既无时限、也无责任人和可检查的目标",
    "no_measures": "查摆了{problems}条问题，但没有整改措施",
    "unanswered_problems": "{aspects}方面有问题但没有对应的整改措施",
    "vague_problems": "问题查摆{problems}条中仅{concrete}条有具体事例、数字或时间，多为笼统表述",
    "copied": "与{other}有{chars}字相同段落（约占本材料{percent}%）",
    "recycled": "与{previous}（往年材料）重复约{percent}%（{chars}字）",
}
_NONE_CONCRETE = "问题查摆{problems}条均无具体事例、数字或时间，多为笼统表述"
#: The flags whose note sentence quotes the first passage of their evidence.
QUOTED = frozenset({"about_others", "disguised_praise", "vague_measures", "vague_problems"})
_QUOTE_CHARS = 40  # a quote in a note is cut to this many characters (with …); the evidence holds the whole


def reason(finding: Finding) -> str:
    """The sentence of the note that states ``finding`` (its template filled with its own evidence).

    Examples
    --------
    >>> reason(Finding("no_measures", {"problems": 4}))
    '查摆了4条问题，但没有整改措施'
    """
    template = TEMPLATES[finding.flag]
    if finding.flag == "vague_problems" and finding.values.get("concrete") == 0:
        template = _NONE_CONCRETE
    sentence = template.format(**finding.values)
    if finding.flag in QUOTED and finding.quotes:
        text = " ".join(finding.quotes[0].text.split())
        sentence += f"，如“{text if len(text) <= _QUOTE_CHARS else text[:_QUOTE_CHARS] + '…'}”"
    return sentence


def grade(findings: Sequence[Finding], rubric: Rubric) -> str:
    """合格, 需修改 or 不合格: a ``fail`` flag, or ``fail_count`` ``revise`` flags, make 不合格; a ``revise`` flag 需修改.

    Examples
    --------
    >>> from dimtag.reporting.rubric.rubric_file import default_rubric
    >>> grade([Finding("vague_measures")], default_rubric()), grade([Finding("copied")], default_rubric())
    ('需修改', '不合格')
    """
    levels = [rubric.level(f) for f in dict.fromkeys(f.flag for f in findings)]
    if "fail" in levels or levels.count("revise") >= rubric["grade"]["fail_count"]:
        return "不合格"
    return "需修改" if "revise" in levels else "合格"


def note(findings: Sequence[Finding], rubric: Rubric) -> str:
    """The 审阅意见 paragraph: the grade's reasons (the flags that count, 不合格 first), one sentence each.

    Examples
    --------
    >>> from dimtag.reporting.rubric.rubric_file import default_rubric
    >>> note([Finding("vague_measures", {"measures": 4, "vague": 3}),
    ...       Finding("copied", {"other": "b.txt", "chars": 120, "percent": 35})], default_rubric())
    '不合格。与b.txt有120字相同段落（约占本材料35%）；整改措施4条中有3条既无时限、也无责任人和可检查的目标。'
    """
    verdict = grade(findings, rubric)
    order = {"fail": 0, "revise": 1}
    counted = sorted((f for f in findings if rubric.level(f.flag)), key=lambda f: order[rubric.level(f.flag) or "revise"])
    if not counted:
        return f"{verdict}。未发现需要修改的问题。"
    return f"{verdict}。" + "；".join(dict.fromkeys(reason(f) for f in counted)) + "。"

"""The words a reader of these materials goes by: dimension names, document parts and formulas.

Three kinds of vocabulary live here, so that segmentation, extraction and
tagging read them from one place:

- the names of the six dimensions and their variants, with precedence
  (政治能力 names politics, not ability; 业务学习 names ability, not theory);
- the names of the parts of a document (problems, causes, measures);
- formulas that speak to no dimension: introductions, lead-ins, closings,
  facts about the unit and definitions.
"""

from __future__ import annotations

import re
from typing import Literal

from ._trigger import trigger_of
from .dimensions import Dimension
from .vocabulary import COLON, COMMA, FULL_STOPS, PROBLEM_WORDS, SENTENCE_END, is_topic, table_row_cells, with_ascii

__all__ = [
    "DIMENSION_TERMS",
    "Role",
    "Section",
    "dimension_named",
    "dimensions_named",
    "role_of",
    "section_named",
    "is_closing",
    "is_signature",
    "is_topic",
    "CELL_ROLES",
    "column_role",
    "is_header_label",
    "table_header_roles",
]

Section = Literal["problem", "cause", "measure", "positive", "other"]
#: What an item does in the document: ``content`` speaks to a dimension (or
#: the model says it speaks to none); the others never do.
Role = Literal["content", "intro", "lead", "closing", "fact", "definition"]

_T, _P, _A, _R, _W, _I = (
    Dimension.THEORY, Dimension.POLITICS, Dimension.ABILITY,
    Dimension.RESPONSIBILITY, Dimension.WORK_STYLE, Dimension.INTEGRITY,
)

#: Names of the dimensions and their variants as headings write them. When
#: two terms overlap the longer one wins (it is tried first at each
#: position), which gives the precedence a reader uses: 政治能力 is a
#: political quality, 业务学习 is about skill, 政治理论 is theory.
DIMENSION_TERMS: dict[str, Dimension] = {
    # theory
    "理论学习": _T, "理论武装": _T, "理论素养": _T, "理论修养": _T, "理论水平": _T, "政治理论": _T,
    "学习教育": _T, "学习方面": _T, "思想武装": _T, "学懂弄通": _T, "学用结合": _T, "学习贯彻": _T,
    "创新理论": _T, "学思践悟": _T, "学以致用": _T,
    # politics
    "政治素质": _P, "政治素养": _P, "政治品格": _P, "政治忠诚": _P, "政治能力": _P, "政治站位": _P,
    "政治建设": _P, "政治意识": _P, "政治立场": _P, "政治判断力": _P, "政治领悟力": _P, "政治执行力": _P,
    "政治纪律": _P, "政治方面": _P, "政治生活": _P, "思想政治": _P, "党性修养": _P, "党性锤炼": _P,
    "党性观念": _P, "党性": _P, "理想信念": _P, "意识形态": _P, "民主集中制": _P, "组织生活": _P,
    "两个维护": _P, "对党忠诚": _P, "政治三力": _P,
    # ability
    "能力本领": _A, "本领能力": _A, "能力素质": _A, "履职能力": _A, "本领": _A, "能力": _A,
    "业务学习": _A, "业务能力": _A, "业务水平": _A, "专业能力": _A, "专业素养": _A, "专业知识": _A,
    "本领恐慌": _A, "知识储备": _A, "思维能力": _A,
    # responsibility
    "担当作为": _R, "担当尽责": _R, "责任担当": _R, "担当": _R, "干事创业": _R, "攻坚克难": _R,
    "斗争精神": _R, "进取精神": _R, "敢于斗争": _R,
    # work style
    "工作作风": _W, "作风建设": _W, "作风": _W, "形式主义": _W, "官僚主义": _W, "四风": _W,
    "群众路线": _W, "宗旨意识": _W, "联系群众": _W, "服务群众": _W, "调查研究": _W, "为民服务": _W,
    "以人民为中心": _W, "群众观念": _W,
    # integrity
    "廉洁自律": _I, "廉洁": _I, "廉政": _I, "清正": _I, "八项规定": _I, "从严治党": _I, "一岗双责": _I,
    "家风": _I, "廉洁纪律": _I, "遵规守纪": _I, "纪律作风": _I, "自身建设": _I,
}
# "党风廉政" and "廉洁作风" must not read as work style through 作风: the
# longer terms win.
DIMENSION_TERMS.update({"党风廉政": _I, "廉洁作风": _I, "廉政作风": _I})

_TERMS = re.compile("|".join(sorted(map(re.escape, DIMENSION_TERMS), key=len, reverse=True)))


def dimensions_named(text: str) -> list[Dimension]:
    """The dimensions a text names, in order of first mention, each once.

    Examples
    --------
    >>> [str(d) for d in dimensions_named("在提高政治能力方面")]
    ['politics']
    >>> [str(d) for d in dimensions_named("在业务学习方面")]
    ['ability']
    >>> [str(d) for d in dimensions_named("（一）提高政治素质，加强理论学习。")]
    ['politics', 'theory']
    """
    named: list[Dimension] = []
    for match in _TERMS.finditer(text):
        dim = DIMENSION_TERMS[match.group()]
        if dim not in named:
            named.append(dim)
    return named


def dimension_named(text: str | None) -> Dimension | None:
    """The one dimension a heading names, or None if it names none or several.

    Examples
    --------
    >>> dimension_named("（二）在政治素质方面。")
    <Dimension.POLITICS: 'politics'>
    >>> dimension_named("二、学习教育方面（5条）")
    <Dimension.THEORY: 'theory'>
    >>> dimension_named("（二）精神状态方面") is None
    True
    """
    if not text or _TERMS.search(text) is None:
        return None
    named = dimensions_named(text)
    return named[0] if len(named) == 1 else None


_SECTION_WORDS: tuple[tuple[Section, re.Pattern[str]], ...] = (
    # Achievements first: "整改落实情况" reports what was done, not what will be.
    # 一年来的主要工作 (a 履职 report) too, but not 下一步主要工作 or 主要工作打算 (measures).
    ("positive", re.compile(
        r"成效|成绩|亮点|主要做法|经验做法|基本做到"
        r"|(?:整改|落实|完成|推进|履职|履行|开展|进展|自查|总体|工作|廉洁自律|学习教育)[^、，。]{0,8}情况$"
        r"|(?<!下一步)(?<!今后)主要工作(?!打算|思路|计划|安排|措施)|工作回顾"
    )),
    ("cause", re.compile(r"原因|根源|剖析|根子")),
    ("measure", re.compile(r"措施|整改|努力方向|改进|打算|方向|举措|下一步|承诺|改起|做起")),
    ("problem", re.compile(r"问题|不足|差距|查摆|检视|对照检查|批评意见|自我批评")),
)


def section_named(heading: str) -> Section:
    """The part of a document a heading opens: problem, cause, measure, positive or other.

    Examples
    --------
    >>> section_named("二、产生问题的原因剖析")
    'cause'
    >>> section_named("三、下一步努力方向和改进措施")
    'measure'
    >>> section_named("一、存在的主要问题")
    'problem'
    >>> section_named("一、主要做法和取得的成效")
    'positive'
    >>> section_named("一、一年来的主要工作"), section_named("三、下一步主要工作打算")
    ('positive', 'measure')
    """
    for name, pattern in _SECTION_WORDS:
        if pattern.search(heading):
            return name
    return "other"


#: The roles of a table column whose cells are items of their own.
CELL_ROLES = frozenset(("problem", "cause", "measure", "positive"))
# Columns that qualify the cell before them (deadline, owner, number, progress),
# and columns that name the aspect of their rows. Tried before the part words:
# 整改时限 is a deadline, not a measure; 问题类别 a category, not a problem.
_META_COLUMN = re.compile(r"时限|时间|期限|日期|责任|牵头|配合|序号|编号|^序$|备注|进度|进展|完成情况|状态")
_ASPECT_COLUMN = re.compile(r"方面|维度|类别|类型|领域|分类|项目")
_PROBLEM_COLUMN = re.compile(r"表现|事例|具体情况")


def column_role(header: str) -> str:
    """The role of a table column, from its header cell.

    One of :data:`CELL_ROLES`, ``aspect`` (the column names the aspect of
    its rows), ``meta`` (deadline, owner, number) or ``other``.

    Examples
    --------
    >>> [column_role(h) for h in ("存在问题", "问题表现", "原因分析", "整改措施", "完成时限", "责任人", "方面", "序号")]
    ['problem', 'problem', 'cause', 'measure', 'meta', 'meta', 'aspect', 'meta']
    """
    header = "".join(header.split())
    if _META_COLUMN.search(header):
        return "meta"
    if _ASPECT_COLUMN.search(header):
        return "aspect"
    section = section_named(header)
    if section == "other" and _PROBLEM_COLUMN.search(header):
        return "problem"
    return section


#: The longest cell of a table's header row (完成时限, 整改措施及成效): a longer cell is content.
HEADER_CELL_MAX = 12
_HEADER_PUNCT = re.compile(f"[{with_ascii(SENTENCE_END + COMMA)}]")


def is_header_label(cell: str) -> bool:
    """Whether a table cell reads as a column label (short, no sentence or clause mark)."""
    return len(cell) <= HEADER_CELL_MAX and not _HEADER_PUNCT.search(cell)


def table_header_roles(line: str) -> list[str] | None:
    """The role of each column if ``line`` is the header row of a table pasted as text, else None.

    A header has three cells or more, all short labels, and names the role of
    at least one column (see :func:`column_role`).

    Examples
    --------
    >>> table_header_roles("序号｜问题｜具体表现｜整改措施｜时限｜责任人")
    ['meta', 'problem', 'problem', 'measure', 'meta', 'meta']
    >>> table_header_roles("1｜学习不深｜每周自学，长期坚持｜本人") is None
    True
    """
    cells = table_row_cells(line)
    if cells is None:
        return None
    texts = [line[a:b] for a, b in cells]
    if not all(texts) or not all(is_header_label(t) for t in texts):
        return None
    roles = [column_role(t) for t in texts]
    return roles if any(r in CELL_ROLES for r in roles) else None


_CLOSING = re.compile(
    r"批评指正|(?:请|恳请|敬请|欢迎)[^。，]{0,10}(?:批评|指正|帮助)|不妥之处|不当之处|谢谢大家"
    rf"|^谢谢[{with_ascii(FULL_STOPS)}]?$"
    r"|^以上(?:是|为|就是)?(?:我|本人)?的?(?:个人)?(?:发言|汇报|报告|检视|剖析|对照|检查|材料)"
)
_INTRO = re.compile(r"(?:报告|汇报|剖析|检视|检查|发言|查摆|说明)(?:情况)?如下[：。]?$|现(?:将|就)[^。]{0,40}(?:如下|报告|汇报)")
# An opening that cites the arrangement of the meeting: an introduction
# only before the first heading, and only when it states no problem.
_INTRO_OPENING = re.compile(r"^(?:根据|按照|遵照|对照)[^。]{0,80}(?:要求|部署|安排|通知|方案)")
_LEAD = re.compile(
    r"(?:还?存在(?:以下|如下|一些|不少|着)?(?:问题|不足|差距)|具体(?:表现|如下|有)|主要(?:表现|体现)(?:在|为)"
    r"|表现(?:在|为)(?:以下|如下)?[^。：]{0,6}|如下|以下[^。：]{0,8}|几个方面|几点)"
    rf"[{with_ascii(COLON)}]$"
    # A transition that announces problems or causes without stating one.
    r"|^[^。]{0,20}(?:还|仍|仍然|依然)?存在(?:着)?(?:不少|一些|许多|较大|明显)?的?(?:差距|不足|问题)(?:和(?:差距|不足|问题))?"
    rf"[{FULL_STOPS}]$"
    r"|^[^。]{0,12}(?:上述|以上|这些)问题[^。]{0,30}(?:根源|原因|根子|根本)"
)
_FACT = re.compile(
    rf"(?:现有|共有|下设|下辖|管辖|辖)[^{SENTENCE_END}{COMMA}]{{0,20}}?\d+\s*(?:人|名|个|家|所|户)"
    r"|^(?:我|本)(?:单位|局|校|院|所|支部|部门|科室|镇|乡|村|公司|委|办)[^。]{0,30}(?:成立于|始建于|位于|占地)"
    # Facts about the speaker: when they joined, what they do.
    r"|^我(?:是|于)?\d{4}年[^。，]{0,12}(?:入党|参加工作|出生)|(?:现任|现在|目前)[^。]{0,20}(?:从事|负责|担任)[^。]{0,20}工作[。，]?$"
    # A form's notes and sign-off under a table (备注：…销号；填表人：…): 45 of the 49 such lines of the annotated
    # documents are other.
    r"|^(?:备注|注|说明|填表人|填报人|审核人)\d?[：:]"
)
_DEFINITION = re.compile(r"^所谓[^。]{0,40}[，,]?(?:是指|就是|指的是)|^[^。，]{1,20}(?:是指|指的是)")
# A short lead-in that names no problem ends with a colon: "对王志强同志：", "具体表现在：".
_SHORT_LEAD = re.compile(f"[{with_ascii(COLON)}]$")
_SHORT_LEAD_MAX = 15
#: The patterns :func:`role_of` reads a sentence by.
_ROLE_PATTERNS = (_CLOSING, _INTRO, _INTRO_OPENING, _LEAD, _SHORT_LEAD, _FACT, _DEFINITION)
# Every match of a role pattern holds a match of this one, built from them:
# most sentences are ruled out by one search.
_ROLE_TRIGGER = trigger_of(_ROLE_PATTERNS)


def is_closing(sentence: str) -> bool:
    """Tell whether a sentence is a closing formula (以上发言，请批评指正).

    Examples
    --------
    >>> is_closing("以上发言，请各位批评指正。"), is_closing("批评和自我批评开展得不够。")
    (True, False)
    """
    return _CLOSING.search(sentence) is not None and "批评和自我批评" not in sentence


_SIGNATURE_MAX = 24


def is_signature(sentence: str) -> bool:
    """Tell whether a line after a closing formula is a signature: a name, a unit, a date.

    Examples
    --------
    >>> is_signature("2024年1月10日"), is_signature("发言人：XXX"), is_signature("今后我将加强学习，改进作风。")
    (True, True, False)
    """
    return len(sentence) <= _SIGNATURE_MAX and not PROBLEM_WORDS.search(sentence) and not _SIGNATURE_BREAK.search(sentence[:-1])


# A signature is one clause: no sentence end or comma before its last character (发言人：XXX is one).
_SIGNATURE_BREAK = re.compile(f"[{SENTENCE_END}{COMMA}]")


def role_of(sentence: str, before_first_heading: bool) -> Role:
    """What a sentence does in its document, read from its wording.

    Parameters
    ----------
    sentence : str
        One item.
    before_first_heading : bool
        Whether it comes before the document's first heading (where the
        introduction is).

    Examples
    --------
    >>> role_of("现将对照检查情况报告如下：", True)
    'intro'
    >>> role_of("但对照标准和要求，还存在一些不足：", False)
    'lead'
    >>> role_of("我单位现有干部职工56人，其中党员32名。", False)
    'fact'
    >>> role_of("备注：整改完成一项销号一项。", False)
    'fact'
    >>> role_of("所谓“四风”，是指形式主义、官僚主义、享乐主义和奢靡之风。", False)
    'definition'
    >>> role_of("调查研究不够深入。", False)
    'content'
    """
    if not _ROLE_TRIGGER.search(sentence):
        return "content"
    if is_closing(sentence):
        return "closing"
    if _INTRO.search(sentence):
        return "intro"
    if before_first_heading and _INTRO_OPENING.search(sentence) and not PROBLEM_WORDS.search(sentence):
        return "intro"
    if _LEAD.search(sentence) or (
        _SHORT_LEAD.search(sentence) is not None and len(sentence) <= _SHORT_LEAD_MAX and not PROBLEM_WORDS.search(sentence)
    ):
        return "lead"
    if _FACT.search(sentence) and not PROBLEM_WORDS.search(sentence):
        return "fact"
    if _DEFINITION.search(sentence):
        return "definition"
    return "content"

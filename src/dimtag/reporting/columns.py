"""The report's tables: their names, columns, Chinese headings, and how a reader sees each value.

One home for every output: the writers (:mod:`.xlsx`, :mod:`.html`,
:mod:`.csvfiles`) take :class:`Table` objects and never a
:class:`~dimtag.reporting.Report`. CSV keeps the column ids and the values
as they are (for programs); ``.xlsx`` and ``.html`` are for people: Chinese
headings, and Chinese values in every column (:func:`display`), with the
twin columns that only repeat another column in Chinese left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..dimensions import Dimension
from ..document import RECORD_FIELDS
from ..roles import Role
from ..tagger import Label

__all__ = [
    "FLAG_KINDS", "PARTS", "PERSON_ZH", "TABLE_NAMES", "Column", "Table", "display", "empty_tables", "table_columns",
]


@dataclass(frozen=True)
class Column:
    """A column of a report table.

    Attributes
    ----------
    id : str
        Its key in the rows and its CSV header.
    heading : str
        Its Chinese heading.
    kind : str
        How a reader sees its values (:func:`display`): ``text``,
        ``number``, ``bool``, ``label`` (an aspect id), ``role`` (a role or
        part id), ``by``, ``flag`` (a flag kind), or ``twin`` (the Chinese
        twin of another column: left out where values are shown in Chinese).
    """

    id: str
    heading: str
    kind: str = "text"


@dataclass
class Table:
    """A report table: its name, Chinese sheet name, columns and rows (dicts keyed by column id).

    ``names`` holds the display names of the model's labels (its framework),
    which a reader sees in ``label`` columns (:func:`display`).
    """

    name: str
    sheet: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    def shown(self) -> tuple[Column, ...]:
        """The columns a person sees (twins left out)."""
        return tuple(c for c in self.columns if c.kind != "twin")


#: Flag kind -> what it means, in Chinese.
FLAG_KINDS = {
    "missing": "缺少维度",
    "thin": "维度单薄",
    "no_measure": "有问题无措施",
    "measure_without_problem": "有措施无问题",
    "unsure": "结构不明",
    "vague": "问题笼统",
    "about_others": "谈他人不谈自己",
    "copied": "段落雷同",
}
PERSON_ZH = {"first": "第一人称", "others": "谈他人", "none": "无人称"}
#: The roles counted per aspect, with the Chinese word of the report's columns.
PARTS = (("problems", Role.PROBLEM, "问题"), ("causes", Role.CAUSE, "原因"), ("measures", Role.MEASURE, "措施"),
         ("positives", Role.POSITIVE, "成绩"))
_BY_ZH = {"heading": "标题", "section": "章节", "point": "要点", "model": "模型"}

_RECORD_COLUMNS = {
    "file": ("文件", "text"), "index": ("序号", "number"), "start": ("起", "number"), "end": ("止", "number"),
    "role": ("作用", "role"), "role_score": ("作用得分", "number"), "dimension": ("维度", "label"),
    "dimension_zh": ("维度名称", "twin"), "score": ("得分", "number"), "by": ("依据", "by"),
    "model_dimension": ("模型维度", "label"), "model_score": ("模型得分", "number"), "point": ("问题序号", "number"),
    "section": ("部分", "role"), "heading": ("标题", "text"), "headings": ("各级标题", "text"), "text": ("原文", "text"),
}

#: The tables of a report, in the order of the workbook's sheets.
TABLE_NAMES = (
    "documents", "coverage", "flags", "concreteness", "copying", "shared", "formulas", "sentences", "aspects", "skipped",
)


def _name(label: Label, names: Mapping[str, str] | None) -> str:
    if names and str(label) in names:
        return names[str(label)]
    return label.zh if isinstance(label, Dimension) else str(label)


def table_columns(
    labels: Sequence[Label], names: Mapping[str, str] | None = None,
) -> dict[str, tuple[str, tuple[Column, ...]]]:
    """Table name -> (Chinese sheet name, columns), for a model with these aspect labels (and their display names)."""
    per_label = [
        Column(f"{label}_{part}", f"{_name(label, names)}{zh}", "number") for label in labels for part, _, zh in PARTS
    ]
    c = Column
    return {
        "documents": ("文档概览", (
            c("file", "文件"), c("title", "标题"), c("chars", "字数", "number"), c("problems", "问题数", "number"),
            c("causes", "原因数", "number"), c("measures", "措施数", "number"), c("positives", "成绩数", "number"),
            c("concrete_share", "具体问题占比", "number"), c("flags", "标记数", "number"),
            c("copied_chars", "雷同字数", "number"), c("unsure", "结构说明"), *per_label,
        )),
        "coverage": ("维度覆盖", (
            c("file", "文件"), c("dimension", "维度", "label"), c("dimension_zh", "维度名称", "twin"),
            c("required", "必查", "bool"), c("problems", "问题数", "number"), c("causes", "原因数", "number"),
            c("measures", "措施数", "number"), c("positives", "成绩数", "number"),
            c("problem_chars", "问题字数", "number"), c("unsure", "结构说明"),
        )),
        "flags": ("问题标记", (
            c("file", "文件"), c("kind", "类型", "flag"), c("kind_zh", "类型说明", "twin"), c("dimension", "维度", "label"),
            c("dimension_zh", "维度名称", "twin"), c("detail", "详情"),
        )),
        "concreteness": ("具体程度", (
            c("file", "文件"), c("point", "问题序号", "number"), c("start", "起", "number"), c("end", "止", "number"),
            c("dimension", "维度", "label"), c("dimension_zh", "维度名称", "twin"), c("aspect", "所在维度标题", "label"),
            c("concrete", "具体", "bool"), c("example", "举例"), c("number", "数字"), c("date", "时间"),
            c("named", "具名事项"), c("person", "人称"), c("genericity", "套话程度", "number"),
            c("most_generic", "最笼统", "bool"), c("text", "问题原文"),
        )),
        "copying": ("雷同段落", (
            c("file_a", "文件甲"), c("start_a", "甲起", "number"), c("end_a", "甲止", "number"), c("file_b", "文件乙"),
            c("start_b", "乙起", "number"), c("end_b", "乙止", "number"), c("chars", "相同字数", "number"),
            c("similarity", "相似度", "number"), c("containment", "占较短文档比例", "number"),
            c("text_a", "甲段落"), c("text_b", "乙段落"),
        )),
        "shared": ("多份雷同", (
            c("group", "组号", "number"), c("documents", "文档数", "number"), c("file", "文件"),
            c("start", "起", "number"), c("end", "止", "number"), c("chars", "相同字数", "number"), c("text", "段落"),
        )),
        "formulas": ("共用套话", (c("text", "套话"), c("documents", "文档数", "number"), c("share", "文档占比", "number"))),
        "sentences": ("全部句子", tuple(
            c(f, *_RECORD_COLUMNS.get(f, (f, "text")))
            for f in (*RECORD_FIELDS, *(() if "point" in RECORD_FIELDS else ("point",)))
        )),
        "aspects": ("维度设置", (
            c("dimension", "维度", "label"), c("dimension_zh", "维度名称", "twin"), c("required", "必查", "bool"),
        )),
        "skipped": ("未读取文件", (c("file", "文件"), c("reason", "原因"))),
    }


def empty_tables(labels: Sequence[Label], names: Mapping[str, str] | None = None) -> dict[str, Table]:
    """Every table of a report, with its columns and no rows."""
    shown = dict(names or {})
    return {name: Table(name, sheet, cols, names=shown) for name, (sheet, cols) in table_columns(labels, names).items()}


def display(column: Column, value: Any, names: Mapping[str, str] | None = None) -> Any:
    """A value as a reader sees it: Chinese words for ids and booleans, numbers and text as they are.

    A label is shown by its display name in ``names`` (the model's framework, :attr:`Table.names`).

    Examples
    --------
    >>> display(Column("required", "必查", "bool"), True), display(Column("dimension", "维度", "label"), "theory")
    ('是', '理论学习')
    >>> display(Column("role", "作用", "role"), "measure"), display(Column("kind", "类型", "flag"), "missing")
    ('整改措施', '缺少维度')
    >>> display(Column("dimension", "维度", "label"), "带头学习"), display(Column("chars", "字数", "number"), 12)
    ('带头学习', 12)
    >>> display(Column("dimension", "维度", "label"), "loyalty", {"loyalty": "带头强化政治忠诚"})
    '带头强化政治忠诚'
    """
    if value is None:
        return None
    if column.kind == "bool":
        return "是" if value else "否"
    if column.kind == "label":
        return _name(value, names) if names and value in names else _DIMENSION_ZH.get(value, value)
    if column.kind == "role":
        return _ROLE_ZH.get(value, value)
    if column.kind == "by":
        return _BY_ZH.get(value, value)
    if column.kind == "flag":
        return FLAG_KINDS.get(value, value)
    return value


_DIMENSION_ZH = {d.value: d.zh for d in Dimension}
_ROLE_ZH = {r.value: r.zh for r in Role}

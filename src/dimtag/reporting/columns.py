"""The report's tables: their names, column ids and Chinese headings (one home for all outputs)."""

from __future__ import annotations

from ..dimensions import Dimension
from ..document import RECORD_FIELDS

__all__ = ["COLUMN_TYPES", "FLAG_KINDS", "HEADERS", "PERSON_ZH", "SHEET_NAMES", "TABLES", "columns"]

_PER_DIMENSION = [
    (f"{d.value}_{part}", f"{d.zh}{zh}")
    for d in Dimension
    for part, zh in (("problems", "问题"), ("causes", "原因"), ("measures", "措施"))
]

_RECORD_ZH = {
    "file": "文件", "index": "序号", "start": "起", "end": "止", "dimension": "维度", "dimension_zh": "维度名称",
    "score": "得分", "by": "依据", "model_dimension": "模型维度", "model_score": "模型得分", "section": "部分",
    "heading": "标题", "text": "原文", "point": "问题序号",
}

#: Table name -> (Chinese sheet name, [(column id, Chinese heading), ...]).
TABLES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "documents": ("文档概览", [
        ("file", "文件"), ("title", "标题"), ("chars", "字数"), ("problems", "问题数"),
        ("concrete_share", "具体问题占比"), ("flags", "标记数"), ("copied_chars", "雷同字数"), *_PER_DIMENSION,
    ]),
    "coverage": ("维度覆盖", [
        ("file", "文件"), ("dimension", "维度"), ("dimension_zh", "维度名称"), ("required", "必查"),
        ("problems", "问题数"), ("causes", "原因数"), ("measures", "措施数"), ("problem_chars", "问题字数"),
    ]),
    "flags": ("问题标记", [
        ("file", "文件"), ("kind", "类型"), ("kind_zh", "类型说明"), ("dimension", "维度"),
        ("dimension_zh", "维度名称"), ("detail", "详情"),
    ]),
    "concreteness": ("具体程度", [
        ("file", "文件"), ("point", "问题序号"), ("start", "起"), ("end", "止"), ("dimension", "维度"),
        ("dimension_zh", "维度名称"), ("concrete", "具体"), ("example", "举例"), ("number", "数字"),
        ("date", "时间"), ("named", "具名事项"), ("person", "人称"), ("genericity", "套话程度"),
        ("most_generic", "最笼统"), ("text", "问题原文"),
    ]),
    "copying": ("雷同段落", [
        ("file_a", "文件甲"), ("start_a", "甲起"), ("end_a", "甲止"), ("file_b", "文件乙"), ("start_b", "乙起"),
        ("end_b", "乙止"), ("chars", "相同字数"), ("similarity", "相似度"), ("containment", "占较短文档比例"),
        ("text_a", "甲段落"), ("text_b", "乙段落"),
    ]),
    "formulas": ("共用套话", [("text", "套话"), ("documents", "文档数"), ("share", "文档占比")]),
    "sentences": ("全部句子", [
        (f, _RECORD_ZH.get(f, f)) for f in (*RECORD_FIELDS, *(() if "point" in RECORD_FIELDS else ("point",)))
    ]),
}
#: The type of each table column that is not text (the sentences' columns are the records', see
#: :class:`dimtag.TaggedSentence`), for typed outputs such as Parquet.
COLUMN_TYPES: dict[str, type] = {
    **dict.fromkeys(
        ("chars", "problems", "causes", "measures", "problem_chars", "flags", "copied_chars", "start_a", "end_a",
         "start_b", "end_b", "documents", *(c for c, _ in _PER_DIMENSION)),
        int,
    ),
    **dict.fromkeys(("concrete_share", "genericity", "similarity", "containment", "share"), float),
    **dict.fromkeys(("required", "concrete", "most_generic"), bool),
}
#: Table name -> Chinese sheet name.
SHEET_NAMES = {name: sheet for name, (sheet, _) in TABLES.items()}
#: Column id -> Chinese heading, per table.
HEADERS = {name: dict(cols) for name, (_, cols) in TABLES.items()}

#: Flag kind -> what it means, in Chinese.
FLAG_KINDS = {
    "missing": "缺少维度",
    "thin": "维度单薄",
    "no_measure": "有问题无措施",
    "measure_without_problem": "有措施无问题",
    "vague": "问题笼统",
    "about_others": "谈他人不谈自己",
    "copied": "段落雷同",
}
PERSON_ZH = {"first": "第一人称", "others": "谈他人", "none": "无人称"}


def columns(table: str) -> list[str]:
    """The column ids of a table, in order."""
    return [c for c, _ in TABLES[table][1]]

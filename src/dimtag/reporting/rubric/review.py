"""The review of a folder under a rubric: every check, the grades and notes, as the report's extra tables.

:func:`review_tables` is called by :func:`dimtag.reporting.report` with the
documents, their points and the copy detection it has already made, so the
review reuses the report's reading rather than making its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...document import TaggedDocument
from ...roles import Role
from ...tagger import Label
from ..columns import Column, Table
from ..copying import CopyResult
from ..points import Point
from .checks import Finding, check_document, kind_name
from .recycling import copy_findings, previous_findings
from .review_note import grade, note, reason
from .rubric_file import FLAGS, Rubric

__all__ = ["REVIEW_TABLES", "review_columns", "review_tables"]

_LEVEL_ZH = {"fail": "不合格", "revise": "需修改", None: "仅提示"}
_SUBJECT_ZH = {"self": "本人", "collective": "集体", "others": "他人"}
_SOURCE_ZH = {"member": "他人材料", "members": "多份材料", "previous": "往年材料"}
_ROLE_ZH = {"copy": "抄用方", "source": "被抄方", "shared": "共有", "reuse": "沿用"}


def review_columns() -> dict[str, tuple[str, tuple[Column, ...]]]:
    """The review's tables: name -> (Chinese sheet name, columns), in the order of the workbook."""
    c = Column
    where = (c("file", "文件"), c("start", "起", "number"), c("end", "止", "number"))
    return {
        "grades": ("审阅结论", (
            c("file", "文件"), c("kind", "材料类型"), c("grade", "结论"), c("fail", "不合格项", "number"),
            c("revise", "需修改项", "number"), c("note", "审阅意见"), c("page", "逐份查看"),
        )),
        "reasons": ("结论依据", (
            c("file", "文件"), c("flag", "标记代码", "twin"), c("flag_zh", "标记"), c("level", "影响"), c("reason", "说明"),
            c("values", "依据数值"), c("quote_start", "引文起", "number"), c("quote_end", "引文止", "number"),
            c("quote", "引文"),
        )),
        "proportion": ("篇幅比例", (
            c("file", "文件"), c("kind", "材料类型"),
            *(c(f"{r}_chars", f"{r.zh}字数", "number") for r in Role),
            *(c(f"{r}_points", f"{r.zh}条数", "number") for r in Role),
            *(c(f"{r}_items", f"{r.zh}句数", "number") for r in Role),
            c("positive_ratio", "成绩与问题字数比", "number"), c("problem_share", "问题原因占全文比例", "number"),
        )),
        "subjects": ("问题主体", (
            *where[:1], c("point", "问题序号", "number"), *where[1:], c("subject", "主体"), c("words", "依据词"),
            c("text", "问题原文"),
        )),
        "praise": ("以表扬代批评", (*where, c("phrases", "表扬式用语"), c("text", "原文"))),
        "causes": ("原因根源", (
            *where[:1], c("point", "原因序号", "number"), *where[1:], c("roots", "触及根源"), c("objective", "客观原因"),
            c("text", "原因原文"),
        )),
        "measures": ("整改措施", (
            *where[:1], c("point", "措施序号", "number"), *where[1:], c("dimension", "维度", "label"),
            c("deadline", "时限"), c("owner", "责任人"), c("target", "可检查目标"), c("checkable", "可检查", "bool"),
            c("text", "措施原文"),
        )),
        "pairing": ("问题措施对应", (
            c("file", "文件"), c("dimension", "维度", "label"), c("problems", "问题数", "number"),
            c("measures", "措施数", "number"), c("problem_points", "问题序号"), c("measure_points", "措施序号"),
            c("problem_text", "问题"), c("measure_text", "措施"),
        )),
        "recycling": ("雷同与沿用", (
            c("file", "文件"), c("source", "比对对象"), c("other", "比对文件"), c("role", "本材料"),
            c("chars", "相同字数", "number"), c("share", "占本材料比例", "number"), c("passages", "段落数", "number"),
            c("text", "相同段落"),
        )),
    }


#: The review's tables, in order.
REVIEW_TABLES = tuple(review_columns())


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    """Chinese values for the review's own coded columns (CSV keeps them too: they are for people)."""
    out = dict(row)
    for key, names in (("subject", _SUBJECT_ZH), ("source", _SOURCE_ZH), ("role", _ROLE_ZH)):
        if key in out:
            out[key] = names.get(out[key], out[key])
    if "kind" in out and out["kind"] in ("criticism", "collective", "personal"):
        out["kind"] = kind_name(out["kind"])
    return out


def review_tables(
    docs: Sequence[TaggedDocument], points: Sequence[Sequence[Point]], labels: Sequence[Label],
    required: Sequence[Label], copies: CopyResult, rubric: Rubric,
    previous: Mapping[str, TaggedDocument] | None = None, ignore: Sequence[str] = (),
) -> tuple[dict[str, Table], dict[str, list[Finding]]]:
    """Run every check of the rubric on each document; return the review's tables and each document's findings.

    ``previous`` maps a document's name to last year's material of the same
    person; ``ignore`` lists formula text left out of the comparison with it
    (the copies between members were found on texts already masked).
    """
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in REVIEW_TABLES}
    copied, rows["recycling"] = copy_findings(docs, copies, rubric["recycling"]["copy_direction"])
    findings: dict[str, list[Finding]] = {}
    for d, doc in enumerate(docs):
        tables, found = check_document(doc, points[d], labels, required, rubric)
        for name, more in tables.items():
            rows[name].extend(more)
        found += copied[d]
        if previous and doc.name in previous:
            finding, row = previous_findings(
                doc, previous[doc.name], min_chars=rubric["recycling"]["min_copy_chars"],
                min_share=rubric["recycling"]["min_previous_share"], ignore=ignore)
            rows["recycling"].append(row)
            if finding is not None:
                found.append(finding)
        findings[doc.name] = found
        levels = [rubric.level(f) for f in dict.fromkeys(f.flag for f in found)]
        rows["grades"].append({
            "file": doc.name, "kind": tables["proportion"][0]["kind"], "grade": grade(found, rubric),
            "fail": levels.count("fail"), "revise": levels.count("revise"), "note": note(found, rubric), "page": None,
        })
        for f in found:
            quotes = f.quotes or (None,)
            for q in quotes:
                rows["reasons"].append({
                    "file": doc.name, "flag": f.flag, "flag_zh": FLAGS[f.flag], "level": _LEVEL_ZH[rubric.level(f.flag)], "reason": reason(f),
                    "values": "；".join(f"{k}={v}" for k, v in f.values.items()),
                    "quote_start": None if q is None else q.start, "quote_end": None if q is None else q.end,
                    "quote": None if q is None else q.text,
                })
    return {
        name: Table(name, sheet, cols, [_shown(r) for r in rows[name]]) for name, (sheet, cols) in review_columns().items()
    }, findings

"""The review on the HTML page: its sections on the overview, and one page per material.

A material's page shows its text, each sentence tinted by its role and
underlined in the colour of its dimension, with the grade, the note and
every reason (with its quote, highlighted in the text) beside it. The
overview's grade table links to it. Both take the report's tables.
"""

from __future__ import annotations

import html
import os
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from ..._atomic import atomic_write
from ...roles import Role
from ..columns import Table, display
from ..palette import DIMENSION_COLORS

__all__ = ["ROLE_COLORS", "page_name", "render_page", "review_sections", "write_pages"]

#: The tint of each role on a material's page.
ROLE_COLORS = {"problem": "#fde2e1", "cause": "#fff1cc", "measure": "#dff3e4", "positive": "#e3ecfa", "other": "#ffffff"}
_GRADE_COLORS = {"合格": "#2e7d32", "需修改": "#d35400", "不合格": "#c0392b"}
_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:16px auto;
max-width:1200px;color:#222;line-height:1.7;padding:0 12px}
.wrap{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:16px}
@media (max-width:760px){.wrap{grid-template-columns:1fr}}
.text{border:1px solid #dde4ee;border-radius:4px;padding:8px 12px;overflow-wrap:anywhere}
.side{border:1px solid #dde4ee;border-radius:4px;padding:8px 12px;background:#fafbfc;overflow-wrap:anywhere}
.grade{display:inline-block;color:#fff;border-radius:3px;padding:0 8px;font-weight:bold}
.s{padding:1px 0} .s.quoted{outline:2px dashed #e67e22;outline-offset:1px} .legend span{display:inline-block;margin-right:12px;font-size:13px}
.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px;border:1px solid #ccc}
.reason{margin:8px 0;padding:6px 8px;border-left:4px solid #d35400;background:#fff} .reason.fail{border-color:#c0392b}
.reason.info{border-color:#9aa0a6} .q{color:#555;font-size:13px} table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border:1px solid #dde4ee;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f1f4f8;white-space:nowrap} .scroll{overflow-x:auto}
"""
#: The review tables shown on the overview, in order (the others are in the workbook and CSV).
_OVERVIEW = ("grades", "pairing", "subjects", "causes", "praise", "recycling")
_CELL = 300  # characters a table cell of the overview shows


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def page_name(index: int) -> str:
    """The file name of the ``index``-th material's page, inside the pages folder."""
    return f"material-{index + 1:03d}.html"


def _pages_folder(target: str | os.PathLike[str]) -> Path:
    path = Path(target)
    return path.with_name(path.stem + "_pages")


def render_page(file: str, tables: Mapping[str, Table], text: str, overview: str) -> str:
    """One material's page: its text coloured by role and dimension, and its grade and reasons beside it."""
    sentences = [r for r in tables["sentences"].rows if r["file"] == file]
    grade = next(r for r in tables["grades"].rows if r["file"] == file)
    reasons = [r for r in tables["reasons"].rows if r["file"] == file]
    marks = sorted((r["quote_start"], r["quote_end"]) for r in reasons if r["quote_start"] is not None)
    role_col = next(c for c in tables["sentences"].columns if c.id == "role")
    body, last = [], 0
    for s in sentences:
        if "\n" in text[last : s["start"]]:
            body.append("<br>")
        last = s["end"]
        quoted = " quoted" if any(a <= s["start"] and s["end"] <= b or s["start"] <= a < s["end"] for a, b in marks) else ""
        color = DIMENSION_COLORS.get(s["dimension"], DIMENSION_COLORS[None])
        tip = f'{display(role_col, s["role"])} · {s["dimension_zh"] or s["dimension"] or "无维度"}'
        body.append(f'<span class="s{quoted}" style="background:{ROLE_COLORS.get(s["role"], "#fff")};'
                    f'border-bottom:2px solid {color}" title="{_e(tip)}">{_e(s["text"])}</span>')
    side = [f'<p><span class="grade" style="background:{_GRADE_COLORS[grade["grade"]]}">{_e(grade["grade"])}</span></p>',
            f'<p><b>审阅意见：</b>{_e(grade["note"])}</p>']
    by_reason: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for r in reasons:  # one row per quote: one block per reason, its quotes under it
        by_reason[(r["flag"], r["reason"])].append(r)
    for rows in by_reason.values():
        first = rows[0]
        cls = {"不合格": "fail", "需修改": "", "仅提示": "info"}[str(first["level"])]
        quotes = "".join(f'<div class="q">引文（{r["quote_start"]}–{r["quote_end"]}）：{_e(str(r["quote"])[:_CELL])}</div>'
                         for r in rows if r["quote"])
        side.append(f'<div class="reason {cls}"><b>{_e(first["flag_zh"])}</b>（{_e(first["level"])}）：'
                    f'{_e(first["reason"])}{quotes}</div>')
    if not reasons:
        side.append("<p>没有标记。</p>")
    legend = "".join(f'<span><i style="background:{c}"></i>{Role(r).zh}</span>' for r, c in ROLE_COLORS.items())
    legend += '<span><i style="outline:2px dashed #e67e22"></i>结论引用的段落</span>'
    return "".join([
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(Path(file).name)} · 审阅</title><style>{_CSS}</style></head><body>",
        f'<p><a href="../{_e(overview)}">← 返回总览</a></p><h1>{_e(Path(file).name)}</h1>',
        f'<p class="legend">底色为句子作用：{legend}；下划线颜色为维度。</p>',
        f'<div class="wrap"><div class="text">{"".join(body)}</div><div class="side">{"".join(side)}</div></div>',
        "</body></html>\n",
    ])


def write_pages(tables: Mapping[str, Table], texts: Mapping[str, str], target: str | os.PathLike[str]) -> list[Path]:
    """Write one page per material into ``NAME_pages/`` beside the overview ``target``; link them from the grades."""
    folder = _pages_folder(target)
    folder.mkdir(exist_ok=True)
    written = []
    for i, row in enumerate(tables["grades"].rows):
        path = folder / page_name(i)
        with atomic_write(path) as fh:
            fh.write(render_page(row["file"], tables, texts.get(row["file"], ""), Path(target).name))
        row["page"] = f"{folder.name}/{page_name(i)}"
        written.append(path)
    return written


def review_sections(tables: Mapping[str, Table]) -> str:
    """The review's sections of the overview page: grades (linked to each material's page), pairing, subjects …"""
    out = []
    for name in _OVERVIEW:
        table = tables.get(name)
        if table is None:
            continue
        cols = table.shown()
        rows_by_file: dict[str, int] = defaultdict(int)
        head = "".join(f"<th>{_e(c.heading)}</th>" for c in cols)
        rows = []
        for row in table.rows:
            rows_by_file[row.get("file", "")] += 1
            cells = []
            for c in cols:
                value = row.get(c.id)
                if c.id == "file" and value:
                    cells.append(f'<td title="{_e(value)}">{_e(Path(str(value)).name)}</td>')
                elif c.id == "page" and value:
                    cells.append(f'<td><a href="{_e(value)}">查看</a></td>')
                elif c.id == "grade":
                    cells.append(f'<td style="white-space:nowrap"><b style="color:{_GRADE_COLORS.get(str(value), "#222")}">{_e(value)}</b></td>')
                else:
                    shown = display(c, value)
                    text = "" if shown is None else str(shown)
                    cells.append(f"<td>{_e(text[:_CELL])}{'…' if len(text) > _CELL else ''}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        if not rows:
            continue
        out.append(f'<h2>{_e(table.sheet)}</h2><div class="scroll"><table><thead><tr>{head}</tr></thead>'
                   f'<tbody>{"".join(rows)}</tbody></table></div>')
    return "".join(out)

"""Write a report as one self-contained HTML page: inline SVG charts, no network resources.

Chart labels are SVG ``<text>``, so Chinese renders with the reader's own
fonts (no image of text, no font download).
"""

from __future__ import annotations

import html
import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import atomic_write
from .columns import FLAG_KINDS

if TYPE_CHECKING:
    from .report import Report

__all__ = ["DIMENSION_COLORS", "bars_svg", "heatmap_svg", "render_html", "write_html"]

#: One colour per dimension (charts and sentence highlighting); grey for none.
DIMENSION_COLORS = {
    "theory": "#4e79a7", "politics": "#e15759", "ability": "#f28e2b", "responsibility": "#59a14f",
    "work_style": "#b07aa1", "integrity": "#c9a227", None: "#9aa0a6",
}
# The colours of another framework's labels, in the model's label order.
_PALETTE = ("#4e79a7", "#e15759", "#f28e2b", "#59a14f", "#b07aa1", "#c9a227", "#76b7b2", "#ff9da7", "#9c755f", "#edc948")


def _colors(rep: Report) -> dict[str | None, str]:
    """Each label's colour: the six dimensions keep theirs, other labels take the palette in order."""
    ids = [label for label, _ in rep.labels]
    if all(label in DIMENSION_COLORS for label in ids):
        return dict(DIMENSION_COLORS)
    return {**{label: _PALETTE[i % len(_PALETTE)] for i, label in enumerate(ids)}, None: DIMENSION_COLORS[None]}
_SECTION_ZH = {"problem": "问题", "cause": "原因", "measure": "措施", "other": "其他"}
_CONTEXT = 40  # characters shown around a copied passage
_FONT = '"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif'
_CSS = f"""
body{{font-family:{_FONT};margin:24px auto;max-width:1200px;color:#222;line-height:1.6;padding:0 16px}}
h1{{font-size:26px;margin:0 0 4px}} h2{{font-size:20px;border-bottom:2px solid #dde4ee;padding-bottom:4px;margin-top:32px}}
.summary{{color:#555;margin-bottom:16px}} .summary b{{color:#222}}
table{{border-collapse:collapse;width:100%;font-size:14px}} th,td{{border:1px solid #dde4ee;padding:4px 8px;text-align:left;vertical-align:top}}
th{{background:#f1f4f8}} td.num{{text-align:right;white-space:nowrap}}
.kind{{display:inline-block;border-radius:3px;padding:0 6px;color:#fff;font-size:13px;white-space:nowrap}}
.k-missing,.k-copied{{background:#c0392b}} .k-vague,.k-about_others{{background:#d35400}} .k-thin,.k-no_measure,.k-measure_without_problem{{background:#7f8c8d}}
.pair{{border:1px solid #dde4ee;border-radius:4px;margin:12px 0;padding:8px 12px}} .pair h3{{font-size:15px;margin:0 0 6px}}
.side{{display:grid;grid-template-columns:1fr 1fr;gap:12px}} .side div{{background:#fafbfc;padding:6px 8px;font-size:14px}}
.side .name{{font-weight:bold;display:block;margin-bottom:4px}} mark{{background:#ffe08a}}
.legend span{{display:inline-block;margin-right:14px;font-size:13px}} .legend i{{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}}
details{{border:1px solid #dde4ee;border-radius:4px;margin:8px 0;padding:4px 10px}} summary{{cursor:pointer;font-weight:bold}}
.sec{{font-size:12px;color:#666;margin:10px 0 2px}} .head{{font-weight:bold;font-size:14px;margin:6px 0 2px}} .para{{height:6px}} .s{{border-radius:2px;padding:1px 0}}
.generic li{{margin-bottom:4px}} .muted{{color:#777;font-size:13px}}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _short(name: str) -> str:
    return Path(name).name or name


def _tint(color: str, alpha: str = "33") -> str:
    return color + alpha


def heatmap_svg(rep: Report) -> str:
    """Documents x dimensions: problems / measures in each cell, missing required dimensions in red."""
    dims = rep.labels
    docs = rep.tables["documents"]
    top = 64 if any(d in rep.expect for d, _ in dims) else 48
    left, cell_w, cell_h = 230, 96, 30
    width, height = left + cell_w * len(dims) + 10, top + cell_h * len(docs) + 10
    peak = max([1] + [row[f"{d}_problems"] for row in docs for d, _ in dims])
    parts = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="文档×维度问题数热力图" font-size="13">']
    for j, (d, zh) in enumerate(dims):
        x = left + j * cell_w + cell_w / 2
        parts.append(f'<text x="{x}" y="{top - 26}" text-anchor="middle" font-weight="bold">{_e(zh)}</text>')
        note = "必查" if d in rep.expect else "不要求"
        parts.append(f'<text x="{x}" y="{top - 10}" text-anchor="middle" fill="#777" font-size="11">{note}</text>')
    for i, row in enumerate(docs):
        y = top + i * cell_h
        label = _short(row["file"])
        parts.append(f'<text x="{left - 8}" y="{y + cell_h / 2 + 4}" text-anchor="end"><title>{_e(row["file"])}</title>{_e(label)}</text>')
        for j, (d, _) in enumerate(dims):
            n, m = row[f"{d}_problems"], row[f"{d}_measures"]
            x = left + j * cell_w
            if n == 0 and d in rep.expect:
                fill, ink, text = "#f6c9c4", "#a93226", "缺"
            else:
                share = n / peak
                fill = f"rgba(78,121,167,{0.08 + 0.8 * share:.2f})"
                ink = "#fff" if share > 0.55 else "#222"
                text = f"{n} / {m}"
            parts.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{fill}" rx="3"/>')
            parts.append(f'<text x="{x + cell_w / 2}" y="{y + cell_h / 2 + 4}" text-anchor="middle" fill="{ink}">{_e(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(rep: Report) -> str:
    """Problems, causes and measures per dimension, over the whole folder."""
    dims = rep.labels
    totals = {(row["dimension"], part): 0 for row in rep.tables["coverage"] for part in ("problems", "causes", "measures")}
    for row in rep.tables["coverage"]:
        for part in ("problems", "causes", "measures"):
            totals[(row["dimension"], part)] += row[part]
    parts_zh = (("problems", "问题", "#4e79a7"), ("causes", "原因", "#f28e2b"), ("measures", "措施", "#59a14f"))
    peak = max([1] + list(totals.values()))
    left, top, plot_h, group_w, bar_w = 50, 30, 220, 150, 36
    width, height = left + group_w * len(dims) + 20, top + plot_h + 50
    out = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="各维度问题、原因、措施数" font-size="13">']
    for k, (_, zh, color) in enumerate(parts_zh):
        out.append(f'<rect x="{left + k * 80}" y="4" width="12" height="12" fill="{color}"/><text x="{left + k * 80 + 16}" y="15">{zh}</text>')
    base = top + plot_h
    out.append(f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#999"/>')
    for j, (d, zh) in enumerate(dims):
        gx = left + j * group_w + (group_w - 3 * bar_w) / 2
        for k, (part, _, color) in enumerate(parts_zh):
            value = totals.get((d, part), 0)
            h = plot_h * value / peak
            x = gx + k * bar_w
            out.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar_w - 4}" height="{h:.1f}" fill="{color}"/>')
            out.append(f'<text x="{x + (bar_w - 4) / 2:.1f}" y="{base - h - 4:.1f}" text-anchor="middle" font-size="12">{value}</text>')
        out.append(f'<text x="{left + j * group_w + group_w / 2}" y="{base + 20}" text-anchor="middle" font-weight="bold">{_e(zh)}</text>')
    out.append("</svg>")
    return "".join(out)


def _table(head: Iterable[str], rows: Iterable[Iterable[str]], numeric: Iterable[int] = ()) -> str:
    numeric = set(numeric)
    out = ["<table><thead><tr>", *(f"<th>{_e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(row)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _flags(rep: Report) -> str:
    rows = [
        (f'<span title="{_e(f["file"])}">{_e(_short(f["file"]))}</span>',
         f'<span class="kind k-{_e(f["kind"])}">{_e(FLAG_KINDS[f["kind"]])}</span>', _e(f["dimension_zh"] or ""), _e(f["detail"]))
        for f in rep.tables["flags"]
    ]
    if not rows:
        return "<p>没有标记。</p>"
    return _table(("文件", "类型", "维度", "详情"), rows)


def _concreteness(rep: Report) -> str:
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rep.tables["concreteness"]:
        by_doc[row["file"]].append(row)
    rows = []
    for doc in rep.tables["documents"]:
        mine = by_doc.get(doc["file"], [])
        share = doc["concrete_share"]
        bar = (f'<svg width="120" height="14"><rect width="120" height="14" fill="#eee"/>'
               f'<rect width="{120 * share:.0f}" height="14" fill="{"#59a14f" if share >= 0.25 else "#e15759"}"/></svg> {share:.0%}')
        generic = [r for r in mine if r["most_generic"]]
        generic.sort(key=lambda r: -r["genericity"])
        listed = "".join(f'<li>{_e(r["text"])} <span class="muted">（套话程度 {r["genericity"]:.2f}）</span></li>' for r in generic)
        concrete = [r for r in mine if r["concrete"]][:2]
        evidence = "<br>".join(
            _e(" · ".join(x for x in (r["example"], r["number"], r["date"], r["named"]) if x)) for r in concrete
        )
        rows.append((f'<span title="{_e(doc["file"])}">{_e(_short(doc["file"]))}</span>', f'{len(mine)}', bar,
                     f'<ul class="generic">{listed}</ul>' if listed else "", evidence))
    note = ('<p class="muted">具体：问题中有举例（比如、例如）、数字、时间或具名的事项、项目、地点。'
            '最笼统的问题：用词与其他材料最相近的三条（套话程度为其字词在其他材料中出现的平均比例）。</p>')
    return note + _table(("文件", "问题数", "具体问题占比", "最笼统的问题", "具体依据（前两条具体问题）"), rows, numeric=(1,))


def _copying(rep: Report) -> str:
    rows = rep.tables["copying"]
    if not rows:
        return "<p>没有发现文档之间的雷同段落。</p>"
    out = []
    for c in rows:
        sides = []
        for s in ("a", "b"):
            text, a, b = rep.texts.get(c[f"file_{s}"], ""), c[f"start_{s}"], c[f"end_{s}"]
            before = text[max(0, a - _CONTEXT) : a].replace("\n", " ")
            after = text[b : b + _CONTEXT].replace("\n", " ")
            sides.append(
                f'<div><span class="name" title="{_e(c[f"file_{s}"])}">{_e(_short(c[f"file_{s}"]))} · 第{a}–{b}字</span>'
                f'…{_e(before)}<mark>{_e(text[a:b])}</mark>{_e(after)}…</div>'
            )
        out.append(
            f'<div class="pair"><h3>{_e(_short(c["file_a"]))} ↔ {_e(_short(c["file_b"]))}：相同 {c["chars"]} 字，'
            f'相似度 {c["similarity"]:.2f}，占较短文档 {c["containment"]:.0%}</h3><div class="side">{"".join(sides)}</div></div>'
        )
    return "".join(out)


def _formulas(rep: Report) -> str:
    rows = [(_e(f["text"]), str(f["documents"]), f'{f["share"]:.0%}') for f in rep.tables["formulas"][:30]]
    if not rows:
        return "<p>没有共用套话。</p>"
    note = f'<p class="muted">出现在较多文档中的套话只列一次，不算作文档之间的雷同（共 {len(rep.tables["formulas"])} 条，列出前 30 条）。</p>'
    return note + _table(("套话", "文档数", "占比"), rows, numeric=(1, 2))


def _legend(rep: Report) -> str:
    colors = _colors(rep)
    items: list[tuple[str | None, str]] = [*rep.labels, (None, "无维度")]
    return '<p class="legend">' + "".join(
        f'<span><i style="background:{colors[k]}"></i>{_e(zh)}</span>' for k, zh in items
    ) + "</p>"


def _sentences(rep: Report) -> str:
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rep.tables["sentences"]:
        by_doc[row["file"]].append(row)
    colors = _colors(rep)
    out = [_legend(rep)]
    for i, doc in enumerate(rep.tables["documents"]):
        body, section, heading, last_end = [], None, None, 0
        text = rep.texts.get(doc["file"], "")
        for s in by_doc.get(doc["file"], []):
            if s["section"] != section:
                section = s["section"]
                body.append(f'<div class="sec">【{_SECTION_ZH.get(section, section)}】</div>')
            if s["heading"] and s["heading"] != heading:
                heading = s["heading"]
                body.append(f'<div class="head">{_e(heading)}</div>')
            elif "\n" in text[last_end : s["start"]]:
                body.append('<div class="para"></div>')  # the writer's paragraph break
            last_end = s["end"]
            color = colors.get(s["dimension"], colors[None])
            tip = f'{s["dimension_zh"] or "无维度"} {s["score"]:.2f}'
            body.append(f'<span class="s" style="background:{_tint(color)};border-bottom:2px solid {color}" title="{_e(tip)}">{_e(s["text"])}</span>')
        title = doc["title"] or _short(doc["file"])
        out.append(f'<details{" open" if i == 0 else ""}><summary>{_e(_short(doc["file"]))} · {_e(title)}</summary>{"".join(body)}</details>')
    return "".join(out)


def render_html(rep: Report) -> str:
    """The whole page as a string."""
    n_docs = len(rep.tables["documents"])
    flagged = len({f["file"] for f in rep.tables["flags"] if f["kind"] in ("missing", "vague", "copied")})
    summary = (
        f'<p class="summary"><b>{n_docs}</b> 份材料，<b>{len(rep.tables["flags"])}</b> 条标记'
        f'（<b>{flagged}</b> 份材料缺维度、问题笼统或有雷同段落），<b>{len(rep.tables["copying"])}</b> 处雷同段落，'
        f'<b>{len(rep.tables["formulas"])}</b> 条共用套话。必查维度：{_e("、".join(dict(rep.labels).get(str(d), str(d)) for d in rep.expect))}。</p>'
    )
    notes = "".join(f'<p class="muted">{_e(note)}</p>' for note in rep.notes)
    skipped = "".join(f"<li>{_e(s)}</li>" for s in rep.skipped)
    return "".join([
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>材料审阅报告</title>',
        f"<style>{_CSS}</style></head><body>",
        "<h1>材料审阅报告</h1>", summary, notes,
        f"<p class=\"muted\">未能读取的文件：</p><ul>{skipped}</ul>" if skipped else "",
        "<h2>文档 × 维度：问题数 / 措施数</h2>",
        '<p class="muted">格内为“问题数 / 措施数”，颜色越深问题越多；红色“缺”表示必查维度没有问题。</p>', heatmap_svg(rep),
        "<h2>全部材料各维度的问题、原因、措施数</h2>", bars_svg(rep),
        "<h2>标记</h2>", _flags(rep),
        "<h2>问题的具体程度</h2>", _concreteness(rep),
        "<h2>雷同段落</h2>", _copying(rep),
        "<h2>共用套话</h2>", _formulas(rep),
        "<h2>逐句维度</h2>", _sentences(rep),
        "</body></html>\n",
    ])


def write_html(rep: Report, path: str | os.PathLike[str]) -> Path:
    """Write the page atomically; return its path."""
    with atomic_write(path) as fh:
        fh.write(render_html(rep))
    return Path(path)

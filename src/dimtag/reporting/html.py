"""Write a report as one self-contained HTML page: inline SVG charts, no network resources.

Chart labels are SVG ``<text>``, so Chinese renders with the reader's own
fonts (no image of text, no font download). The page takes the report's
tables (:class:`~dimtag.reporting.columns.Table`) and the documents' texts.

It stays readable on any folder: it fits an 800-pixel window (wide charts
and tables scroll inside their own box, the charts scale down), a token of
thousands of characters without a break wraps inside its cell (and a cell
shows at most :data:`CELL_CHARS` characters), and long tables show their
first rows with a link to the workbook that holds them all
(:data:`LIMITS`).
"""

from __future__ import annotations

import html
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .._atomic import atomic_write
from .columns import FLAG_KINDS, Table, display
from .palette import DIMENSION_COLORS, PALETTE

__all__ = ["CELL_CHARS", "DIMENSION_COLORS", "LIMITS", "bars_svg", "heatmap_svg", "render_html", "truncated", "write_html"]

#: One colour per dimension (charts and sentence highlighting); grey for none.
#: The most rows the page shows of each long part; the workbook holds them all.
LIMITS = {"heatmap": 200, "flags": 300, "concreteness": 300, "copying": 100, "shared": 50, "formulas": 30,
          "sentences": 30}
#: The most characters one table cell shows (the workbook and CSV hold them all).
CELL_CHARS = 400
_SENTENCE_CHARS = 200_000  # all the documents' sentences shown on the page together, at most
_CONTEXT = 40  # characters shown around a copied passage
_NAME_CHARS = 22  # a file name longer than this is shortened in the heat map (the full name is its tooltip)
_FONT = '"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif'
_CSS = f"""
body{{font-family:{_FONT};margin:24px auto;max-width:1200px;color:#222;line-height:1.6;padding:0 16px}}
h1{{font-size:26px;margin:0 0 4px}} h2{{font-size:20px;border-bottom:2px solid #dde4ee;padding-bottom:4px;margin-top:32px}}
.summary{{color:#555;margin-bottom:16px}} .summary b{{color:#222}}
.scroll{{overflow-x:auto;max-width:100%}} .chart svg{{max-width:100%;height:auto}}
table{{border-collapse:collapse;width:100%;font-size:14px}}
th,td{{border:1px solid #dde4ee;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere;word-break:break-word}}
th{{background:#f1f4f8;white-space:nowrap}} td.num{{text-align:right;white-space:nowrap}} td.name{{overflow-wrap:break-word;word-break:normal;min-width:6em}}
.kind{{display:inline-block;border-radius:3px;padding:0 6px;color:#fff;font-size:13px;white-space:nowrap}}
.k-missing,.k-copied{{background:#c0392b}} .k-vague,.k-about_others{{background:#d35400}} .k-unsure{{background:#2c7fb8}}
.k-thin,.k-no_measure,.k-measure_without_problem{{background:#7f8c8d}}
.pair{{border:1px solid #dde4ee;border-radius:4px;margin:12px 0;padding:8px 12px}} .pair h3{{font-size:15px;margin:0 0 6px}}
.side{{display:grid;grid-template-columns:1fr 1fr;gap:12px}} .side div{{background:#fafbfc;padding:6px 8px;font-size:14px;overflow-wrap:anywhere;min-width:0}}
.side .name{{font-weight:bold;display:block;margin-bottom:4px}} mark{{background:#ffe08a}}
.legend span{{display:inline-block;margin-right:14px;font-size:13px}} .legend i{{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}}
details{{border:1px solid #dde4ee;border-radius:4px;margin:8px 0;padding:4px 10px;overflow-wrap:anywhere}} summary{{cursor:pointer;font-weight:bold}}
.sec{{font-size:12px;color:#666;margin:10px 0 2px}} .head{{font-weight:bold;font-size:14px;margin:6px 0 2px}} .para{{height:6px}} .s{{border-radius:2px;padding:1px 0}}
.generic{{margin:0;padding-left:1.2em}} .generic li{{margin-bottom:4px}} .muted{{color:#777;font-size:13px}} .more{{background:#fff8e1;padding:6px 10px;border-radius:4px}}
@media (max-width:760px){{body{{margin:12px auto;padding:0 8px}} .side{{grid-template-columns:1fr}} table{{font-size:13px}} th,td{{padding:3px 5px}}}}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _cell(value: Any) -> str:
    """A cell's text, escaped, cut to :data:`CELL_CHARS` characters with a note of its length."""
    text = "" if value is None else str(value)
    if len(text) > CELL_CHARS:
        return f'{_e(text[:CELL_CHARS])}<span class="muted">…（共{len(text):,}字，全文见工作簿）</span>'
    return _e(text)


def _short(name: str, limit: int | None = None) -> str:
    short = Path(name).name or name
    if limit is not None and len(short) > limit:
        return short[: limit - 1] + "…"
    return short


def _tint(color: str, alpha: str = "33") -> str:
    return color + alpha


class _Aspects:
    """The report's aspects (from its ``aspects`` table): ids, names, required, colours."""

    def __init__(self, tables: Mapping[str, Table]) -> None:
        rows = tables["aspects"].rows
        self.ids = [r["dimension"] for r in rows]
        self.names = {r["dimension"]: r["dimension_zh"] for r in rows}
        self.required = [r["dimension"] for r in rows if r["required"]]
        custom = [i for i in self.ids if i not in DIMENSION_COLORS]
        self.colors = {**DIMENSION_COLORS, **{i: PALETTE[n % len(PALETTE)] for n, i in enumerate(custom)}}


def truncated(tables: Mapping[str, Table]) -> bool:
    """Whether the page leaves rows out of any part (then it links to the workbook)."""
    docs = len(tables["documents"].rows)
    groups = len({r["group"] for r in tables["shared"].rows})
    sentences_chars = sum(len(r.get("text") or "") for r in tables["sentences"].rows)
    return (
        docs > min(LIMITS["heatmap"], LIMITS["concreteness"], LIMITS["sentences"])
        or len(tables["flags"].rows) > LIMITS["flags"] or len(tables["copying"].rows) > LIMITS["copying"]
        or groups > LIMITS["shared"] or len(tables["formulas"].rows) > LIMITS["formulas"]
        or sentences_chars > _SENTENCE_CHARS
    )


def _more(shown: int, total: int, what: str, workbook: str | None) -> str:
    """The note under a part that shows only its first rows."""
    if total <= shown:
        return ""
    where = f'完整内容见工作簿 <a href="{_e(workbook)}">{_e(workbook)}</a>' if workbook else "完整内容见 .xlsx 或 .csv 输出"
    return f'<p class="more">共 {total:,} {what}，此处列出前 {shown:,} {what}；{where}。</p>'


def heatmap_svg(tables: Mapping[str, Table], limit: int = LIMITS["heatmap"]) -> str:
    """Documents x aspects: problems / measures in each cell, missing required aspects in red.

    Each row is coloured on its own scale (its largest cell darkest), so one
    long document does not pale all the others; a document whose structure
    is unsure shows ``？`` where it has no problem, never ``缺``.
    """
    aspects = _Aspects(tables)
    docs = tables["documents"].rows[:limit]
    top = 64
    left, cell_w, cell_h = 200, 92, 30
    width, height = left + cell_w * len(aspects.ids) + 10, top + cell_h * len(docs) + 10
    parts = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="文档×维度问题数热力图" font-size="13">']
    for j, a in enumerate(aspects.ids):
        x = left + j * cell_w + cell_w / 2
        parts.append(f'<text x="{x}" y="{top - 26}" text-anchor="middle" font-weight="bold"><title>{_e(aspects.names[a])}'
                     f'</title>{_e(_short(aspects.names[a], 7))}</text>')
        note = "必查" if a in aspects.required else "不要求"
        parts.append(f'<text x="{x}" y="{top - 10}" text-anchor="middle" fill="#777" font-size="11">{note}</text>')
    for i, row in enumerate(docs):
        y = top + i * cell_h
        parts.append(f'<text x="{left - 8}" y="{y + cell_h / 2 + 4}" text-anchor="end"><title>{_e(row["file"])}</title>'
                     f'{_e(_short(row["file"], _NAME_CHARS))}</text>')
        peak = max([1] + [row.get(f"{a}_problems", 0) for a in aspects.ids])
        for j, a in enumerate(aspects.ids):
            n, m = row.get(f"{a}_problems", 0), row.get(f"{a}_measures", 0)
            x = left + j * cell_w
            if n == 0 and a in aspects.required and row.get("unsure"):
                fill, ink, text = "#dbe9f6", "#2c7fb8", "？"
            elif n == 0 and a in aspects.required:
                fill, ink, text = "#f6c9c4", "#a93226", "缺"
            else:
                share = n / peak
                fill = f"rgba(78,121,167,{0.10 + 0.55 * share:.2f})"  # at most mid-blue: dark text stays readable
                ink = "#222" if n else "#999"
                text = f"{n} / {m}"
            parts.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{fill}" rx="3"/>')
            parts.append(f'<text x="{x + cell_w / 2}" y="{y + cell_h / 2 + 4}" text-anchor="middle" fill="{ink}">{_e(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(tables: Mapping[str, Table]) -> str:
    """Problems, causes, measures and strengths per aspect, over the whole folder."""
    aspects = _Aspects(tables)
    series = (("problems", "问题", "#4e79a7"), ("causes", "原因", "#f28e2b"), ("measures", "措施", "#59a14f"),
              ("positives", "成绩", "#bab0ac"))
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for row in tables["coverage"].rows:
        for part, _, _ in series:
            totals[(row["dimension"], part)] += row[part]
    peak = max([1, *totals.values()])
    left, top, plot_h, bar_w = 20, 30, 220, 30
    group_w = bar_w * len(series) + 36
    width, height = left + group_w * len(aspects.ids) + 20, top + plot_h + 50
    out = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="各维度问题、原因、措施、成绩数" font-size="13">']
    for k, (_, zh, color) in enumerate(series):
        out.append(f'<rect x="{left + k * 70}" y="4" width="12" height="12" fill="{color}"/><text x="{left + k * 70 + 16}" y="15">{zh}</text>')
    base = top + plot_h
    out.append(f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#999"/>')
    for j, a in enumerate(aspects.ids):
        gx = left + j * group_w + (group_w - len(series) * bar_w) / 2
        for k, (part, _, color) in enumerate(series):
            value = totals[(a, part)]
            h = plot_h * value / peak
            x = gx + k * bar_w
            out.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar_w - 4}" height="{h:.1f}" fill="{color}"/>')
            out.append(f'<text x="{x + (bar_w - 4) / 2:.1f}" y="{base - h - 4:.1f}" text-anchor="middle" font-size="12">{value}</text>')
        out.append(f'<text x="{left + j * group_w + group_w / 2}" y="{base + 20}" text-anchor="middle" font-weight="bold">'
                   f'{_e(_short(aspects.names[a], 8))}</text>')
    out.append("</svg>")
    return "".join(out)


def _table(head: Iterable[str], rows: Iterable[Iterable[str]], numeric: Iterable[int] = (), name: int | None = 0) -> str:
    numeric = set(numeric)

    def td(i: int, c: str) -> str:
        cls = "num" if i in numeric else "name" if i == name else ""
        return f'<td class="{cls}">{c}</td>' if cls else f"<td>{c}</td>"

    out = ['<div class="scroll"><table><thead><tr>', *(f"<th>{_e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(td(i, c) for i, c in enumerate(row)) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _file(name: str) -> str:
    return f'<span title="{_e(name)}">{_e(_short(name))}</span>'


def _flags(tables: Mapping[str, Table], workbook: str | None) -> str:
    table = tables["flags"]
    col = {c.id: c for c in table.columns}
    limit = LIMITS["flags"]
    rows = [
        (_file(f["file"]), f'<span class="kind k-{_e(f["kind"])}">{_e(FLAG_KINDS.get(f["kind"], f["kind"]))}</span>',
         _e(display(col["dimension"], f["dimension"], table.names) or ""), _cell(f["detail"]))
        for f in table.rows[:limit]
    ]
    if not rows:
        return "<p>没有标记。</p>"
    return _table(("文件", "类型", "维度", "详情"), rows) + _more(len(rows), len(table.rows), "条标记", workbook)


def _concreteness(tables: Mapping[str, Table], workbook: str | None) -> str:
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in tables["concreteness"].rows:
        by_doc[row["file"]].append(row)
    docs = tables["documents"].rows
    rows = []
    for doc in docs[: LIMITS["concreteness"]]:
        mine = by_doc.get(doc["file"], [])
        share = doc["concrete_share"]
        bar = (f'<svg width="100" height="14"><rect width="100" height="14" fill="#eee"/>'
               f'<rect width="{100 * share:.0f}" height="14" fill="{"#59a14f" if share >= 0.25 else "#e15759"}"/></svg> {share:.0%}')
        generic = sorted((r for r in mine if r["most_generic"]), key=lambda r: -r["genericity"])
        listed = "".join(f'<li>{_cell(r["text"])} <span class="muted">（套话程度 {r["genericity"]:.2f}）</span></li>' for r in generic)
        concrete = [r for r in mine if r["concrete"]][:2]
        evidence = "<br>".join(
            _cell(" · ".join(x for x in (r["example"], r["number"], r["date"], r["named"]) if x)) for r in concrete
        )
        rows.append((_file(doc["file"]), f"{len(mine)}", bar, f'<ul class="generic">{listed}</ul>' if listed else "", evidence))
    note = ('<p class="muted">具体：问题中有举例（比如、例如）、数字、时间或具名的事项、项目、地点。'
            '最笼统的问题：用词与其他材料最相近的三条（套话程度为其字词在其他材料中出现的平均比例）。</p>')
    return (note + _table(("文件", "问题数", "具体问题占比", "最笼统的问题", "具体依据（前两条具体问题）"), rows, numeric=(1,))
            + _more(len(rows), len(docs), "份材料", workbook))


def _context(text: str, a: int, b: int) -> str:
    before = text[max(0, a - _CONTEXT) : a].replace("\n", " ")
    after = text[b : b + _CONTEXT].replace("\n", " ")
    return f"…{_e(before)}<mark>{_cell(text[a:b])}</mark>{_e(after)}…"


def _copying(tables: Mapping[str, Table], texts: Mapping[str, str], workbook: str | None) -> str:
    rows = tables["copying"].rows
    if not rows:
        return "<p>没有发现两份材料之间的雷同段落。</p>"
    out = []
    for c in rows[: LIMITS["copying"]]:
        sides = []
        for s in ("a", "b"):
            a, b = c[f"start_{s}"], c[f"end_{s}"]
            sides.append(
                f'<div><span class="name" title="{_e(c[f"file_{s}"])}">{_e(_short(c[f"file_{s}"]))} · 第{a}–{b}字</span>'
                f'{_context(texts.get(c[f"file_{s}"], ""), a, b)}</div>'
            )
        out.append(
            f'<div class="pair"><h3>{_e(_short(c["file_a"]))} ↔ {_e(_short(c["file_b"]))}：相同 {c["chars"]} 字，'
            f'相似度 {c["similarity"]:.2f}，占较短文档 {c["containment"]:.0%}</h3><div class="side">{"".join(sides)}</div></div>'
        )
    return "".join(out) + _more(min(len(rows), LIMITS["copying"]), len(rows), "处雷同段落", workbook)


def _shared(tables: Mapping[str, Table], texts: Mapping[str, str], workbook: str | None) -> str:
    groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in tables["shared"].rows:
        groups[row["group"]].append(row)
    if not groups:
        return ""
    out = ['<h2>多份材料共有的雷同段落</h2><p class="muted">三份以上材料共有、但不足以算作套话的段落，每段只列一次。</p>']
    for members in list(groups.values())[: LIMITS["shared"]]:
        first = members[0]
        names = "、".join(_e(_short(m["file"])) + f'（第{m["start"]}–{m["end"]}字）' for m in members[:20])
        more = f" 等 {len(members)} 份" if len(members) > 20 else ""
        out.append(
            f'<div class="pair"><h3>{len(members)} 份材料共有 {first["chars"]} 字</h3>'
            f'<div class="side" style="grid-template-columns:1fr"><div>{_context(texts.get(first["file"], ""), first["start"], first["end"])}'
            f'<p class="muted">{names}{more}</p></div></div></div>'
        )
    return "".join(out) + _more(min(len(groups), LIMITS["shared"]), len(groups), "组", workbook)


def _formulas(tables: Mapping[str, Table], workbook: str | None) -> str:
    formulas = tables["formulas"].rows
    rows = [(_cell(f["text"]), str(f["documents"]), f'{f["share"]:.0%}') for f in formulas[: LIMITS["formulas"]]]
    if not rows:
        return "<p>没有共用套话。</p>"
    note = '<p class="muted">出现在较多文档中的套话只列一次，不算作文档之间的雷同。</p>'
    return note + _table(("套话", "文档数", "占比"), rows, numeric=(1, 2), name=None) + _more(
        len(rows), len(formulas), "条套话", workbook)


def _legend(aspects: _Aspects) -> str:
    items = [(a, aspects.names[a]) for a in aspects.ids] + [(None, "无维度")]
    return '<p class="legend">' + "".join(
        f'<span><i style="background:{aspects.colors[k]}"></i>{_e(name)}</span>' for k, name in items
    ) + "</p>"


def _sentences(tables: Mapping[str, Table], texts: Mapping[str, str], workbook: str | None) -> str:
    aspects = _Aspects(tables)
    cols = {c.id: c for c in tables["sentences"].columns}
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in tables["sentences"].rows:
        by_doc[row["file"]].append(row)
    out = [_legend(aspects)]
    docs = tables["documents"].rows
    budget, shown = _SENTENCE_CHARS, 0
    for i, doc in enumerate(docs[: LIMITS["sentences"]]):
        if budget <= 0:
            break
        body, section, heading, last_end = [], None, None, 0
        text = texts.get(doc["file"], "")
        for s in by_doc.get(doc["file"], []):
            if budget <= 0:
                body.append('<p class="more">此处篇幅已满，其余句子见工作簿。</p>')
                break
            budget -= len(s["text"])
            if s["section"] != section:
                section = s["section"]
                body.append(f'<div class="sec">【{_e(display(cols["section"], section))}】</div>')
            if s["heading"] and s["heading"] != heading:
                heading = s["heading"]
                body.append(f'<div class="head">{_cell(heading)}</div>')
            elif "\n" in text[last_end : s["start"]]:
                body.append('<div class="para"></div>')  # the writer's paragraph break
            last_end = s["end"]
            color = aspects.colors.get(s["dimension"], DIMENSION_COLORS[None])
            name = aspects.names.get(s["dimension"], "无维度") if s["dimension"] is not None else "无维度"
            tip = f'{name} {s["score"]:.2f} · {display(cols["role"], s["role"])}'
            body.append(f'<span class="s" style="background:{_tint(color)};border-bottom:2px solid {color}" '
                        f'title="{_e(tip)}">{_e(s["text"])}</span>')
        title = doc["title"] or _short(doc["file"])
        out.append(f'<details{" open" if i == 0 else ""}><summary>{_e(_short(doc["file"]))} · {_cell(title)}</summary>{"".join(body)}</details>')
        shown += 1
    return "".join(out) + _more(shown, len(docs), "份材料", workbook)


def _summary(tables: Mapping[str, Table]) -> str:
    aspects = _Aspects(tables)
    flags = tables["flags"].rows
    n_docs = len(tables["documents"].rows)
    flagged = len({f["file"] for f in flags if f["kind"] in ("missing", "vague", "copied")})
    unsure = sum(bool(d.get("unsure")) for d in tables["documents"].rows)
    groups = len({r["group"] for r in tables["shared"].rows})
    return (
        f'<p class="summary"><b>{n_docs}</b> 份材料，<b>{len(flags)}</b> 条标记'
        f'（<b>{flagged}</b> 份材料缺维度、问题笼统或有雷同段落'
        + (f'，<b>{unsure}</b> 份结构不明、未判断缺项' if unsure else "")
        + f'），<b>{len(tables["copying"].rows)}</b> 处两份材料之间的雷同段落'
        + (f'，<b>{groups}</b> 段多份材料共有的雷同段落' if groups else "")
        + f'，<b>{len(tables["formulas"].rows)}</b> 条共用套话。必查维度：{_e("、".join(aspects.names[a] for a in aspects.required))}。</p>'
    )


def render_html(
    tables: Mapping[str, Table], texts: Mapping[str, str], *, workbook: str | None = None, notes: Sequence[str] = (),
) -> str:
    """The whole page as a string; ``workbook`` names the file the notes under shortened parts link to.

    ``notes`` say how the report was made (:attr:`dimtag.reporting.Report.notes`), under the summary.
    """
    skipped = "".join(f"<li>{_cell(s['reason'])}</li>" for s in tables["skipped"].rows)
    docs = tables["documents"].rows
    review = ""
    if "grades" in tables:  # a review under a rubric: its sections come first, as the reviewer reads them first
        from .rubric.pages import review_sections

        review = review_sections(tables)
    return "".join([
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>材料审阅报告</title>',
        f"<style>{_CSS}</style></head><body>",
        "<h1>材料审阅报告</h1>", _summary(tables), "".join(f'<p class="muted">{_e(note)}</p>' for note in notes),
        f'<p class="muted">未能读取的文件（{len(tables["skipped"].rows)}）：</p><ul>{skipped}</ul>' if skipped else "",
        review,
        "<h2>文档 × 维度：问题数 / 措施数</h2>",
        '<p class="muted">格内为“问题数 / 措施数”；每行按本材料自身最多的一格着色，颜色越深问题越多；'
        '红色“缺”表示必查维度没有问题，蓝色“？”表示材料结构或句子作用不明，未判断缺项。</p>',
        f'<div class="scroll chart">{heatmap_svg(tables)}</div>', _more(min(len(docs), LIMITS["heatmap"]), len(docs), "份材料", workbook),
        "<h2>全部材料各维度的问题、原因、措施、成绩数</h2>", f'<div class="scroll chart">{bars_svg(tables)}</div>',
        "<h2>标记</h2>", _flags(tables, workbook),
        "<h2>问题的具体程度</h2>", _concreteness(tables, workbook),
        "<h2>雷同段落</h2>", _copying(tables, texts, workbook),
        _shared(tables, texts, workbook),
        "<h2>共用套话</h2>", _formulas(tables, workbook),
        "<h2>逐句维度</h2>", _sentences(tables, texts, workbook),
        "</body></html>\n",
    ])


def write_html(
    tables: Mapping[str, Table], texts: Mapping[str, str], path: str | os.PathLike[str], *,
    workbook: str | None = None, workbook_written: bool = True, notes: Sequence[str] = (),
) -> Path:
    """Write the page atomically; return its path.

    ``workbook`` is the workbook the page links to for the rows it leaves
    out; when it was not written (no openpyxl), the notes say how to get it.
    """
    with atomic_write(path) as fh:
        fh.write(render_html(tables, texts, workbook=workbook if workbook_written else None, notes=notes))
    return Path(path)


"""Build the structure-test documents and their gold files from the annotated sources.

Run from the repository root::

    python tests/data/structure/build.py            # writes tests/data/structure/docs/
    python tests/data/structure/build.py --out DIR  # writes elsewhere (the reproducibility test)

Each source in ``src/`` is a document written by an independent writer, one
paragraph a line, with an annotation in ⟦ ⟧ after every sentence and heading
(see ``ANNOTATION_BRIEF.md``). This script removes the annotations, writes the
raw document in one or more variants (``<source>__<variant>.<ext>``), and
writes next to each a gold file ``<source>__<variant>.gold.jsonl`` with one
line per annotated unit, plus ``index.json`` listing every document with the
styles it covers. The rules that turn annotations into gold fields, among them
``heading_dimension``, are described in ``README.md``.

Needs the standard library and python-docx (the ``docx`` extra); the output
is byte-for-byte reproducible.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"
DOCS = HERE / "docs"

DIMENSIONS = ("theory", "politics", "ability", "responsibility", "work_style", "integrity")
LABELS = DIMENSIONS + ("none",)

# Which variants each source gets, chosen so that every style of issue 11 is
# covered, and the hard formats (one line, .docx numbering, tables) meet
# several heading styles.
VARIANTS: dict[str, tuple[str, ...]] = {
    "a_01_part_headings": ("plain", "crlf", "docx_styles"),
    "a_02_six_aspects": ("plain", "one_line", "docx_styles"),
    "a_03_numbered_title_lines": ("plain", "gbk", "docx_styles"),
    "a_04_ordinals": ("plain", "ascii", "one_line"),
    "a_05_bare_line_headings": ("plain", "one_line"),
    "a_06_inline_colon_headings": ("plain", "ascii"),
    "a_07_member_self_inspection": ("plain", "gbk"),
    "a_08_no_headings": ("plain", "crlf"),
    "a_09_four_leads_2024": ("plain", "docx_styles"),
    "a_10_causes_categories": ("plain", "docx_table"),
    "a_11_web_page": ("plain", "gbk"),
    "a_12_nested_mixed": ("plain", "one_line", "docx_styles"),
    "b_01_part_headings": ("plain", "one_line", "docx_table"),
    "b_02_neutral_sections": ("plain", "crlf"),
    "b_03_tricky_headings": ("plain", "ascii"),
    "b_04_inline_six": ("plain", "ascii", "one_line"),
    "b_05_long_points": ("plain", "docx_styles"),
    "b_06_circled_points": ("plain", "gbk"),
    "b_07_criticism": ("plain",),
    "b_08_four_lead_ordinal": ("plain", "gbk", "docx_table"),
    "b_09_closing_signature": ("plain", "crlf", "docx_styles"),
    "b_10_cause_measure_fourfold": ("plain", "docx_styles"),
    "b_11_ascii_punct": ("plain", "one_line"),
    "b_12_short_lines": ("plain", "crlf"),
}

# The styles of issue 11 that each source shows (read off the sources by hand).
SOURCE_COVERS: dict[str, tuple[str, ...]] = {
    "a_01_part_headings": ("part_headings", "points_yishi", "framework_2022", "closing"),
    "a_02_six_aspects": ("part_headings", "section_headings", "points_yishi", "framework_2023", "stray_sentence"),
    "a_03_numbered_title_lines": ("part_headings", "numbered_titles", "closing"),
    "a_04_ordinals": ("ordinals", "closing"),
    "a_05_bare_line_headings": ("part_headings", "bare_line_headings", "neutral_headings", "stray_sentence"),
    "a_06_inline_colon_headings": ("part_headings", "inline_colon_headings", "framework_2022"),
    "a_07_member_self_inspection": ("part_headings", "member_org_life", "neutral_headings"),
    "a_08_no_headings": ("no_headings", "unit_facts"),
    "a_09_four_leads_2024": ("section_headings", "framework_2024", "points_yishi"),
    "a_10_causes_categories": ("cause_measure_categories", "section_headings", "points_yishi"),
    "a_11_web_page": ("web_debris", "section_headings", "member_org_life"),
    "a_12_nested_mixed": ("mixed", "part_headings", "section_headings", "numbered_titles", "points_circled"),
    "b_01_part_headings": ("part_headings", "section_headings", "framework_2022", "stray_sentence"),
    "b_02_neutral_sections": ("neutral_headings", "member_org_life", "web_debris"),
    "b_03_tricky_headings": ("tricky_headings", "section_headings"),
    "b_04_inline_six": ("inline_full_stop_headings", "framework_2023"),
    "b_05_long_points": ("numbered_titles", "long_points", "stray_sentence"),
    "b_06_circled_points": ("points_circled", "member_org_life", "section_headings"),
    "b_07_criticism": ("criticism", "inline_colon_headings"),
    "b_08_four_lead_ordinal": ("framework_2024", "ordinals", "unit_facts", "stray_sentence"),
    "b_09_closing_signature": ("closing", "points_numbered", "framework_2022"),
    "b_10_cause_measure_fourfold": ("cause_measure_categories", "member_org_life", "points_numbered"),
    "b_11_ascii_punct": ("ascii_punct", "points_numbered"),
    "b_12_short_lines": ("bare_line_headings", "member_org_life"),
}

VARIANT_COVERS: dict[str, tuple[str, ...]] = {
    "plain": (),
    "one_line": ("one_line",),
    "crlf": ("crlf",),
    "gbk": ("gbk",),
    "ascii": ("ascii_punct",),
    "docx_styles": ("docx", "word_heading_styles", "word_auto_numbering"),
    "docx_table": ("docx", "docx_table"),
}
_EXTENSION = {"docx_styles": ".docx", "docx_table": ".docx"}

_ANNOTATION = re.compile(r"⟦([^⟧]*)⟧")
_POINT = re.compile(r"p\d+")
_CN = "一二三四五六七八九十"
# Heading levels by their enumerator, ASCII forms included (b_11 is written with them).
_PART = re.compile(rf"^[{_CN}]+[、.．]")
_SECTION = re.compile(rf"^[（(][{_CN}]+[）)]")
_NUMBERED = re.compile(r"^(?:\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[）)])")
_CIRCLED = re.compile(r"^[①-⑳]")
_ORDINAL_TITLE = re.compile(rf"^第[{_CN}]+[，,]在[^，,。]{{1,16}}方面[，,]")
_COLON_END = re.compile(r"[：:]$")
_LEVEL_PART, _LEVEL_SECTION, _LEVEL_NUMBERED, _LEVEL_CIRCLED, _LEVEL_POINT = 1, 2, 3, 4, 5

_ASCII_PUNCT = str.maketrans({"，": ",", "。": ".", "：": ":", "；": ";", "（": "(", "）": ")"})
_DEADLINES = ("2024年3月底前", "2024年6月底前", "长期坚持")
# python-docx stamps files with the current time; a fixed one makes builds reproducible.
_FIXED_TIME = datetime(2024, 1, 1, tzinfo=timezone.utc)
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Unit:
    """One annotated sentence or heading of a source, and its gold fields."""

    text: str
    kind: str  # "item" or "heading"
    dimension: str | None
    point: str | None
    heading_dimension: str | None = None

    def gold(self, style: str) -> dict[str, object]:
        return {
            "text": self.text,
            "kind": self.kind,
            "dimension": self.dimension,
            "point": self.point,
            "heading_dimension": self.heading_dimension,
            "style": style,
        }


@dataclass(frozen=True)
class Source:
    name: str
    style: str
    lines: list[list[Unit]]  # units of each non-blank line, in order

    @property
    def units(self) -> list[Unit]:
        return [u for line in self.lines for u in line]


def _fail(source: str, line: int, message: str) -> None:
    raise SystemExit(f"{source}: line {line + 1}: {message}")


def _parse_annotation(name: str, number: int, piece: str, annotation: str) -> Unit:
    tokens = annotation.split()
    if not tokens:
        _fail(name, number, "empty annotation")
    if tokens[0] == "H":
        if len(tokens) > 2 or (len(tokens) == 2 and tokens[1] not in DIMENSIONS):
            _fail(name, number, f"bad heading annotation ⟦{annotation}⟧")
        return Unit(piece, "heading", tokens[1] if len(tokens) == 2 else None, None)
    label, points = tokens[0], tokens[1:]
    if label not in LABELS or len(points) > 1 or (points and not _POINT.fullmatch(points[0])):
        _fail(name, number, f"bad annotation ⟦{annotation}⟧")
    return Unit(piece, "item", None if label == "none" else label, points[0] if points else None)


def parse_source(path: Path) -> Source:
    """Read an annotated source into its lines of units (gold fields not yet derived)."""
    name = path.stem
    lines: list[list[Unit]] = []
    for raw_line in path.read_text(encoding="utf-8").split("\n"):
        if not raw_line.strip():
            continue
        number = len(lines)
        parts = _ANNOTATION.split(raw_line)
        pieces, annotations, tail = parts[0:-1:2], parts[1::2], parts[-1]
        if tail.strip() or not annotations:
            _fail(name, number, "text after the last annotation, or no annotation")
        units = []
        for piece, annotation in zip(pieces, annotations, strict=True):
            if not piece.strip() or piece != piece.strip():
                _fail(name, number, f"empty or space-padded unit before ⟦{annotation}⟧")
            units.append(_parse_annotation(name, number, piece, annotation))
        lines.append(units)
    style = name.split("_", 2)[2]
    return Source(name, style, _with_heading_dimensions(name, lines))


def heading_level(text: str) -> int:
    """Level of a heading from its enumerator: 1 part, 2 section (and bare lines), 3 numbered, 4 circled."""
    if _PART.match(text):
        return _LEVEL_PART
    if _SECTION.match(text):
        return _LEVEL_SECTION
    if _NUMBERED.match(text):
        return _LEVEL_NUMBERED
    if _CIRCLED.match(text):
        return _LEVEL_CIRCLED
    return _LEVEL_SECTION  # a bare line (宗旨意识淡薄。) or 对XXX同志：sits where a section would


def _point_titles(lines: list[list[Unit]]) -> set[tuple[int, int]]:
    """(line, position) of the units that title their point and so govern its other sentences.

    A point's first unit is its title when the point goes on after it and the
    unit is a line of its own (``2.学习的主动性不够。``), ends with a colon
    (``1.思想觉悟不高：``), or is an ordinal naming an aspect (``第二，在理论学习方面，…``).
    """
    units = [(i, j, u) for i, line in enumerate(lines) for j, u in enumerate(line)]
    size: dict[str, int] = {}
    for _, _, u in units:
        if u.point:
            size[u.point] = size.get(u.point, 0) + 1
    titles, seen = set(), set()
    for i, j, u in units:
        if not u.point or u.point in seen:
            continue
        seen.add(u.point)
        own_line = len(lines[i]) == 1
        if size[u.point] > 1 and (own_line or _COLON_END.search(u.text) or _ORDINAL_TITLE.match(u.text)):
            titles.add((i, j))
    return titles


def _is_closing(line: list[Unit]) -> bool:
    """A paragraph of none sentences outside any point: a closing, transition or page debris."""
    return all(u.kind == "item" and u.dimension is None and u.point is None for u in line)


def _with_heading_dimensions(name: str, lines: list[list[Unit]]) -> list[list[Unit]]:
    """Fill ``heading_dimension`` of every unit (the rules are in README.md)."""
    titles = _point_titles(lines)
    scopes: list[tuple[int, str | None]] = []  # open headings: (level, dimension named)
    point_scope: tuple[str, str | None] | None = None  # (point, its title's dimension)
    out: list[list[Unit]] = []
    for i, line in enumerate(lines):
        if _is_closing(line):
            scopes, point_scope = [], None
        new_line = []
        for j, u in enumerate(line):
            if u.kind == "heading":
                level = heading_level(u.text)
                while scopes and scopes[-1][0] >= level:
                    scopes.pop()
                named = _nearest(scopes)
                scopes.append((level, u.dimension))
                point_scope = None
            else:
                if point_scope and point_scope[0] != u.point:
                    point_scope = None
                named = point_scope[1] if point_scope else _nearest(scopes)
                if (i, j) in titles:
                    point_scope = (u.point, u.dimension)  # type: ignore[assignment]
            new_line.append(replace(u, heading_dimension=named))
        out.append(new_line)
    return out


def _nearest(scopes: list[tuple[int, str | None]]) -> str | None:
    for _, dim in reversed(scopes):
        if dim is not None:
            return dim
    return None


# --- plain-text variants -------------------------------------------------


def _line_text(line: list[Unit]) -> str:
    return "".join(u.text for u in line)


def _text_variant(source: Source, variant: str) -> tuple[bytes, list[Unit]]:
    units = source.units
    lines = [_line_text(line) for line in source.lines]
    if variant == "ascii":
        lines = [t.translate(_ASCII_PUNCT) for t in lines]
        units = [replace(u, text=u.text.translate(_ASCII_PUNCT)) for u in units]
    if variant == "one_line":
        return ("".join(lines) + "\n").encode("utf-8"), units
    if variant == "crlf":
        return ("\r\n".join(lines) + "\r\n").encode("utf-8"), units
    text = "\n".join(lines) + "\n"
    if variant == "gbk":
        try:
            return text.encode("gbk"), units
        except UnicodeEncodeError as exc:
            raise SystemExit(f"{source.name}: not encodable in GBK: {exc}") from None
    return text.encode("utf-8"), units


# --- .docx variants ------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# One multilevel list for headings and numbered points: 一、 /（一）/ 1. / ①.
_ABSTRACT_NUM = f"""<w:abstractNum xmlns:w="{_W}" w:abstractNumId="90">
<w:multiLevelType w:val="multilevel"/>
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:lvlJc w:val="left"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/><w:lvlJc w:val="left"/></w:lvl>
<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%4"/><w:lvlJc w:val="left"/></w:lvl>
</w:abstractNum>"""
_NUM_ID = 90
_NUM = f'<w:num xmlns:w="{_W}" w:numId="{_NUM_ID}"><w:abstractNumId w:val="90"/></w:num>'


def _new_document():  # type: ignore[no-untyped-def]
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    numbering = document.part.numbering_part.element
    # abstractNum elements must precede num elements in numbering.xml.
    first_num = numbering.find(f"{{{_W}}}num")
    first_num.addprevious(parse_xml(_ABSTRACT_NUM))
    numbering.append(parse_xml(_NUM))
    props = document.core_properties
    props.created = props.modified = _FIXED_TIME
    props.author = props.last_modified_by = "dimtag structure tests"
    props.revision = 1
    return document


def _number(paragraph, ilvl: int) -> None:  # type: ignore[no-untyped-def]
    from docx.oxml import parse_xml

    numpr = parse_xml(
        f'<w:numPr xmlns:w="{_W}"><w:ilvl w:val="{ilvl}"/><w:numId w:val="{_NUM_ID}"/></w:numPr>'
    )
    paragraph._p.get_or_add_pPr().append(numpr)


def _strip_enumerator(text: str) -> tuple[str, int | None]:
    """The text without its leading enumerator, and the list level the enumerator stands for."""
    for pattern, ilvl in ((_PART, 0), (_SECTION, 1), (_NUMBERED, 2), (_CIRCLED, 3)):
        m = pattern.match(text)
        if m:
            return text[m.end():], ilvl
    return text, None


def _docx_bytes(document) -> bytes:  # type: ignore[no-untyped-def]
    raw = io.BytesIO()
    document.save(raw)
    # Rewrite the zip with fixed timestamps so that two builds are identical.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, zin.read(info.filename))
    return out.getvalue()


def _docx_styles(source: Source) -> tuple[bytes, list[Unit]]:
    """Headings in Word heading styles, numbered points in list styles; numbers from numbering, not text."""
    document = _new_document()
    units: list[Unit] = []
    for index, line in enumerate(source.lines):
        first = line[0]
        stripped, ilvl = _strip_enumerator(first.text)
        if index == 0:
            paragraph = document.add_paragraph(_line_text(line), style="Title")
            units.extend(line)
            continue
        if first.kind == "heading":
            if len(line) > 1:
                raise SystemExit(f"{source.name}: docx_styles needs headings on lines of their own")
            level = heading_level(first.text)
            paragraph = document.add_paragraph(stripped, style=f"Heading {min(level, 3)}")
            if ilvl is not None:
                _number(paragraph, ilvl)  # automatic numbering from numPr
            units.append(replace(first, text=stripped))
            continue
        if ilvl in (2, 3):
            # A numbered or circled point: the number comes from the list style's numbering.
            style = "List Number" if ilvl == 2 else "List Number 2"
            document.add_paragraph(stripped + _line_text(line[1:]), style=style)
            units.extend([replace(first, text=stripped), *line[1:]])
            continue
        document.add_paragraph(_line_text(line))
        units.extend(line)
    return _docx_bytes(document), units


def _points(units: list[Unit]) -> dict[str, list[Unit]]:
    points: dict[str, list[Unit]] = {}
    for u in units:
        if u.point:
            points.setdefault(u.point, []).append(u)
    return points


def _docx_table(source: Source) -> tuple[bytes, list[Unit]]:
    """The problem part as a table, one problem point a row: 问题 | 整改措施 | 完成时限.

    Before the table: the title, introduction and first part heading; after
    it: the closing paragraphs. The measure cell of a row is the measure point
    of the same dimension (on the first row of that dimension). Cause parts
    are left out. When the problem part has section headings, a first column
    方面 holds the section's name.
    """
    lines = source.lines
    parts = [i for i, line in enumerate(lines) if line[0].kind == "heading" and heading_level(line[0].text) == 1]
    if len(parts) < 2:
        raise SystemExit(f"{source.name}: docx_table needs a problem part and a measure part")
    measure_part = next(i for i in parts if re.search("整改|措施|方向", lines[i][0].text))
    closing_from = len(lines)
    while closing_from > 0 and _is_closing(lines[closing_from - 1]):
        closing_from -= 1
    problem_units = [u for line in lines[parts[0] + 1 : parts[1]] for u in line]
    measure_units = [u for line in lines[measure_part + 1 : closing_from] for u in line]
    measures: dict[str, str] = {}
    for pts in _points(measure_units).values():
        measures.setdefault(pts[0].dimension or "", "".join(u.text for u in pts))
    aspect_of: dict[str, str] = {}
    aspect = ""
    for u in problem_units:
        if u.kind == "heading":
            aspect = _strip_enumerator(u.text)[0]
        elif u.point:
            aspect_of.setdefault(u.point, aspect)
    with_aspect = any(aspect_of.values())
    header = (["方面"] if with_aspect else []) + ["问题", "整改措施", "完成时限"]

    document = _new_document()
    units: list[Unit] = []
    for index, line in enumerate(lines[: parts[0] + 1]):
        document.add_paragraph(_line_text(line), style="Title" if index == 0 else None)
        units.extend(line)
    rows = list(_points(problem_units).items())
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        units.append(Unit(text, "heading", None, None))
    for r, (point, pts) in enumerate(rows, start=1):
        dim = pts[0].dimension
        problem = "".join(u.text for u in pts)
        measure = measures.pop(dim or "", "")
        cells = ([aspect_of[point]] if with_aspect else []) + [problem, measure, _DEADLINES[r % len(_DEADLINES)]]
        for cell, text in zip(table.rows[r].cells, cells, strict=True):
            cell.text = text
        # The row is one item: cells joined by a tab (the scorer aligns on content, not separators).
        units.append(
            Unit("\t".join(c for c in cells if c), "item", dim, point, pts[0].heading_dimension)
        )
    for line in lines[closing_from:]:
        document.add_paragraph(_line_text(line))
        units.extend(line)
    return _docx_bytes(document), units


# --- driver --------------------------------------------------------------


def build_document(source: Source, variant: str) -> tuple[bytes, list[Unit]]:
    """Return the bytes of one variant of a source and its gold units."""
    if variant == "docx_styles":
        return _docx_styles(source)
    if variant == "docx_table":
        return _docx_table(source)
    return _text_variant(source, variant)


def load_sources(directory: Path = SOURCES) -> list[Source]:
    paths = sorted(directory.glob("*.txt"))
    names = {p.stem for p in paths}
    if names != set(VARIANTS):
        raise SystemExit(f"sources and VARIANTS disagree: {sorted(names ^ set(VARIANTS))}")
    return [parse_source(p) for p in paths]


def build(out: Path = DOCS) -> list[dict[str, object]]:
    """Write every document, its gold file and ``index.json`` into ``out``; return the index."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in [*out.glob("*.txt"), *out.glob("*.docx"), *out.glob("*.gold.jsonl"), *out.glob("index.json")]:
        stale.unlink()
    index: list[dict[str, object]] = []
    for source in load_sources():
        for variant in VARIANTS[source.name]:
            stem = f"{source.name}__{variant}"
            filename = stem + _EXTENSION.get(variant, ".txt")
            data, units = build_document(source, variant)
            (out / filename).write_bytes(data)
            gold = "".join(json.dumps(u.gold(source.style), ensure_ascii=False) + "\n" for u in units)
            (out / f"{stem}.gold.jsonl").write_text(gold, encoding="utf-8", newline="\n")
            index.append(
                {
                    "document": filename,
                    "gold": f"{stem}.gold.jsonl",
                    "source": source.name,
                    "variant": variant,
                    "style": source.style,
                    "covers": sorted(set(SOURCE_COVERS[source.name]) | set(VARIANT_COVERS[variant])),
                }
            )
    (out / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS, help="output directory (default: docs/ beside this script)")
    args = parser.parse_args(argv)
    index = build(args.out)
    print(f"{len(index)} documents written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

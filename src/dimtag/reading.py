"""Reading documents from paths, bytes and file objects into text.

Plain text is decoded as UTF-8 (with or without BOM), UTF-16 or UTF-32
with BOM, or GB18030 (a superset of GBK and GB2312), and never garbled
silently: bytes that are none of these (Big5, Shift-JIS, EUC-KR, Latin-1,
UTF-16 without BOM), or that look binary, raise :class:`DocumentError`
naming the likely encoding. ``.docx`` files are read with python-docx, an
optional extra, after their declared sizes are checked (no zip bombs), as a
document: paragraphs and tables in their order, with an outline of what
Word knows and the text does not show (heading styles, automatic numbering,
table rows and header rows), for :func:`dimtag.segment`.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, Any, NamedTuple, Union

from .errors import DocumentError
from .lexicon import CELL_ROLES, column_role, is_header_label
from .outline import OutlineMark
from .vocabulary import (
    CJK_RANGES,
    CJK_SYMBOL_RANGES,
    FULLWIDTH_FORM_RANGES,
    HANGUL_RANGES,
    HIRAGANA_RANGES,
    PRIVATE_USE_RANGES,
)

__all__ = [
    "Source",
    "load_source",
    "load_file",
    "DocumentError",
    "decode_bytes",
    "read_document",
    "read_source",
    "DocumentSource",
    "MAX_DOCUMENT_BYTES",
    "MAX_DOCUMENT_CHARS",
    "MAX_DOCX_XML_BYTES",
    "MAX_DOCX_UNZIPPED_BYTES",
    "MAX_DOCX_GRID_SPAN",
    "MAX_DOCX_TABLE_ROWS",
]

#: What :func:`dimtag.tag_document` reads: text, bytes, or a binary or text file object.
DocumentSource = Union[str, bytes, bytearray, memoryview, IO[bytes], IO[str]]


@dataclass(frozen=True)
class Source:
    """A document as read: its name, its text, and the outline its file format gave.

    Attributes
    ----------
    name : str
        The path, or ``<text>``/``<bytes>``/``<stream>``.
    text : str
        The raw text, one paragraph (or table row) a line.
    outline : tuple of OutlineMark
        Marks on lines of ``text`` (offsets into it): Word heading styles,
        numbering and table rows. Empty for plain text.
    paragraphs : bool
        Whether each line is a paragraph as its writer made it (a .docx):
        then no line is joined to the next by cleaning.
    """

    name: str
    text: str
    outline: tuple[OutlineMark, ...] = ()
    paragraphs: bool = False

#: Larger inputs are refused: the longest real materials are a few hundred KB,
#: and a file this size is a mistake (a log, an archive) that would hold
#: memory for nothing.
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
_CONTROL_OK = {"\n", "\r", "\t", "\f", "\v"}
# Past this share of control characters, decoded "text" is really binary.
_MAX_CONTROL_SHARE = 0.01


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for ch in text if (ch < " " and ch not in _CONTROL_OK) or ch == "\x7f")
    return controls / len(text) > _MAX_CONTROL_SHARE


# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"),
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)
# Plausibility is judged on the start of a document: one file is one encoding.
_SAMPLE_CHARS = 100_000
# Chinese of this register is mostly made of its most frequent characters
# (about 90% of a held-out document, 58% of everyday prose); text in another
# encoding that GB18030 happens to decode is not (Korean 16%, Big5 9%,
# Japanese 0%: benchmarks/ENCODINGS.md). Fewer ideographs than the minimum
# are too few to judge, and are accepted.
_MIN_COMMON_SHARE = 0.35
_MIN_IDEOGRAPHS_TO_JUDGE = 10
_IDEOGRAPH = re.compile(f"[{CJK_RANGES}{PRIVATE_USE_RANGES}]")  # private use counts as a garbled ideograph
_GLUED = re.compile(f"(?<=[a-z])[{CJK_RANGES}{PRIVATE_USE_RANGES}](?=[a-z])")
_HIRAGANA = re.compile(f"[{HIRAGANA_RANGES}]")
_HANGUL = re.compile(f"[{HANGUL_RANGES}]")
_TEXTLIKE = re.compile(f"[\t\n\r\x20-\x7e{CJK_SYMBOL_RANGES}{FULLWIDTH_FORM_RANGES}{CJK_RANGES}]")


@lru_cache(maxsize=1)
def _common_ideographs() -> frozenset[str]:
    text = resources.files("dimtag").joinpath("resources", "common_hanzi.txt").read_text(encoding="utf-8")
    return frozenset("".join(line for line in text.splitlines() if not line.startswith("#")).replace(" ", ""))


def _common_share(text: str) -> tuple[int, float]:
    """Number of ideographs in the sample, and the share of them that are common in this register."""
    ideographs = _IDEOGRAPH.findall(text[:_SAMPLE_CHARS])
    if not ideographs:
        return 0, 0.0
    common = _common_ideographs()
    return len(ideographs), sum(ch in common for ch in ideographs) / len(ideographs)


def _plausible_chinese(text: str) -> bool:
    count, share = _common_share(text)
    # A Latin-1 letter read as GB18030 swallows the next byte: an ideograph
    # glued between lower-case Latin letters ("n黷zlich"), which Chinese text
    # never has (masks are upper case: "X月X日").
    if count and len(_GLUED.findall(text[:_SAMPLE_CHARS])) >= max(2, count / 2):
        return False
    return count < _MIN_IDEOGRAPHS_TO_JUDGE or share >= _MIN_COMMON_SHARE


def _share(pattern: re.Pattern[str], text: str) -> float:
    sample = text[:_SAMPLE_CHARS]
    non_ascii = sum(1 for ch in sample if ch > "\x7f")
    return len(pattern.findall(sample)) / non_ascii if non_ascii else 0.0


def _wide_unicode(data: bytes) -> str | None:
    """Name UTF-32 or UTF-16 text written without a byte-order mark, if it is that."""
    head = data[: 4 * _SAMPLE_CHARS]
    if len(head) >= 8 and len(head) % 4 == 0:
        for codec, high, next_high in (("utf-32-le", head[3::4], head[2::4]), ("utf-32-be", head[0::4], head[1::4])):
            if high.count(0) == len(high) and next_high.count(0) >= 0.9 * len(next_high) and _decodes(head, codec):
                return "UTF-32"
    if len(data) >= 8 and len(data) % 2 == 0:
        for codec in ("utf-16-le", "utf-16-be"):
            try:
                text = head.decode(codec)
            except UnicodeDecodeError:
                continue
            textlike = len(_TEXTLIKE.findall(text)) >= 0.95 * len(text)
            count, share = _common_share(text)
            ascii_ = sum(1 for ch in text if " " <= ch <= "~" or ch in "\t\n\r")
            if textlike and ((count >= _MIN_IDEOGRAPHS_TO_JUDGE and share >= _MIN_COMMON_SHARE) or ascii_ >= 0.5 * len(text)):
                return "UTF-16"
    return None


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _likely_encoding(data: bytes) -> str | None:
    """Name the encoding that bytes which are not Chinese in GB18030 are most likely in."""
    head = data[: 2 * _SAMPLE_CHARS]
    if len(head) < len(data):  # do not judge by a character cut in two
        head = head[: head.rfind(b"\n") + 1] or head

    def decoded(codec: str) -> str | None:
        try:
            return head.decode(codec)
        except UnicodeDecodeError:
            return None

    # Order matters: Big5 bytes also decode as Korean (UHC), so Big5 is tried first.
    japanese = decoded("cp932")
    if japanese is not None and _share(_HIRAGANA, japanese) >= 0.1:
        return "Shift-JIS (Japanese)"
    big5 = decoded("cp950")
    if big5 is not None:
        count, share = _common_share(big5)
        if count >= _MIN_IDEOGRAPHS_TO_JUDGE and share >= _MIN_COMMON_SHARE:
            return "Big5 (traditional Chinese)"
    korean = decoded("cp949")
    if korean is not None and _share(_HANGUL, korean) >= 0.5:
        return "EUC-KR (Korean)"
    if sum(1 for b in head if b < 0x80) >= 0.7 * len(head):
        latin = decoded("cp1252") or head.decode("latin-1")
        letters = [ch for ch in latin if ch > "\x7f"]
        if letters and sum(ch.isalpha() for ch in letters) >= 0.5 * len(letters):
            return "Latin-1 or Windows-1252"
    return None


_ADVICE = {
    "Big5 (traditional Chinese)": "the model reads simplified Chinese: convert it to simplified and save it as UTF-8",
}


def decode_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Decode the bytes of a text document.

    UTF-8 (with or without BOM), UTF-16 and UTF-32 with a BOM, and GB18030
    (a superset of GBK and GB2312) are read. Bytes that GB18030 decodes but
    that do not read as Chinese (Big5, Shift-JIS, EUC-KR, Latin-1), UTF-16
    or UTF-32 without a BOM, and binary data are refused, naming the likely
    encoding, rather than tagged as nonsense.

    Raises
    ------
    DocumentError
        Not text in a supported encoding; the message names ``name``.

    Examples
    --------
    >>> decode_bytes("理论学习".encode("gb18030"))
    '理论学习'
    >>> decode_bytes(b"\\xef\\xbb\\xbf" + "政治素质".encode())
    '政治素质'
    """
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return _text(data.decode(codec), name)
            except UnicodeDecodeError:
                raise DocumentError(f"{name}: starts with a {label} byte-order mark but is not valid {label}") from None
    try:
        text: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text:
        return _text(text, name)
    # UTF-16 and UTF-32 are never valid UTF-8 unless mostly ASCII, whose NULs bring us here.
    wide = _wide_unicode(data)
    if wide:
        raise DocumentError(f"{name}: looks like {wide} text without a byte-order mark; save it as UTF-8")
    if b"\x00" in data:
        raise DocumentError(f"{name}: binary data (NUL bytes), not a text document")
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible_chinese(text):
        return _text(text, name)
    likely = _likely_encoding(data)
    if likely:
        advice = _ADVICE.get(likely, "dimtag reads Chinese in UTF-8 or GB18030: save it as UTF-8")
        raise DocumentError(f"{name}: looks like {likely} text; {advice}")
    if text is None:
        raise DocumentError(f"{name}: cannot decode as UTF-8 or GB18030; save it as UTF-8 text")
    raise DocumentError(
        f"{name}: decodes as GB18030 but does not read as Chinese (too few common characters); "
        "check its encoding and save it as UTF-8"
    )


def _text(text: str, name: str) -> str:
    if _looks_binary(text):
        raise DocumentError(f"{name}: binary data (control characters), not a text document")
    return text


#: A .docx whose XML parts would unzip to more than this is refused before parsing: a long
#: material's XML is a few MB, and python-docx holds about 11 bytes of memory per byte of XML.
MAX_DOCX_XML_BYTES = 16 * 1024 * 1024
#: A .docx whose parts (images included) would unzip to more than this is refused before parsing.
MAX_DOCX_UNZIPPED_BYTES = 2 * MAX_DOCUMENT_BYTES
# Document XML compresses about 10:1; a part over 1 MB that claims more than
# 100:1 is a zip bomb. Small parts may compress further without harm.
_MAX_DOCX_RATIO = 100
_RATIO_FROM_BYTES = 1024 * 1024
_MAX_DOCX_PARTS = 10_000


def _check_docx_archive(data: bytes, name: str) -> None:
    """Refuse a .docx that would unzip to too much, from its directory alone, before any part is inflated.

    The sizes checked are the ones the archive declares; zipfile never
    inflates a part past its declared size (it fails the CRC check instead),
    so a part cannot lie its way past these limits.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise DocumentError(f"{name}: not a valid .docx file ({type(exc).__name__})") from None
    if len(parts) > _MAX_DOCX_PARTS:
        raise DocumentError(f"{name}: {len(parts):,} parts in the .docx archive (the limit is {_MAX_DOCX_PARTS:,})")
    for part in parts:
        if part.file_size > _RATIO_FROM_BYTES and part.file_size > _MAX_DOCX_RATIO * max(part.compress_size, 1):
            raise DocumentError(
                f"{name}: {part.filename} would unzip {part.compress_size:,} bytes to {part.file_size:,} "
                f"(more than {_MAX_DOCX_RATIO}:1): not a real document (a zip bomb?)"
            )
    xml = sum(p.file_size for p in parts if p.filename.endswith((".xml", ".rels")))
    if xml > MAX_DOCX_XML_BYTES:
        raise DocumentError(f"{name}: too large (its XML unzips to {xml:,} bytes; the limit is {MAX_DOCX_XML_BYTES:,})")
    total = sum(p.file_size for p in parts)
    if total > MAX_DOCX_UNZIPPED_BYTES:
        raise DocumentError(f"{name}: too large (unzips to {total:,} bytes; the limit is {MAX_DOCX_UNZIPPED_BYTES:,})")


_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_LIST_STYLE = re.compile(r"^list (?:number|bullet|paragraph)(?:\s*(\d))?$|^列表", re.IGNORECASE)
_CATEGORY_ROW_MAX = 30
#: Word allows 63 columns; a cell claiming to span more is capped here (a span of
#: 2,147,483,647 once made python-docx build a list of that many cells).
MAX_DOCX_GRID_SPAN = 63
#: Tables with more rows are refused: a 问题清单 has tens of rows, and each row
#: costs the tagger a model pass; 20,000 rows take about two seconds to read.
MAX_DOCX_TABLE_ROWS = 20_000
#: Word numbering has nine levels (0-8).
_MAX_LIST_LEVEL = 8
_CELL_SEPARATOR = "；"


def _read_docx(data: bytes, name: str) -> Source:
    """Read a .docx: paragraphs and tables in document order, with their outline.

    All .docx parsing happens here, after the checks of the raw bytes.
    Tables are read from their XML directly, never through python-docx's
    cell grid: spans are capped, nested tables are read into their cell, and
    rows cost what their text costs.
    """
    _check_docx_archive(data, name)
    try:
        import docx  # python-docx
        from docx.table import Table
        from lxml import etree
    except ImportError:
        raise DocumentError(f"{name}: reading .docx needs python-docx: pip install 'dimtag[docx]'") from None
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(document.iter_inner_content())
    except Exception as exc:  # python-docx raises zipfile and KeyError variants; lxml says what is wrong with the XML
        detail = f": {str(exc)[:80]}" if isinstance(exc, etree.XMLSyntaxError) else ""
        raise DocumentError(f"{name}: not a valid .docx file ({type(exc).__name__}{detail})") from None
    # An entity Word never writes would hide the text after it in its run.
    entity = next(document.element.iter(etree.Entity), None)
    if entity is not None:
        raise DocumentError(
            f"{name}: word/document.xml holds an unresolved XML entity ({entity.text}); Word never writes one: "
            "open the file in Word and save it again"
        )
    lines: list[str] = []
    outline: list[OutlineMark] = []
    at = 0

    def add(line: str, kind: Any = None, level: int = 0, role: Any = None) -> None:
        nonlocal at
        line = line.replace("\n", " ").replace("\r", " ").replace("\v", " ")
        if kind is not None and line.strip():
            outline.append(OutlineMark(at, kind, level, role))
        lines.append(line)
        at += len(line) + 1

    rows = 0
    for block in blocks:
        if isinstance(block, Table):
            table, count = _table_lines(block._tbl, name, MAX_DOCX_TABLE_ROWS - rows)
            rows += count
            for kind, line, level, role in table:
                add(line, kind, level, role)
        else:
            kind, level = _paragraph_kind(block)
            add(block.text, kind, level)
    return Source(name, "\n".join(lines), tuple(outline), paragraphs=True)


def _style_chain(paragraph: Any) -> list[Any]:
    chain: list[Any] = []
    style = paragraph.style
    while style is not None and len(chain) < 10:
        chain.append(style)
        style = style.base_style
    return chain


def _int_val(element: Any, default: int) -> int:
    """The ``w:val`` of an element as an int; ``default`` when missing or not a number (``w:val="abc"``)."""
    from docx.oxml.ns import qn

    if element is None:
        return default
    value = element.get(qn("w:val"), "")
    return int(value) if value.isascii() and value.isdigit() else default


def _paragraph_kind(paragraph: Any) -> tuple[Any, int]:
    """``(kind, level)`` of a paragraph for the outline: heading, title, list, or (None, 0)."""
    from docx.oxml.ns import qn

    chain = _style_chain(paragraph)
    for style in chain:
        match = _HEADING_STYLE.match(style.name or "")
        if match:
            return "heading", int(match.group(1))
        if (style.name or "").lower() in ("title", "标题"):
            return "title", 0
    ppr = paragraph._p.pPr
    outline_level = _int_val(ppr.find(qn("w:outlineLvl")) if ppr is not None else None, 9)
    if outline_level < 9:
        return "heading", outline_level + 1
    # Word's "List Number 2" is a second-level list, whatever its own numbering says.
    named_level, match = 0, None
    for style in chain:
        match = _LIST_STYLE.match(style.name or "")
        if match:
            named_level = int(match.group(1)) - 1 if match.group(1) else 0
            break
    num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
    if num_pr is None:
        for style in chain:
            style_ppr = style.element.find(qn("w:pPr"))
            if style_ppr is not None and style_ppr.find(qn("w:numPr")) is not None:
                num_pr = style_ppr.find(qn("w:numPr"))
                break
    if num_pr is not None:
        level = min(_int_val(num_pr.find(qn("w:ilvl")), 0), _MAX_LIST_LEVEL)
        return "list", max(level, named_level)
    if match:
        return "list", named_level
    return None, 0


def _cell_text(tc: Any) -> str:
    """The text of a table cell, nested tables included, its paragraphs joined by a space.

    One pass over the cell's elements in document order: each piece of text
    is read once, however deep it sits.
    """
    from docx.oxml.ns import qn

    p, t, tab, br, cr = qn("w:p"), qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
    parts: list[str] = []
    for element in tc.iter(p, t, tab, br, cr):
        if element.tag == t:
            parts.append(element.text or "")
        elif element.tag == p:
            if parts and parts[-1] != " ":
                parts.append(" ")
        else:
            parts.append(" ")
    return " ".join("".join(parts).split())


class _Cell(NamedTuple):
    column: int  # the first grid column it covers
    span: int
    text: str


def _row_cells(tr: Any) -> tuple[list[_Cell], int]:
    """The cells of a row with text, by grid column, and the number of cells; a cell merged into the one
    above it (``w:vMerge`` continue) is that cell, already read."""
    from docx.oxml.ns import qn

    cells: list[_Cell] = []
    column = _int_val(tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}"), 0)
    count = 0
    for tc in tr.iterchildren(qn("w:tc")):
        count += 1
        tc_pr = tc.find(qn("w:tcPr"))
        span = _int_val(tc_pr.find(qn("w:gridSpan")) if tc_pr is not None else None, 1)
        span = min(max(span, 1), MAX_DOCX_GRID_SPAN)
        merge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
        if merge is None or merge.get(qn("w:val")) == "restart":
            text = _cell_text(tc)
            if text:
                cells.append(_Cell(column, span, text))
        column += span
    return cells, count


def _table_lines(tbl: Any, name: str, rows_left: int) -> tuple[list[tuple[str, str, int, Any]], int]:
    """The lines of a table, ``(kind, text, level, role)``, and its number of rows.

    A header row (the first row when all its cells are short labels, or any
    row marked as a repeating header) and a row of one merged cell (a
    category such as 一、政治素质方面) are headings. When a header names the
    columns' roles (问题 | 原因 | 整改措施 | 完成时限, see
    :func:`dimtag.lexicon.column_role`), the table is read by column: each
    problem, cause or measure cell is an item of its own (kind ``cell``,
    its role in ``role``, its row number in ``level``, so the cells of one
    row stay linked), a cell of a 方面 column heads the rows under it, and
    deadlines, owners and numbers stay with the cell before them. Other
    tables give one item per row, its cells joined with "；".
    """
    from docx.oxml.ns import qn

    out: list[tuple[str, str, int, Any]] = []
    roles: dict[int, str] = {}
    trs = tbl.findall(qn("w:tr"))
    if len(trs) > rows_left:
        raise DocumentError(f"{name}: a table of {len(trs):,} rows (the limit is {MAX_DOCX_TABLE_ROWS:,} rows in a document)")
    for r, tr in enumerate(trs):
        cells, count = _row_cells(tr)
        if not cells:
            continue
        texts = [c.text for c in cells]
        marked = tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        labels = all(is_header_label(t) for t in texts)
        if marked or (r == 0 and labels and len(cells) > 1):
            out.append(("header", _CELL_SEPARATOR.join(texts), 0, None))
            found = {c.column + k: column_role(c.text) for c in cells for k in range(c.span)}
            if not roles and any(role in CELL_ROLES for role in found.values()):
                roles = found
            continue
        if count == 1 and cells[0].span > 1 and len(texts[0]) <= _CATEGORY_ROW_MAX:  # one cell across the table
            out.append(("aspect", texts[0], 0, None))
            continue
        if roles:
            _cells_by_role(cells, roles, r, out)
        else:
            out.append(("row", _CELL_SEPARATOR.join(texts), 0, None))
    return out, len(trs)


def _cells_by_role(cells: list[_Cell], roles: dict[int, str], row: int, out: list[tuple[str, str, int, Any]]) -> None:
    """One table row read by column (see :func:`_table_lines`)."""
    groups: list[tuple[Any, list[str]]] = []
    pending: list[str] = []  # a number or date before the first content cell
    for cell in cells:
        role = roles.get(cell.column, "meta")
        if role == "aspect":  # every one is read: each character of the table ends up somewhere
            out.append(("aspect", cell.text, 0, None))
        elif role in CELL_ROLES:
            groups.append((role, [*pending, cell.text]))
            pending = []
        elif groups:
            groups[-1][1].append(cell.text)
        else:
            pending.append(cell.text)
    if not groups:
        if pending:
            out.append(("row", _CELL_SEPARATOR.join(pending), 0, None))
        return
    for role, texts in groups:
        out.append(("cell", _CELL_SEPARATOR.join(texts), row + 1, role))


def _decode(data: bytes, name: str, suffix: str) -> Source:
    if suffix == ".doc" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError(f"{name}: Word 97-2003 .doc is not supported; save it as .docx or .txt")
    if suffix == ".docx" or (data.startswith(b"PK\x03\x04") and b"word/" in data[:4096]):
        return _read_docx(data, name)
    return Source(name, decode_bytes(data, name))


def _too_large(name: str, size: int, limit: int, unit: str = "bytes") -> DocumentError:
    return DocumentError(f"{name}: too large ({size:,} {unit}; the limit is {limit:,} {unit})")


#: Longest text (in characters) a str or text stream may hold, matching the byte limit of files.
MAX_DOCUMENT_CHARS = MAX_DOCUMENT_BYTES


def read_document(path: str | os.PathLike[str], *, max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
    """Read and decode a document file (``.txt`` in any supported encoding, or ``.docx``).

    Raises
    ------
    DocumentError
        Missing, a directory, not a regular file, unreadable, undecodable,
        binary, or larger than ``max_bytes``; the message names the path.
    """
    return load_file(path, max_bytes=max_bytes).text


def load_file(path: str | os.PathLike[str], *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Source:
    """Read a document file with its outline (see :func:`read_document`).

    Raises
    ------
    DocumentError
        Missing, a directory, not a regular file, unreadable, undecodable,
        binary, or larger than ``max_bytes``; the message names the path.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"read_document() takes a path, got {type(path).__name__}")
    path = Path(path)
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise DocumentError(f"{path}: is a directory")
        if not stat.S_ISREG(st.st_mode):
            raise DocumentError(f"{path}: not a regular file (a FIFO, socket or device), skipped")
        if st.st_size > max_bytes:
            raise _too_large(str(path), st.st_size, max_bytes)
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file") from None
    except PermissionError:
        raise DocumentError(f"{path}: permission denied") from None
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:  # it grew after stat()
        raise _too_large(str(path), len(data), max_bytes)
    return _decode(data, str(path), path.suffix.lower())


def read_source(source: DocumentSource, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> tuple[str, str]:
    """Return ``(name, text)`` for text, bytes, or a binary or text file object.

    A ``str`` is always the document's text, never a path: use
    :func:`read_document` (or :func:`dimtag.tag_file`) for files.

    Raises
    ------
    DocumentError
        Bytes that cannot be decoded, or input over the size limit.
    TypeError
        A path object, or anything else that is not a document.
    """
    loaded = load_source(source, max_bytes=max_bytes)
    return loaded.name, loaded.text


def load_source(source: DocumentSource, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Source:
    """Read text, bytes, or a binary or text file object, with its outline (see :func:`read_source`)."""
    if isinstance(source, str):
        if len(source) > MAX_DOCUMENT_CHARS:
            raise _too_large("<text>", len(source), MAX_DOCUMENT_CHARS, "characters")
        return Source("<text>", source)
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw = bytes(source)
        if len(raw) > max_bytes:
            raise _too_large("<bytes>", len(raw), max_bytes)
        return _decode(raw, "<bytes>", "")
    if isinstance(source, os.PathLike):
        raise TypeError("tag_document() takes text, bytes or a file object; for a path use dimtag.tag_file(path)")
    if hasattr(source, "read"):
        name = str(getattr(source, "name", "<stream>"))
        data: bytes | str = source.read(max_bytes + 1)
        if isinstance(data, str):
            if len(data) > MAX_DOCUMENT_CHARS:
                raise _too_large(name, len(data), MAX_DOCUMENT_CHARS, "characters")
            return Source(name, data)
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError(f"{name}: file object returned {type(data).__name__}, expected bytes or str")
        if len(data) > max_bytes:
            raise _too_large(name, len(data), max_bytes)
        return _decode(bytes(data), name, Path(name).suffix.lower())
    raise TypeError(f"expected text, bytes or a file object, got {type(source).__name__}")

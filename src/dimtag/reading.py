"""Reading documents from paths, bytes and file objects into text.

Plain text is decoded as UTF-8 (with or without BOM), UTF-16 with BOM, or
GB18030 (a superset of GBK and GB2312), and never garbled silently: bytes
that are none of these, or that look binary, raise :class:`DocumentError`.
``.docx`` files are read with python-docx, an optional extra, as a
document: paragraphs and tables in their order, with an outline of what
Word knows and the text does not show (heading styles, automatic numbering,
table rows and header rows), for :func:`dimtag.segment`.
"""

from __future__ import annotations

import io
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Union

from .errors import DocumentError
from .segmentation import OutlineMark

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
]

#: What :func:`dimtag.tag_document` reads: text, bytes, or a binary or text file object.
DocumentSource = Union[str, bytes, bytearray, memoryview, IO[bytes], IO[str]]

#: Larger inputs are refused: the longest real materials are a few hundred KB,
#: and a file this size is a mistake (a log, an archive) that would hold
#: memory for nothing.
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
_CONTROL_OK = {"\n", "\r", "\t", "\f", "\v"}
# Past this share of control characters, decoded "text" is really binary.
_MAX_CONTROL_SHARE = 0.01


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
    """

    name: str
    text: str
    outline: tuple[OutlineMark, ...] = ()


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for ch in text if (ch < " " and ch not in _CONTROL_OK) or ch == "\x7f")
    return controls / len(text) > _MAX_CONTROL_SHARE


def decode_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Decode the bytes of a text document.

    Examples
    --------
    >>> decode_bytes("理论学习".encode("gb18030"))
    '理论学习'
    >>> decode_bytes(b"\\xef\\xbb\\xbf" + "政治素质".encode())
    '政治素质'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    elif b"\x00" in data:
        raise DocumentError(f"{name}: binary data (NUL bytes), not a text document")
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise DocumentError(f"{name}: binary data (control characters), not a text document")
        return text
    raise DocumentError(f"{name}: cannot decode as UTF-8 or GB18030; save it as UTF-8 text")


_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_LIST_STYLE = re.compile(r"^list (?:number|bullet|paragraph)(?:\s*(\d))?$|^列表", re.IGNORECASE)
_HEADER_CELL_MAX = 12
_HEADER_PUNCT = re.compile(r"[。；！？，,;!?]")
_CATEGORY_ROW_MAX = 30


def _read_docx(data: bytes, name: str) -> Source:
    """Read a .docx: paragraphs and tables in document order, with their outline.

    All .docx parsing happens here, after the checks of the raw bytes.
    """
    try:
        import docx  # python-docx
        from docx.table import Table
    except ImportError:
        raise DocumentError(f"{name}: reading .docx needs python-docx: pip install 'dimtag[docx]'") from None
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(document.iter_inner_content())
    except Exception as exc:  # python-docx raises zipfile and KeyError variants
        raise DocumentError(f"{name}: not a valid .docx file ({type(exc).__name__})") from None
    lines: list[str] = []
    outline: list[OutlineMark] = []
    at = 0

    def add(line: str, kind: Any = None, level: int = 0) -> None:
        nonlocal at
        line = line.replace("\n", " ").replace("\r", " ").replace("\v", " ")
        if kind is not None and line.strip():
            outline.append(OutlineMark(at, kind, level))
        lines.append(line)
        at += len(line) + 1

    for block in blocks:
        if isinstance(block, Table):
            for kind, line in _table_rows(block):
                add(line, kind)
        else:
            kind, level = _paragraph_kind(block)
            add(block.text, kind, level)
    return Source(name, "\n".join(lines), tuple(outline))


def _style_chain(paragraph: Any) -> list[Any]:
    chain: list[Any] = []
    style = paragraph.style
    while style is not None and len(chain) < 10:
        chain.append(style)
        style = style.base_style
    return chain


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
    outline_level = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
    if outline_level is not None and outline_level.get(qn("w:val"), "9").isdigit():
        value = int(outline_level.get(qn("w:val")))
        if value < 9:
            return "heading", value + 1
    # Word's "List Number 2" is a second-level list, whatever its own numbering says.
    named_level, match = 0, None
    for style in chain:
        match = _LIST_STYLE.match(style.name or "")
        if match:
            named_level = int(match.group(1)) - 1 if match.group(1) else 0
            break
    num_pr = ppr.numPr if ppr is not None else None
    if num_pr is None:
        for style in chain:
            style_ppr = style.element.pPr
            if style_ppr is not None and style_ppr.numPr is not None:
                num_pr = style_ppr.numPr
                break
    if num_pr is not None:
        ilvl = num_pr.ilvl
        level = int(ilvl.val) if ilvl is not None and ilvl.val is not None else 0
        return "list", max(level, named_level)
    if match:
        return "list", named_level
    return None, 0


def _table_rows(table: Any) -> list[tuple[str, str]]:
    """One ``(kind, text)`` per table row: cells joined with "；", merged cells once.

    A header row (the first row when all its cells are short labels, or any
    row marked as a repeating header) and a row of one merged cell (a
    category such as 一、政治素质方面) are headings; other rows are items.
    """
    from docx.oxml.ns import qn

    rows = []
    for r, row in enumerate(table.rows):
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            text = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
            if text:
                cells.append(text)
        if not cells:
            continue
        tr_pr = row._tr.trPr
        marked = tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None
        labels = all(len(c) <= _HEADER_CELL_MAX and not _HEADER_PUNCT.search(c) for c in cells)
        if marked or (r == 0 and labels and len(cells) > 1):
            kind = "header"
        elif len(seen) == 1 and len(row.cells) > 1 and len(cells[0]) <= _CATEGORY_ROW_MAX:
            kind = "header"
        else:
            kind = "row"
        rows.append((kind, "；".join(cells)))
    return rows


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
    source_read = load_source(source, max_bytes=max_bytes)
    return source_read.name, source_read.text


def load_source(source: DocumentSource, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Source:
    """Read text, bytes, or a binary or text file object, with its outline (see :func:`read_source`).

    A ``str`` is always the document's text, never a path: use
    :func:`read_document` (or :func:`dimtag.tag_file`) for files.

    Raises
    ------
    DocumentError
        Bytes that cannot be decoded, or input over the size limit.
    TypeError
        A path object, or anything else that is not a document.
    """
    if isinstance(source, str):
        if len(source) > MAX_DOCUMENT_CHARS:
            raise _too_large("<text>", len(source), MAX_DOCUMENT_CHARS, "characters")
        return Source("<text>", source)
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if len(data) > max_bytes:
            raise _too_large("<bytes>", len(data), max_bytes)
        return _decode(data, "<bytes>", "")
    if isinstance(source, os.PathLike):
        raise TypeError("tag_document() takes text, bytes or a file object; for a path use dimtag.tag_file(path)")
    if hasattr(source, "read"):
        name = str(getattr(source, "name", "<stream>"))
        data = source.read(max_bytes + 1)
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

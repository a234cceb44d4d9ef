"""Reading documents from paths, bytes and file objects into text.

Plain text is decoded as UTF-8 (with or without BOM), UTF-16 with BOM, or
GB18030 (a superset of GBK and GB2312), and never garbled silently: bytes
that are none of these, or that look binary, raise :class:`DocumentError`.
``.docx`` files are read with python-docx, an optional extra.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from typing import IO, Union

from .errors import DocumentError

__all__ = [
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


def _read_docx(data: bytes, name: str) -> str:
    try:
        import docx  # python-docx
    except ImportError:
        raise DocumentError(f"{name}: reading .docx needs python-docx: pip install 'dimtag[docx]'") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises zipfile and KeyError variants
        raise DocumentError(f"{name}: not a valid .docx file ({type(exc).__name__})") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def _decode(data: bytes, name: str, suffix: str) -> str:
    if suffix == ".doc" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError(f"{name}: Word 97-2003 .doc is not supported; save it as .docx or .txt")
    if suffix == ".docx" or (data.startswith(b"PK\x03\x04") and b"word/" in data[:4096]):
        return _read_docx(data, name)
    return decode_bytes(data, name)


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
    if isinstance(source, str):
        if len(source) > MAX_DOCUMENT_CHARS:
            raise _too_large("<text>", len(source), MAX_DOCUMENT_CHARS, "characters")
        return "<text>", source
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw = bytes(source)
        if len(raw) > max_bytes:
            raise _too_large("<bytes>", len(raw), max_bytes)
        return "<bytes>", _decode(raw, "<bytes>", "")
    if isinstance(source, os.PathLike):
        raise TypeError("tag_document() takes text, bytes or a file object; for a path use dimtag.tag_file(path)")
    if hasattr(source, "read"):
        name = str(getattr(source, "name", "<stream>"))
        data: bytes | str = source.read(max_bytes + 1)
        if isinstance(data, str):
            if len(data) > MAX_DOCUMENT_CHARS:
                raise _too_large(name, len(data), MAX_DOCUMENT_CHARS, "characters")
            return name, data
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError(f"{name}: file object returned {type(data).__name__}, expected bytes or str")
        if len(data) > max_bytes:
            raise _too_large(name, len(data), max_bytes)
        return name, _decode(bytes(data), name, Path(name).suffix.lower())
    raise TypeError(f"expected text, bytes or a file object, got {type(source).__name__}")

"""Receiving documents: a multipart body streamed into a per-request folder, and zips unpacked safely.

Nothing a client sends is held whole in memory or written outside the
request's own temporary folder (:func:`request_folder`), which is removed
when the response is done, whatever happened. File names a client gives
are only shown, never used as paths: each upload is stored as a numbered
file. Names that climb out of their folder (``..``) or start at the root
are refused all the same (400), as zip members, because they are what an
attacking archive looks like, and the client should hear it.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from ..folders import DOCUMENT_SUFFIXES
from .limits import Limits
from .problems import Problem

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

__all__ = ["Stored", "Upload", "request_folder", "receive_multipart", "unpack", "safe_name", "UPLOAD_SUFFIXES", "TEMP_PREFIX"]

#: What a client may upload: documents, and zips of documents.
UPLOAD_SUFFIXES = (*DOCUMENT_SUFFIXES, ".zip")
#: Per-request folders are named ``dimtag-request-XXXX`` in the temporary directory.
TEMP_PREFIX = "dimtag-request-"
# A form field holds an option or a pasted document; more fields than this is not a form of ours.
_MAX_FIELDS = 100
# Members this large that deflate better than Limits.max_zip_ratio are bombs; smaller ones cannot hurt.
_RATIO_FLOOR = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Stored:
    """A document received: the name the client gave, and where its bytes are in the request folder."""

    name: str
    path: Path


@dataclass
class Upload:
    """A multipart request as received: its text fields, and its files (zips unpacked)."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[Stored] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def value(self, name: str) -> str | None:
        """The last value of a field, or None."""
        values = self.fields.get(name)
        return values[-1] if values else None


@contextmanager
def request_folder(root: str | None = None) -> Iterator[Path]:
    """A new private temporary folder for one request, removed on the way out."""
    folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=root))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def safe_name(name: str, what: str) -> str:
    """The name with ``/`` separators, or a 400 problem when it is absolute or climbs out with ``..``.

    >>> safe_name("材料\\\\01.txt", "file")
    '材料/01.txt'
    """
    shown = name.replace("\\", "/")
    parts = shown.split("/")
    if shown.startswith("/") or _DRIVE.match(shown) or ".." in parts or "\x00" in shown:
        raise Problem(400, "unsafe-name", f"{what} name {name!r} is an absolute path or climbs out of its folder with '..'; "
                      "nothing was unpacked", name=name)
    return "/".join(p for p in parts if p not in ("", "."))


def _suffix(name: str) -> str:
    return Path(name).suffix.lower()


class _Counter:
    """Counts documents against ``Limits.max_files`` and hands out stored names."""

    def __init__(self, folder: Path, limits: Limits):
        self.folder, self.limits, self.n = folder, limits, 0

    def next_path(self, suffix: str) -> Path:
        self.n += 1
        if self.n > self.limits.max_files:
            raise Problem(413, "too-many-files", f"more than {self.limits.max_files} documents in one request (zips counted by their members)")
        return self.folder / f"{self.n:05d}{suffix}"


async def receive_multipart(
    content_type: str, body: AsyncIterator[bytes], folder: Path, limits: Limits
) -> Upload:
    """Stream a ``multipart/form-data`` body: fields into memory (bounded), files into ``folder``, zips unpacked.

    Raises
    ------
    Problem
        415 for another content type or an upload that is not .txt, .docx
        or .zip; 400 for a malformed or truncated body or an unsafe name;
        413 for a file, a field or a zip over its limit, or too many files.
    """
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data":
        raise Problem(415, "unsupported-media-type", f"send multipart/form-data, not {content_type or 'no Content-Type'}")
    if not boundary:
        raise Problem(400, "malformed-multipart", "multipart/form-data without a boundary")
    upload = Upload()
    counter = _Counter(folder, limits)
    state = _PartState(upload, counter, limits)
    parser = MultipartParser(boundary, state.callbacks(), max_header_count=16, max_header_size=8192)
    try:
        async for chunk in body:
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as exc:
        raise Problem(400, "malformed-multipart", f"the multipart body cannot be parsed: {exc}") from None
    finally:
        state.close()
    if not state.ended:
        raise Problem(400, "malformed-multipart", "the multipart body ended before its closing boundary")
    zips = [f for f in upload.files if _suffix(f.name) == ".zip"]
    for stored in zips:
        upload.files.remove(stored)
        upload.files.extend(unpack(stored, counter, limits, upload.skipped))
        stored.path.unlink()
    return upload


class _PartState:
    """The python-multipart callbacks: one part at a time, a field into a buffer or a file onto disk."""

    def __init__(self, upload: Upload, counter: _Counter, limits: Limits):
        self.upload, self.counter, self.limits = upload, counter, limits
        self.header_field = b""
        self.header_value = b""
        self.headers: dict[bytes, bytes] = {}
        self.name: str | None = None
        self.filename: str | None = None
        self.buffer = bytearray()
        self.out: IO[bytes] | None = None
        self.size = 0
        self.fields = 0
        self.ended = False

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.part_begin, "on_header_field": self.header_field_data,
            "on_header_value": self.header_value_data, "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished, "on_part_data": self.part_data, "on_part_end": self.part_end,
            "on_end": self.end,
        }

    def part_begin(self) -> None:
        self.headers, self.name, self.filename, self.size = {}, None, None, 0
        self.buffer = bytearray()

    def header_field_data(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def header_value_data(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def header_end(self) -> None:
        self.headers[self.header_field.lower()] = self.header_value
        self.header_field, self.header_value = b"", b""

    def headers_finished(self) -> None:
        disposition, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        if disposition != b"form-data" or b"name" not in options:
            raise Problem(400, "malformed-multipart", "a part has no Content-Disposition: form-data; name=…")
        self.name = options[b"name"].decode("utf-8", "replace")
        if b"filename" not in options:
            self.fields += 1
            if self.fields > _MAX_FIELDS:
                raise Problem(413, "too-many-fields", f"more than {_MAX_FIELDS} form fields")
            return
        filename = safe_name(options[b"filename"].decode("utf-8", "replace"), "file")
        suffix = _suffix(filename)
        if suffix not in UPLOAD_SUFFIXES:
            raise Problem(415, "unsupported-file", f"{filename or 'a file without a name'}: send .txt, .docx or .zip files", name=filename)
        self.filename = filename
        self.out = open(self.counter.next_path(suffix), "wb")  # noqa: SIM115 - closed in part_end or close()

    def part_data(self, data: bytes, start: int, end: int) -> None:
        self.size += end - start
        if self.out is not None:
            cap = self.limits.max_body_bytes if _suffix(self.filename or "") == ".zip" else self.limits.max_document_bytes
            if self.size > cap:
                raise Problem(413, "file-too-large", f"{self.filename}: over the limit of {cap:,} bytes", name=self.filename)
            self.out.write(data[start:end])
            return
        if self.size > self.limits.max_document_bytes:
            raise Problem(413, "field-too-large", f"form field {self.name!r}: over the limit of {self.limits.max_document_bytes:,} bytes")
        self.buffer += data[start:end]

    def part_end(self) -> None:
        if self.out is not None:
            path = Path(self.out.name)
            self.out.close()
            self.out = None
            self.upload.files.append(Stored(self.filename or path.name, path))
        elif self.name is not None:
            value = self.buffer.decode("utf-8", "replace")
            self.upload.fields.setdefault(self.name, []).append(value)

    def end(self) -> None:
        self.ended = True

    def close(self) -> None:
        if self.out is not None:
            self.out.close()


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name; zips from Chinese Windows store names in GBK without saying so."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def unpack(archive: Stored, counter: _Counter, limits: Limits, skipped: list[str]) -> list[Stored]:
    """The documents of a zip, unpacked into the request folder after every member is checked.

    Members that are not .txt or .docx (and macOS's ``__MACOSX`` copies,
    hidden files, nested zips) are listed in ``skipped``. Sizes are checked
    as declared before anything is unpacked, and counted while unpacking, so
    an archive that lies about them is stopped too.
    """
    try:
        zf = zipfile.ZipFile(archive.path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise Problem(400, "bad-zip", f"{archive.name}: not a readable zip ({exc})", name=archive.name) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_zip_members:
            raise Problem(413, "zip-too-many-members", f"{archive.name}: {len(infos):,} entries; the limit is {limits.max_zip_members:,}",
                          name=archive.name)
        names = [safe_name(_member_name(i), f"{archive.name}: zip member") for i in infos]
        total = sum(i.file_size for i in infos)
        if total > limits.max_zip_bytes:
            raise Problem(413, "zip-too-large", f"{archive.name}: would unzip to {total:,} bytes; the limit is {limits.max_zip_bytes:,}",
                          name=archive.name)
        for info, name in zip(infos, names):
            if info.file_size > _RATIO_FLOOR and info.file_size > limits.max_zip_ratio * max(info.compress_size, 1):
                raise Problem(413, "zip-bomb", f"{archive.name}: member {name!r} claims {info.file_size:,} bytes from "
                              f"{info.compress_size:,} (over {limits.max_zip_ratio}:1): a zip bomb, refused", name=archive.name)
        found = []
        for info, name in zip(infos, names):
            shown = f"{archive.name}/{name}"
            if info.is_dir():
                continue
            if any(p.startswith(".") or p == "__MACOSX" for p in name.split("/")) or _suffix(name) not in DOCUMENT_SUFFIXES:
                skipped.append(f"{shown}: not a .txt or .docx document, skipped")
                continue
            if info.file_size > limits.max_document_bytes:
                raise Problem(413, "file-too-large", f"{shown}: {info.file_size:,} bytes, over the limit of {limits.max_document_bytes:,}",
                              name=shown)
            path = counter.next_path(_suffix(name))
            _copy_member(zf, info, path, limits.max_document_bytes, shown)
            found.append(Stored(shown, path))
        return found


def _copy_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, cap: int, shown: str) -> None:
    written = 0
    try:
        with zf.open(info) as src, open(path, "wb") as dst:
            while chunk := src.read(64 * 1024):
                written += len(chunk)
                if written > cap:
                    raise Problem(413, "file-too-large", f"{shown}: unzips to over {cap:,} bytes", name=shown)
                dst.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        # A damaged member, a lie about its size (CRC error), encryption, an unknown compression.
        raise Problem(400, "bad-zip", f"{shown}: cannot be unpacked ({exc})", name=shown) from None

"""Which files a folder contributes: the one rule every verb (tag, report, suggest) uses.

A folder is walked recursively, in sorted order. It contributes its ``.txt``
and ``.docx`` files (any case). Everything else it holds is either left out
silently or *skipped with a reason*:

- hidden entries (a name starting with ``.``: ``.git``, editor files) are
  left out silently;
- ``.doc``, ``.wps``, ``.pdf`` and other formats dimtag does not read,
  FIFOs, sockets and devices, files that cannot be read, broken links,
  symlink loops, and symbolic links that lead outside the folder are
  skipped, each with its reason.

A symbolic link that leaves the folder is not followed unless
``follow_links=True`` (``--follow-links`` on the command line): a folder
received from someone else could otherwise make dimtag read ``/etc/passwd``
into a report. Links inside the folder are followed. A path given
directly, not inside a folder, is taken as it is: the user named it.

File names that are not valid UTF-8 are contributed like any other (Python
holds them with ``surrogateescape``); whoever shows a name escapes it
(:func:`dimtag._escape.printable`), so a folder unpacked from a Windows zip
loses no document.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Collection, Iterable
from dataclasses import dataclass

__all__ = ["DOCUMENT_SUFFIXES", "Skipped", "collect_documents"]

#: The file suffixes a folder contributes (compared in lower case).
DOCUMENT_SUFFIXES = (".txt", ".docx")
# Formats users do put in these folders, with what to do about them.
_UNSUPPORTED = {
    ".doc": "Word 97-2003 .doc is not read; save it as .docx",
    ".wps": "WPS .wps is not read; save it as .docx",
    ".pdf": "PDF is not read; save it as .docx or .txt",
    ".rtf": "RTF is not read; save it as .docx",
    ".odt": "OpenDocument .odt is not read; save it as .docx",
    ".docm": "macro-enabled .docm is not read; save it as .docx",
    ".wpt": "a WPS template is not read; save it as .docx",
    ".dot": "a Word template is not read; save it as .docx",
    ".dotx": "a Word template is not read; save it as .docx",
}
_OUTSIDE = "a symbolic link to outside the folder, not followed (use --follow-links or follow_links=True)"


@dataclass(frozen=True)
class Skipped:
    """A file of a folder that contributes no document, and why.

    ``str()`` gives ``path: reason``, the form of every error line.
    """

    path: str
    reason: str

    def __str__(self) -> str:
        from ._escape import printable

        return f"{printable(self.path)}: {self.reason}"


def collect_documents(
    inputs: Iterable[str | os.PathLike[str]], *, follow_links: bool = False, exclude: Collection[str] = (),
) -> tuple[list[str], list[Skipped]]:
    """The files that ``inputs`` contribute, and those skipped with their reasons.

    Parameters
    ----------
    inputs : iterable of path
        Files and folders. A file (or ``-``) is taken as given; a folder is
        walked by the rule of this module.
    follow_links : bool
        Follow symbolic links that lead outside their folder.
    exclude : collection of str
        Real paths to leave out silently (the output file of the run).

    Returns
    -------
    (files, skipped)
        Files in input order, each folder's sorted; skipped files with reasons.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("a.txt", "b.DOCX", "c.doc", ".hidden.txt"):
    ...     _ = (root / name).write_bytes(b"")
    >>> files, skipped = collect_documents([root])
    >>> [os.path.basename(f) for f in files], [(os.path.basename(s.path), s.reason[:22]) for s in skipped]
    (['a.txt', 'b.DOCX'], [('c.doc', 'Word 97-2003 .doc is n')])
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    excluded = set(exclude)
    files: list[str] = []
    skipped: list[Skipped] = []
    for item in inputs:
        item = os.fspath(item)
        if item != "-" and os.path.isdir(item):
            _walk(item, follow_links, excluded, files, skipped)
        elif item != "-" and os.path.realpath(item) in excluded:
            skipped.append(Skipped(item, "is the output file, not read"))
        else:
            files.append(item)
    return files, skipped


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _walk(folder: str, follow_links: bool, excluded: set[str], files: list[str], skipped: list[Skipped]) -> None:
    root_real = os.path.realpath(folder)
    seen: set[tuple[int, int]] = set()

    def onerror(exc: OSError) -> None:
        skipped.append(Skipped(str(exc.filename or folder), f"cannot read the folder ({exc.strerror or exc})"))

    for root, dirs, names in os.walk(folder, followlinks=True, onerror=onerror):
        try:
            st = os.stat(root)
        except OSError as exc:
            skipped.append(Skipped(root, f"cannot read the folder ({exc.strerror or exc})"))
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:  # a symlink loop back to an ancestor
            skipped.append(Skipped(root, "directory visited twice (symlink loop), skipped"))
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        kept = []
        for name in sorted(dirs):
            path = os.path.join(root, name)
            if name.startswith("."):
                continue
            if os.path.islink(path) and not follow_links and not _inside(os.path.realpath(path), root_real):
                skipped.append(Skipped(path, _OUTSIDE))
                continue
            kept.append(name)
        dirs[:] = kept
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            if excluded and os.path.realpath(path) in excluded:
                continue
            reason = _why_not(path, name, root_real, follow_links)
            if reason is None:
                files.append(path)
            else:
                skipped.append(Skipped(path, reason))


def _why_not(path: str, name: str, root_real: str, follow_links: bool) -> str | None:
    """Why a file in a folder contributes no document (None: it does)."""
    link = os.path.islink(path)
    if link and not follow_links and not _inside(os.path.realpath(path), root_real):
        return _OUTSIDE
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "a broken symbolic link" if link else "no such file"
    except OSError as exc:
        if link and exc.errno == errno.ELOOP:
            return "a symbolic link loop"
        return f"cannot read ({exc.strerror or exc})"
    if stat.S_ISDIR(st.st_mode):  # a link loop os.walk did not enter
        return "directory visited twice (symlink loop), skipped"
    if not stat.S_ISREG(st.st_mode):  # opening a FIFO would block the whole run
        return "not a regular file (a FIFO, socket or device), skipped"
    suffix = os.path.splitext(name)[1].lower()
    if suffix in _UNSUPPORTED:
        return _UNSUPPORTED[suffix]
    if suffix not in DOCUMENT_SUFFIXES:
        return f"not a .txt or .docx document ({suffix or 'no suffix'}), skipped"
    if not os.access(path, os.R_OK):
        return "permission denied"
    return None

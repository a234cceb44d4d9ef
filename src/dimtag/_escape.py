"""Escaping what dimtag writes for people to read or open.

- File names that are not valid UTF-8 reach Python as lone surrogates
  (``surrogateescape``); written as they are, they would make every UTF-8
  output fail. :func:`printable` shows their bytes as ``\\xNN``.
- A CSV cell that starts with ``= + - @``, a tab or a carriage return is run
  as a formula by spreadsheets (CSV injection). :func:`csv_escape` prefixes
  such a cell with an apostrophe, the OWASP rule; :func:`csv_unescape`
  removes it again when dimtag reads its own CSVs back, so the round trip
  is exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["printable", "printable_row", "csv_escape", "csv_unescape", "csv_escape_row", "CSV_FORMULA_STARTS"]

#: First characters that make a spreadsheet read a cell as a formula.
CSV_FORMULA_STARTS = frozenset("=+-@\t\r")


def printable(text: str) -> str:
    """``text`` with undecodable file-name bytes shown as ``\\xNN``.

    Examples
    --------
    >>> import os
    >>> printable(os.fsdecode(b"a\\xff.txt"))
    'a\\\\xff.txt'
    >>> printable("材料.txt")
    '材料.txt'
    """
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that did not come from a file name
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _needs_quote(value: str) -> bool:
    # Apostrophes already in front are counted too, so that unescaping is exact:
    # "'=x" is written "''=x" and read back as "'=x".
    return value.lstrip("'")[:1] in CSV_FORMULA_STARTS


def csv_escape(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula; non-strings pass unchanged.

    Examples
    --------
    >>> csv_escape("=HYPERLINK(1)"), csv_escape("学习不够"), csv_escape(-0.5)
    ("'=HYPERLINK(1)", '学习不够', -0.5)
    """
    if isinstance(value, str) and _needs_quote(value):
        return "'" + value
    return value


def csv_unescape(value: str) -> str:
    """Undo :func:`csv_escape`.

    Examples
    --------
    >>> csv_unescape("'=1+1"), csv_unescape("'不变"), csv_unescape(csv_escape("'@x"))
    ('=1+1', "'不变", "'@x")
    """
    if value.startswith("'") and _needs_quote(value[1:]):
        return value[1:]
    return value


def printable_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`printable` applied to every string cell of a row (a table holding file names, for a writer).

    Examples
    --------
    >>> import os
    >>> printable_row({"file": os.fsdecode(b"a\\xff.txt"), "chars": 3})
    {'file': 'a\\\\xff.txt', 'chars': 3}
    """
    return {k: printable(v) if isinstance(v, str) else v for k, v in row.items()}


def csv_escape_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`csv_escape` applied to every cell of a row."""
    return {k: csv_escape(v) for k, v in row.items()}

"""Traditional glyphs read as simplified: the one seam to the converter (OpenCC).

Materials copied from Hong Kong, Macao or Taiwan sites, or converted by a
browser, come in traditional glyphs (（四）擔當作為方面, 存在的問題). The model,
the heading vocabulary and the part names are all simplified, so such a
document is *read* through its simplified form, while its items keep the
text as written. The conversion keeps every character at its offset (one
character for one), so offsets into the written text index the simplified
one too.

The converter is OpenCC (``pip install "dimtag[traditional]"``): the
project's own binding on PyPI, maintained with OpenCC itself and shipped as
wheels, and about 50 times faster than the pure-Python reimplementations.
Without it everything works as before, and a document that looks
traditional is tagged as written, with a warning that says what to install.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

__all__ = ["to_simplified", "converter_available", "TRADITIONAL_EXTRA_HINT"]

TRADITIONAL_EXTRA_HINT = 'pip install "dimtag[traditional]"'
# Frequent characters of this register that only traditional text writes;
# enough of them say a document is traditional without any converter.
_TRADITIONAL_ONLY = frozenset("們個這說為與對學問題會發現實經過還黨義務幹部領導體關係開將應當設導歷覺權當團結員層級統")
_TRADITIONAL_MIN = 5


def _log() -> logging.Logger:
    # Got when there is something to say: importing dimtag registers no logger of its own.
    return logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _converter() -> Any:
    try:
        import opencc
    except ImportError:
        return None
    try:
        return opencc.OpenCC("t2s")
    except Exception as exc:  # a broken install: read as written, and say why once
        _log().warning("OpenCC is installed but cannot start (%s); traditional glyphs are read as written", exc)
        return None


def converter_available() -> bool:
    """Whether OpenCC is installed and working."""
    return _converter() is not None


def to_simplified(text: str) -> str:
    """``text`` in simplified glyphs, one character for one (the text itself when nothing changes).

    Where the converter would change the length of a stretch (a phrase it
    rewrites), that line is converted a character at a time instead, so
    offsets never move. Without OpenCC the text is returned as it is.

    Examples
    --------
    >>> to_simplified("（四）擔當作為方面") if converter_available() else "（四）担当作为方面"
    '（四）担当作为方面'
    >>> to_simplified("学习不够深入。")
    '学习不够深入。'
    """
    converter = _converter()
    if converter is None:
        if sum(ch in _TRADITIONAL_ONLY for ch in text[:20_000]) >= _TRADITIONAL_MIN:
            _log().warning("the document looks like traditional Chinese; to read its headings, %s", TRADITIONAL_EXTRA_HINT)
        return text
    converted: str = converter.convert(text)
    if len(converted) == len(text):
        return converted
    lines = []
    for line in text.split("\n"):
        simple: str = converter.convert(line)
        if len(simple) != len(line):
            simple = "".join(c if len(c := converter.convert(ch)) == 1 else ch for ch in line)
        lines.append(simple)
    return "\n".join(lines)

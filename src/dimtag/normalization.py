"""Character tables shared by document cleaning and model preparation.

:func:`dimtag.clean` (what a reader sees, offsets included) and
:func:`dimtag.features.prepare` (what the model sees) are both built from
these tables, so the two can never disagree on what a space, a fullwidth
digit or an invisible mark is.
"""

from __future__ import annotations

import re

__all__ = [
    "FULLWIDTH_ALNUM",
    "HALF_TO_FULL_PUNCT",
    "SPACES",
    "INVISIBLE",
    "CONTROLS",
    "MASK_PATTERN",
    "PAYWALL_PATTERN",
    "CN_NUMERALS",
    "ENUMERATOR",
    "CJK_RANGES",
]

#: Fullwidth digits and letters (０-９, Ａ-Ｚ, ａ-ｚ) to ASCII: a fixed offset.
FULLWIDTH_ALNUM: dict[int, int] = {
    cp: cp - 0xFEE0 for lo, hi in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)) for cp in range(lo, hi)
}
#: Half-width punctuation written in Chinese text and its full-width form.
HALF_TO_FULL_PUNCT: dict[str, str] = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
#: Horizontal spaces of every kind (line breaks are structure, not space).
SPACES = " \t\u00a0\u3000\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\f\v"
#: Marks that render as nothing: BOM, zero-width space/joiners, word joiner, soft hyphen.
INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060\u00ad\u200e\u200f"
#: C0 control characters other than tab and line ends, and DEL.
CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])

#: Masked names and places (XXX, ××, xx, **, a lone capital such as "A").
MASK_PATTERN = re.compile(r"[XxＸｘ×＊*]{2,}|(?<![A-Za-z])[A-Z](?![A-Za-z])|[×＊]")

#: Paywall markers that material-sharing sites leave in the text (##paidbegin##, ##paid end##).
PAYWALL_PATTERN = re.compile(r"#{2}\s*paid\s*(?:begin|end)\s*#{2}", re.IGNORECASE)

#: Chinese numerals used in enumerators and headings.
CN_NUMERALS = "一二三四五六七八九十"
#: An enumerator that opens a point: 一是, 第二，, 三、, （四）/（4）, 5. or 5、, ①.
ENUMERATOR = (
    rf"(?:[{CN_NUMERALS}]{{1,2}}是|第[{CN_NUMERALS}]{{1,2}}[，、]|[{CN_NUMERALS}]{{1,2}}、"
    rf"|（[{CN_NUMERALS}\d]{{1,2}}）|\d{{1,2}}[.、．](?!\d)|[①-⑳])"
)
#: CJK ideographs, for character classes.
CJK_RANGES = r"\u3400-\u9fff\uf900-\ufaff"

"""The text's vocabulary: every character class and the enumerator grammar, written once.

Cleaning (what a reader sees), :func:`dimtag.features.prepare` (what the
model sees), segmentation (headings, points, sentences), debris detection
and the report's concreteness and copy detection all import their
characters from here, so they can never disagree on what a space, an
invisible mark, a Chinese character, a sentence end or an enumerator is.

Character sets are plain strings of characters (``SENTENCE_END``) or, for
code point ranges, strings ready to go inside a regex character class
(``CJK_RANGES``); compose them into patterns where they are used.

Examples
--------
>>> import re
>>> m = re.match(ENUMERATOR, "二十一是学习不够。")
>>> m.group(), m.lastgroup, ENUMERATOR_LEVELS[m.lastgroup]
('二十一是', 'shi', 7.0)
>>> re.match(ENUMERATOR, "第二：学习不够。").lastgroup
'ordinal'
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
    "CJK_SPANS",
    "CJK_RANGES",
    "PRIVATE_USE_RANGES",
    "HIRAGANA_RANGES",
    "HANGUL_RANGES",
    "CJK_SYMBOL_RANGES",
    "FULLWIDTH_FORM_RANGES",
    "CN_NUMERALS",
    "CN_COUNTING",
    "CN_MAGNITUDES",
    "FULL_STOPS",
    "SEMICOLON",
    "SENTENCE_END",
    "COMMA",
    "LIST_COMMA",
    "COLON",
    "CLAUSE_END",
    "OPENERS",
    "CLOSERS",
    "CJK_PUNCTUATION",
    "CELL_BARS",
    "table_row_cells",
    "PUNCTUATION",
    "with_ascii",
    "NUMBERED_ENDS",
    "ENUMERATOR_FORMS",
    "ENUMERATOR",
    "ENUMERATOR_LEVELS",
    "OPENS_AFTER",
    "PROBLEM_WORDS",
    "is_topic",
]

# -- widths, spaces, invisible marks ------------------------------------------

#: Fullwidth digits and letters (０-９, Ａ-Ｚ, ａ-ｚ) to ASCII: a fixed offset.
FULLWIDTH_ALNUM: dict[int, int] = {
    cp: cp - 0xFEE0 for lo, hi in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)) for cp in range(lo, hi)
}
#: Half-width punctuation written in Chinese text and its full-width form.
HALF_TO_FULL_PUNCT: dict[str, str] = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
#: The bars between the cells of a table row pasted as text (序号｜问题｜整改措施), full and half width; cleaning
#: writes a row's tabs as the first.
CELL_BARS = "｜|"
_BARS = re.compile(f"[{re.escape(CELL_BARS)}]")
#: Horizontal spaces of every kind (line breaks are structure, not space).
SPACES = " \t\u00a0\u3000\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\f\v"
#: Marks that render as nothing: BOM, zero-width space/joiners, word joiner, soft hyphen, direction marks.
INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060\u00ad\u200e\u200f"
#: C0 control characters other than the spaces (tab, \v, \f) and line ends, and DEL: they render as nothing.
CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])

#: Masked names and places (XXX, ××, xx, **, a lone capital such as "A").
MASK_PATTERN = re.compile(r"[XxＸｘ×＊*]{2,}|(?<![A-Za-z])[A-Z](?![A-Za-z])|[×＊]")

#: Paywall markers that material-sharing sites leave in the text (##paidbegin##, ##paid end##).
PAYWALL_PATTERN = re.compile(r"#{2}\s*paid\s*(?:begin|end)\s*#{2}", re.IGNORECASE)


# -- scripts, as code point ranges -----------------------------------------------


def _class(*spans: tuple[int, int]) -> str:
    """Code point ranges written for the inside of a regex character class."""
    return "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in spans)


#: CJK ideographs: Extension A and the Unified block, and the compatibility ideographs.
CJK_SPANS: tuple[tuple[int, int], ...] = ((0x3400, 0x9FFF), (0xF900, 0xFAFF))
#: The same, for the inside of a regex character class.
CJK_RANGES = _class(*CJK_SPANS)
#: The private use area, where a garbled decoding puts "ideographs".
PRIVATE_USE_RANGES = _class((0xE000, 0xF8FF))
#: Japanese hiragana: a sign that bytes were Shift-JIS, not Chinese.
HIRAGANA_RANGES = _class((0x3041, 0x309F))
#: Korean syllables: a sign that bytes were EUC-KR, not Chinese.
HANGUL_RANGES = _class((0xAC00, 0xD7A3))
#: CJK symbols and punctuation (、。〈〉「」 …, the ideographic space).
CJK_SYMBOL_RANGES = _class((0x3000, 0x303F))
#: Fullwidth ASCII forms (！ to ～).
FULLWIDTH_FORM_RANGES = _class((0xFF01, 0xFF5E))

# -- numerals ------------------------------------------------------------------

#: Chinese numerals one to ten: enumerators and headings count with them (一是, 第二十一，, （三）).
CN_NUMERALS = "一二三四五六七八九十"
#: Words that count with the numerals in quantities: 两 (two of something), 几 (a few).
CN_COUNTING = "两几"
#: Magnitudes written after a numeral (三十, 两百, 3千, 5万).
CN_MAGNITUDES = "十百千万"

# -- punctuation ---------------------------------------------------------------
# Each mark set has one meaning; patterns compose them.

#: Marks that end a sentence.
FULL_STOPS = "。！？"
#: The semicolon: in these materials each clause it sets off states a problem of its own.
SEMICOLON = "；"
#: Marks that end an item (a sentence, or a clause set off by a semicolon).
SENTENCE_END = FULL_STOPS + SEMICOLON
#: The comma: ends a clause inside a sentence.
COMMA = "，"
#: The enumeration comma (顿号): separates the words of a list, and ends an enumerator (一、, 1、).
LIST_COMMA = "、"
#: The colon: ends a lead-in or an inline title, and opens what follows it.
COLON = "："
#: Marks that end a clause but not an item.
CLAUSE_END = COMMA + COLON
#: Opening quotes and brackets: they belong to the sentence after them.
OPENERS = "“‘「『（《"
#: Closing quotes and brackets: they belong to the sentence before them.
CLOSERS = "”’」』）》"
#: Chinese punctuation: next to it, a half-width mark is Chinese text's (see :func:`dimtag.clean`).
CJK_PUNCTUATION = SENTENCE_END + COMMA + LIST_COMMA + COLON + OPENERS + CLOSERS + "【】—…·"


def with_ascii(marks: str) -> str:
    """The marks and the half-width forms writers type for them.

    Examples
    --------
    >>> with_ascii(SENTENCE_END + COMMA)
    '。！？；，,;?!'
    """
    return marks + "".join(half for half, full in HALF_TO_FULL_PUNCT.items() if full in marks and half not in marks)


#: Every clause and sentence mark, in both widths, and the ASCII full stop: a title holds none of them.
PUNCTUATION = with_ascii(SENTENCE_END + COMMA + LIST_COMMA + COLON) + "."

# -- the enumerator grammar ----------------------------------------------------
_N = rf"[{CN_NUMERALS}]{{1,3}}"  # up to 二十一, 九十九
_D = r"\d{1,2}"
#: The marks that end a numbered enumerator after its digits (1. 1、 1．).
NUMBERED_ENDS = ".、．"
#: The forms of the enumerators that open a heading or a point, by name.
ENUMERATOR_FORMS: dict[str, str] = {
    "part": rf"{_N}、",  # 一、
    "section": rf"[（(]{_N}[）)]",  # （一）
    "numbered": rf"{_D}[{NUMBERED_ENDS}](?!\d)",  # 1. 1、 (not the decimal 1.5)
    "paren": rf"[（(]{_D}[）)]",  # （1） (1)
    "circled": r"[①-⑳]",  # ① to ⑳
    "ordinal": rf"第{_N}[{COMMA}{LIST_COMMA}{COLON}]",  # 第一， 第二、 第三：
    "shi": rf"{_N}是",  # 一是
}
#: Any enumerator, one named group a form (``m.lastgroup`` names the form).
ENUMERATOR = "|".join(f"(?P<{name}>{form})" for name, form in ENUMERATOR_FORMS.items())
#: The level of each form, and of a bare title line (a short line heading its paragraph, no marker):
#: a lower level encloses a higher one (一、 holds （一）, which holds 1., …, which holds ①).
ENUMERATOR_LEVELS: dict[str, float] = {
    "part": 1.0, "section": 2.0, "numbered": 3.0, "paren": 4.0, "bare": 5.0, "ordinal": 6.0, "shi": 7.0, "circled": 8.0,
}
#: An enumerator opens a unit at the start of a line or a text, after white space, and after these marks.
OPENS_AFTER = SENTENCE_END + COLON

# -- words that tell a problem from a topic -------------------------------------

#: A sentence with one of these words states a problem, whatever else it says.
PROBLEM_WORDS = re.compile(
    r"不够|不足|不到位|不强|不高|不深|不实|不严|不力|不细|不紧|不准|不多|不善|不敢|不愿|缺乏|欠缺|淡化|淡薄|弱化|松懈"
    r"|差距|有待|存在|问题|没有|未能|滞后|薄弱|偏差|退化|放松|懈怠|较少|偏少|短板"
)


# A heading that states a topic rather than a problem: "…方面", "…方面存在
# 的问题", or a bare part name. Numbered lines of this kind are headings;
# numbered lines that state a problem are points.
_TOPIC = re.compile(
    r"(?:方面|等方面|领域|问题清单)(?:存在的?|的)?(?:主要|突出)?(?:问题|不足|差距|短板)?(?:（[^）]*）)?$"
    r"|^(?:存在的?|查摆的?|检视的?)?(?:主要|突出)?(?:问题|不足|差距)$"
    r"|(?:原因|根源)(?:分析|剖析)?$|(?:整改|改进)(?:措施|方向|打算)$|努力方向$"
)


_TRAILING_MARKS = with_ascii(SENTENCE_END + COMMA + COLON) + " "


def is_topic(title: str) -> bool:
    """Tell whether a heading-like line names a topic (a heading) rather than a problem (a point).

    Examples
    --------
    >>> is_topic("1.理论学习方面"), is_topic("（2）在政治素质方面：")
    (True, True)
    >>> is_topic("2.学习的主动性不够。")
    False
    """
    return _TOPIC.search(title.rstrip(_TRAILING_MARKS)) is not None


def table_row_cells(line: str) -> list[tuple[int, int]] | None:
    """The ``(start, end)`` of each cell of a table row pasted as text, or None for a line of fewer than three cells.

    Bars at the line's ends only close the row; the cells keep no outer spaces.

    Examples
    --------
    >>> line = "1｜学习不深｜每周自学｜长期"
    >>> [line[a:b] for a, b in table_row_cells(line)]
    ['1', '学习不深', '每周自学', '长期']
    >>> table_row_cells("来源：本站｜作者：办公室") is None
    True
    """
    bars = [m.start() for m in _BARS.finditer(line)]
    edges = [-1, *bars, len(line)]
    cells = list(zip([e + 1 for e in edges[:-1]], edges[1:]))
    if cells and cells[0][0] == cells[0][1]:
        cells = cells[1:]  # a bar that opens the row
    if cells and cells[-1][1] == cells[-1][0]:
        cells = cells[:-1]  # a bar that closes it
    if len(cells) < 3:
        return None
    out = []
    for a, b in cells:
        while a < b and line[a].isspace():
            a += 1
        while b > a and line[b - 1].isspace():
            b -= 1
        out.append((a, b))
    return out

"""Cleaning raw documents: page debris, punctuation and space.

The cleaned text is what segmentation, offsets and the model all see, so
cleaning is idempotent: ``clean(clean(t)) == clean(t)``.

Cleaning never deletes a real sentence. What it removes beyond layout
(white space, invisible marks, control characters, carriage returns) is page debris, and every
piece of it is reported by :func:`clean_document` as a :class:`Dropped`
span of the raw text with its reason: paywall markers, advertising blocks
(a promotion with no problem statement in it), login walls, page metadata
(发布时间…来源…作者), page navigation (上一篇, 分享到), notices (本文由网友投稿，
如有侵权请联系删除), a title the site repeats, and pinyin annotations (学（xué）).

Everything runs in time linear in the text: characters are classified and
normalized as numpy arrays, and debris is found by regular expressions over
the whole text, never by rescanning it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .vocabulary import (
    CELL_BARS,
    CJK_PUNCTUATION,
    CJK_RANGES,
    CJK_SPANS,
    CLOSERS,
    CN_NUMERALS,
    COLON,
    COMMA,
    CONTROLS,
    ENUMERATOR,
    FULL_STOPS,
    FULLWIDTH_ALNUM,
    HALF_TO_FULL_PUNCT,
    INVISIBLE,
    MASK_PATTERN,
    NUMBERED_ENDS,
    PAYWALL_PATTERN,
    PROBLEM_WORDS,
    PUNCTUATION,
    SENTENCE_END,
    SPACES,
    is_topic,
    table_row_cells,
    with_ascii,
)

__all__ = ["clean", "clean_document", "CleanedText", "Dropped", "is_advert_line", "MASK_PATTERN"]


@dataclass(frozen=True)
class Dropped:
    """A piece of the raw text that cleaning removed.

    Attributes
    ----------
    start, end : int
        Offsets into the raw text (the str given to :func:`clean_document`).
    reason : str
        ``paywall marker``, ``advert``, ``login wall``, ``page metadata``,
        ``page navigation``, ``page notice``, ``repeated title`` or
        ``pinyin annotation``.
    text : str
        ``raw[start:end]``.
    """

    start: int
    end: int
    reason: str
    text: str


@dataclass(frozen=True, eq=False)
class CleanedText:
    """The result of :func:`clean_document`: the cleaned text, what was dropped, and the way back.

    Attributes
    ----------
    text : str
        The cleaned text, one paragraph a line.
    dropped : tuple of Dropped
        Debris removed, in raw order.
    raw_index : ndarray of int
        ``raw_index[i]`` is the raw offset of ``text[i]``.
    """

    text: str
    dropped: tuple[Dropped, ...]
    raw_index: np.ndarray

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw span ``(a, b)`` that the cleaned span ``text[start:end]`` came from.

        It includes any layout characters removed inside it.
        """
        if end <= start:
            raise ValueError(f"empty span {start}:{end}")
        return int(self.raw_index[start]), int(self.raw_index[end - 1]) + 1


# -- character classes -------------------------------------------------------
_SPACE, _HALF, _IDEOGRAPH, _CJK_PUNCT, _INVIS, _DIGIT, _WIDE = 1, 2, 4, 8, 16, 32, 64
_NEWLINE, _BLANK, _DOT, _FULL_STOP = ord("\n"), ord(" "), ord("."), ord("。")


@lru_cache(maxsize=1)
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """A class-flag table and a substitution table, indexed by code point."""
    flags = np.zeros(0x110000, dtype=np.uint8)
    for ch in SPACES:
        flags[ord(ch)] |= _SPACE
    for ch in HALF_TO_FULL_PUNCT:
        flags[ord(ch)] |= _HALF
    for lo, hi in CJK_SPANS:
        flags[lo : hi + 1] |= _IDEOGRAPH
    for ch in CJK_PUNCTUATION + "".join(HALF_TO_FULL_PUNCT.values()):
        flags[ord(ch)] |= _CJK_PUNCT
    for ch in INVISIBLE + CONTROLS:
        flags[ord(ch)] |= _INVIS
    flags[ord("0") : ord("9") + 1] |= _DIGIT
    to = np.arange(0x110000, dtype=np.uint32)
    for src, dst in FULLWIDTH_ALNUM.items():
        flags[src] |= _WIDE
        to[src] = dst
    for ch in SPACES:
        to[ord(ch)] = _BLANK
    for half, full in HALF_TO_FULL_PUNCT.items():
        to[ord(half)] = ord(full)  # used only where a half-width mark is in Chinese text
    return flags, to


class _Text:
    """Code points and the raw offset of each, edited by deletion and one-to-one substitution."""

    def __init__(self, raw: str):
        self.cp = np.frombuffer(raw.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
        self.pos = np.arange(len(self.cp), dtype=np.int64)

    def __len__(self) -> int:
        return len(self.cp)

    def keep(self, mask: np.ndarray) -> bool:
        """Keep the characters where ``mask`` is True; tell whether any went."""
        if mask.all():
            return False
        self.cp, self.pos = self.cp[mask], self.pos[mask]
        return True

    def string(self) -> str:
        return self.cp.tobytes().decode("utf-32-le", "surrogatepass")


def _shift_prev(a: np.ndarray, fill: bool | int) -> np.ndarray:
    out = np.empty_like(a)
    if len(a):
        out[0] = fill
        out[1:] = a[:-1]
    return out


def _shift_next(a: np.ndarray, fill: bool | int) -> np.ndarray:
    out = np.empty_like(a)
    if len(a):
        out[-1] = fill
        out[:-1] = a[1:]
    return out


_ENUMERATOR_ENDS = np.array(sorted(map(ord, NUMBERED_ENDS)))
_CN_NUMERAL_CODES = np.array(sorted(map(ord, CN_NUMERALS)))


def _enumerator_follows(cp: np.ndarray, digit: np.ndarray, dots: np.ndarray) -> np.ndarray:
    """For each full stop at ``dots`` (each followed by a digit): whether its digits are an enumerator (``2.``, ``2、``).

    Not after a Chinese numeral: ``三.1.`` is an outline number, not two sentences.
    """
    n = len(cp)
    # The first position at or after each index that is not a digit (n past the end).
    not_digit = np.where(digit, n, np.arange(n))
    next_not_digit = np.minimum.accumulate(not_digit[::-1])[::-1]
    ends = next_not_digit[dots + 1]
    inside = ends < n
    follows = np.zeros(len(dots), dtype=bool)
    follows[inside] = np.isin(cp[ends[inside]], _ENUMERATOR_ENDS)
    return follows & ~np.isin(cp[dots - 1], _CN_NUMERAL_CODES)


def _normalize(t: _Text) -> None:
    """Fold spaces and widths, and bring half-width punctuation in Chinese text to its full form.

    Each pass is linear. A run of half-width marks and spaces that touches
    Chinese text is converted whole, so a line of 16,000 commas after one
    Chinese character takes one pass, not 16,000. A pass can expose a new
    neighbour (a removed space puts a full stop next to a Chinese
    character), so passes repeat until nothing changes; that takes two or
    three.
    """
    flags, to = _tables()
    t.cp = np.where(flags[t.cp] & _SPACE, _BLANK, t.cp).astype(np.uint32)
    alnum = (flags[t.cp] & _WIDE) != 0
    t.cp[alnum] = to[t.cp[alnum]]
    while True:
        changed = False
        cp = t.cp
        blank = cp == _BLANK
        # Runs of spaces fold to one; spaces at line ends go.
        newline = cp == _NEWLINE
        drop = blank & (_shift_prev(blank, False) | _shift_prev(newline, True) | _shift_next(newline, True))
        changed |= t.keep(~drop)
        cp = t.cp
        f = flags[cp]
        cjk = (f & (_IDEOGRAPH | _CJK_PUNCT)) != 0
        # Half-width marks in a run of marks and spaces next to Chinese text.
        in_run = (f & _HALF) != 0
        in_run |= cp == _BLANK
        if in_run.any():
            starts = np.flatnonzero(in_run & ~_shift_prev(in_run, False))
            ends = np.flatnonzero(in_run & ~_shift_next(in_run, False)) + 1
            left = np.zeros(len(starts), dtype=bool)
            ok = starts > 0
            left[ok] = cjk[starts[ok] - 1]
            right = np.zeros(len(ends), dtype=bool)
            ok = ends < len(cp)
            right[ok] = cjk[ends[ok]]
            convert_run = np.repeat(left | right, ends - starts)
            where = np.flatnonzero(in_run)[convert_run]
            where = where[(f[where] & _HALF) != 0]
            if len(where):
                cp[where] = to[cp[where]]
                changed = True
                f = flags[cp]
                cjk = (f & (_IDEOGRAPH | _CJK_PUNCT)) != 0
        # A full stop right after a Chinese character ends a Chinese sentence;
        # after a digit it is an enumeration ("1.") or a decimal, and stays.
        # Before a digit it ends the sentence only when an enumerator follows
        # ("每周自学3小时.2.严守纪律": a list written on one line).
        dot_after_ideograph = (cp == _DOT) & _shift_prev((f & _IDEOGRAPH) != 0, False)
        digit = (f & _DIGIT) != 0
        digit_next = _shift_next(digit, False)
        stop = dot_after_ideograph & ~digit_next
        before_digits = np.flatnonzero(dot_after_ideograph & digit_next)
        if len(before_digits):
            stop[before_digits] = _enumerator_follows(cp, digit, before_digits)
        if stop.any():
            cp[stop] = _FULL_STOP
            changed = True
            cjk |= stop
        blank = cp == _BLANK
        changed |= t.keep(~(blank & (_shift_prev(cjk, False) | _shift_next(cjk, False))))
        if not changed:
            return


def _spans_mask(n: int, spans: list[tuple[int, int]]) -> np.ndarray:
    """A mask, True outside the given spans."""
    if not spans:
        return np.ones(n, dtype=bool)
    marks = np.zeros(n + 1, dtype=np.int32)
    s = np.array(spans, dtype=np.int64)
    np.add.at(marks, s[:, 0], 1)
    np.add.at(marks, s[:, 1], -1)
    outside: np.ndarray = np.cumsum(marks[:n]) == 0
    return outside


# -- debris ---------------------------------------------------------------------

# Words of the promotion blocks that material-sharing sites append. Strong
# ones are never written in these materials; weak ones can be (微信公众号 as a
# channel for 廉洁文化, 关注群众诉求).
_STRONG_ADVERT = (
    "素材库", "会员", "客服", "代发布", "润笔", "接单", "网盘", "一键", "谨防假冒", "包满意", "小伙伴",
    "svip", "vip", "扫码", "二维码", "加微信", "范文网", "文库", "付费", "充值", "更多资料", "更多素材",
)
_WEAK_ADVERT = ("微信", "下载", "原创", "公众号", "关注", "素材", "免费", "领取", "私信", "咨询")
# Sites obfuscate their contact words with stray symbols (微^信, 质%量).
_OBFUSCATION = re.compile(r"[%^@&~*#$|\\/_+=<>`'\"\s]")
_ADVERT_TRIGGER = re.compile("|".join(map(re.escape, _STRONG_ADVERT + _WEAK_ADVERT)), re.IGNORECASE)
_SENTENCES = re.compile(f"[^{with_ascii(SENTENCE_END)}]+[{with_ascii(SENTENCE_END)}]*")
_CONTENT = re.compile(f"[{CJK_RANGES}]")


def is_advert_line(line: str) -> bool:
    """Tell whether a line is an advertising or promotion block.

    It is when it holds at least two different promotion words, one of them
    a word never used in these materials (素材库, 客服, 会员, …), every one of
    its sentences promotes, and none states a problem. A paragraph with a
    problem in it is never an advert.

    Examples
    --------
    >>> is_advert_line("欢迎加入素材库会员，添加客服微信")
    True
    >>> is_advert_line("充分利用短视频、直播、微信公众号等新方式。")
    False
    >>> is_advert_line("习惯在微信群里布置工作，对群众关注的问题回应不够及时。")
    False
    """
    squashed = _OBFUSCATION.sub("", line).lower()
    strong = {w for w in _STRONG_ADVERT if w in squashed}
    weak = {w for w in _WEAK_ADVERT if w in squashed}
    # 微信 and 公众号 together are one channel, not two signals.
    if {"微信", "公众号"} <= weak:
        weak.discard("公众号")
    if not strong or len(strong) + len(weak) < 2:
        return False
    for sentence in _SENTENCES.findall(squashed):
        if PROBLEM_WORDS.search(sentence):
            return False
        if _CONTENT.search(sentence) and not _ADVERT_TRIGGER.search(sentence):
            return False
    return True


_LOGIN_WALL = re.compile(
    r"(?:(?:请先)?(?:登录|注册|登陆)(?:后|以后)?(?:即可|才能|可以?)?|(?:开通|成为)(?:会员|VIP)(?:后|即可|可)?|付费(?:后)?|点击|展开)"
    r"(?:阅读|查看|浏览|下载|获取)(?:全文|更多(?:内容)?|完整(?:内容|版)?|剩余(?:内容)?)"
    r"|(?:剩余|余下)\s*\d*\s*%?\s*(?:内容|全文)?(?:未读|待读)"
    rf"|试读(?:已)?结束|阅读全文(?=[\s>》»…{FULL_STOPS}]{{0,8}}$)|查看全文(?=[\s>》»…{FULL_STOPS}]{{0,8}}$)",
    re.IGNORECASE | re.MULTILINE,
)
_METADATA_KEY = re.compile(
    r"(?:发布时间|发布日期|发表时间|更新时间|发布于|时间|日期|来源|作者|编辑|责任编辑|浏览(?:量|次数)?|阅读(?:量|数|次数)?"
    r"|点击(?:量|数|率)?|字号|字体|访问量|审核|校对|责编|初审|复审|终审|排版|供稿|撰稿|监制|文字|图片|摄影)\s*[：:丨｜|]"
)
_DATE = re.compile(r"\d{4}\s*[-年/.]\s*\d{1,2}")
_NAVIGATION = re.compile(
    r"^(?:上一篇|下一篇|上一页|下一页|相关推荐|相关阅读|相关文章|推荐阅读|热门推荐|热门文章|猜你喜欢|分享到|分享至"
    r"|返回顶部|返回首页|打印本页|关闭窗口|收藏本文|【打印】|【关闭】|【字体|首页\s*[>＞›»])[^\n]*$",
    re.MULTILINE,
)
# Notices that sites add around a copied text: who posted it, and its rights.
_PAGE_NOTICE = re.compile(
    r"^[（(【\[]?[^\n]{0,30}(?:侵权|联系删除|版权归|版权所有|网友投稿|本文由[^\n]{0,20}(?:投稿|整理|发布|提供)|转载请注明)[^\n]*$",
    re.MULTILINE,
)
_CN_OR_DIGIT = rf"[{CN_NUMERALS}\d]"
# Web furniture a whole line of which is one thing: (pattern, reason). Each is
# anchored to a whole line, so a sentence that mentions 打印 or 阅读原文 in
# passing is never one of them.
# A line of furniture is short; longer lines are never tried (each pattern stays linear).
_FURNITURE_MAX_LINE = 120
_BUTTON = (
    r"(?:我要)?(?:朗读|打印(?:本页|此页|文章)?|关闭(?:窗口|本页)?|纠错|扫一扫|(?:微信)?扫码|分享(?:到|至)?|收藏(?:本文)?"
    r"|主动公开|依申请公开|返回(?:顶部|首页|列表)?|字号|字体|大|中|小|默认|放大|缩小|A[+＋\-－]|点赞|在看|留言|转发)"
)
_FURNITURE: tuple[tuple[re.Pattern[str], str], ...] = (
    # 当前位置：首页 > 党建 > 正文; 首页 > 新闻 > 正文.
    (re.compile(r"^[ \t]*(?:当前位置|您的位置|您现在的位置|你的位置|你现在的位置|所在位置|当前页面)\s*[：:]?[^\n]{0,80}$"
                rf"|^(?=[^\n]{{1,{_FURNITURE_MAX_LINE}}}$)[^\n{FULL_STOPS}>＞›»]{{1,20}}(?:[ \t]*[>＞›»][ \t]*[^\n{FULL_STOPS}>＞›»]{{1,20}}){{2,}}[ \t]*[>＞›»]?[ \t]*$", re.MULTILINE), "breadcrumb"),
    # Lines made of button words only: 【打印本页】【关闭窗口】, 朗读 | 纠错 | 扫一扫, 字号：大 中 小, A+ A-.
    (re.compile(rf"^(?=[^\n]{{1,{_FURNITURE_MAX_LINE}}}$)(?:[ \t|｜/·•、【】\[\]（）()：:]*{_BUTTON})+[ \t|｜/·•、【】\[\]（）()：:]*$", re.MULTILINE), "page button"),
    # The site's mobile version.
    (re.compile(rf"^[^\n{FULL_STOPS}]{{0,12}}(?:手机版|手机访问|手机扫码|手机扫一扫|扫码在手机|(?:在|用)?手机上?(?:浏览|阅读|查看|打开)|移动端)[^\n{FULL_STOPS}]{{0,30}}$",
                re.MULTILINE), "page metadata"),
    # One credit or source line: 编辑丨王某, 来源：某某网.
    (re.compile(r"^(?:编辑|责任编辑|责编|审核|审校|校对|初审|复审|终审|排版|供稿|撰稿|监制|摄影|图片|来源|信息来源|文章来源)"
                rf"[ \t]*[：:丨｜|][^\n{SENTENCE_END}{COMMA}]{{1,24}}$", re.MULTILINE), "page metadata"),
    # A list of documents on a material site: 第一篇：…, 第2篇 …
    (re.compile(rf"^第{_CN_OR_DIGIT}{{1,3}}篇[：:、.．\s][^\n{FULL_STOPS}]{{0,60}}$", re.MULTILINE), "document list"),
    # WeChat furniture.
    (re.compile(rf"^[^\n{FULL_STOPS}]{{0,10}}(?:点击(?:上方|下方)?(?:蓝字|“[^”\n]{{1,12}}”)|长按(?:识别)?(?:二维码|图片)|识别二维码"
                rf"|喜欢此内容的人还喜欢|微信号[：:])[^\n{FULL_STOPS}]{{0,30}}$"
                r"|^[^\w\n]{0,3}(?:阅读原文|关注我们|分享[ \t]*收藏|点赞[ \t]*在看)[^\w\n]{0,5}$", re.MULTILINE), "wechat furniture"),
    # What text generators append.
    (re.compile(r"^[^\n]{0,20}(?:以上(?:内容|材料|范文)?仅供参考|(?:本文|内容|以上内容|此文)(?:由|为|系)\s*(?:AI|人工智能|智能助手)[^\n]{0,6}生成"
                r"|请(?:您)?根据(?:自身|实际|具体|个人)(?:的)?(?:实际)?情况(?:进行)?(?:修改|调整|补充|完善)"
                r"|希望(?:以上内容|这份材料|这篇)?(?:能)?对(?:您|你)有所?帮助)[^\n]{0,60}$", re.MULTILINE), "generator note"),
)
# Every furniture pattern holds one of these: only the short lines that hold one are tried.
_FURNITURE_TRIGGER = re.compile(
    r"[>＞›»大中小篇扫审]|当前|位置|朗读|打印|关闭|纠错|分享|收藏|公开|返回|字号|字体|默认|放大|缩小|A[+＋\-－]|点赞|在看|留言|转发"
    r"|手机|移动端|编辑|责编|校对|排版|供稿|撰稿|监制|摄影|图片|来源|点击|关注|阅读原文|长按|二维码|喜欢此内容|微信号"
    r"|仅供参考|生成|根据|帮助"
)
# Button words in brackets inside a line: 学习心得【打印】【关闭】.
_BRACKET_BUTTON = re.compile(r"【(?:打印(?:本页)?|关闭(?:窗口)?|纠错|收藏|返回顶部|朗读)】|\[(?:打印|关闭|纠错|收藏)\]")
_SITE_WORDS = re.compile(r"网|文库|范文|资料|www|http|\.com|\.cn|公众号|平台")
_PINYIN_VOWEL = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
# Bounded repetitions: a syllable has at most 6 letters, an annotation a few
# syllables, so a long run of Latin letters can never make the match slow.
_PINYIN = re.compile(
    rf"(?<=[{CJK_RANGES}])(?:（\s{{0,2}}(?=[^）\n]{{0,60}}[{_PINYIN_VOWEL}])[a-zA-Z{_PINYIN_VOWEL}]{{1,7}}"
    rf"(?:\s{{1,2}}[a-zA-Z{_PINYIN_VOWEL}]{{1,7}}){{0,7}}\s{{0,2}}）)+"
)
_PUBLISHED = {"发布时间", "发布日期", "发表时间", "更新时间", "发布于"}
_METADATA_MAX, _NAVIGATION_MAX, _TITLE_MIN, _TITLE_MAX, _TITLE_LINES = 150, 120, 6, 60, 6
# A title has no punctuation and no enumerator: a repeated sentence or heading is never one.
_TITLE_PUNCT = re.compile(f"[{PUNCTUATION}]")
_ENUMERATED = re.compile(ENUMERATOR)
_SENTENCE_END = re.compile(f"[{SENTENCE_END}]")


class _Lines:
    """Line bounds of a text, found by binary search over its line ends."""

    def __init__(self, text: str):
        self.text = text
        cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        self.ends = np.flatnonzero(cp == _NEWLINE)

    def bounds(self, at: int) -> tuple[int, int]:
        k = int(np.searchsorted(self.ends, at))
        start = int(self.ends[k - 1]) + 1 if k > 0 else 0
        end = int(self.ends[k]) if k < len(self.ends) else len(self.text)
        return start, end

    def grouped(self, matches: Iterable[re.Match[str]]) -> dict[tuple[int, int], list[tuple[int, int]]]:
        """Match spans grouped by the line they start on, lines in order."""
        groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
        line = (-1, -1)
        for m in matches:
            if not line[0] <= m.start() < line[1]:
                line = self.bounds(m.start())
            groups.setdefault(line, []).append(m.span())
        return groups


def _debris(text: str) -> list[tuple[int, int, str]]:
    """Spans of page debris in normalized text, with their reasons (may overlap).

    Each line is looked at once, and only when a trigger word occurs in it,
    so the cost stays linear in the text.
    """
    lines = _Lines(text)
    found: list[tuple[int, int, str]] = []
    for (a, b), _ in lines.grouped(_ADVERT_TRIGGER.finditer(text)).items():
        if is_advert_line(text[a:b]):
            found.append((a, b, "advert"))
    for (a, b), _ in lines.grouped(_METADATA_KEY.finditer(text)).items():
        if b - a <= _METADATA_MAX and _is_metadata_line(text[a:b]):
            found.append((a, b, "page metadata"))
    for m in _NAVIGATION.finditer(text):
        if len(m.group()) <= _NAVIGATION_MAX:
            found.append((m.start(), m.end(), "page navigation"))
    for (a, b), _ in lines.grouped(_FURNITURE_TRIGGER.finditer(text)).items():
        if b - a <= _FURNITURE_MAX_LINE:
            line = text[a:b]
            found += [(a + m.start(), a + m.end(), reason) for pattern, reason in _FURNITURE for m in pattern.finditer(line)]
    found += [(m.start(), m.end(), "page button") for m in _BRACKET_BUTTON.finditer(text)]
    for m in _PAGE_NOTICE.finditer(text):
        if len(m.group()) <= _NAVIGATION_MAX and not PROBLEM_WORDS.search(m.group()):
            found.append((m.start(), m.end(), "page notice"))
    for (a, b), spans in lines.grouped(_LOGIN_WALL.finditer(text)).items():
        rest = "".join(text[x:y] for x, y in zip([a] + [e for _, e in spans], [s for s, _ in spans] + [b]))
        if not _CONTENT.search(rest) or len(rest) <= 10:
            found.append((a, b, "login wall"))
        else:
            found += [(s, e, "login wall") for s, e in spans]
    found += [(a, b, "repeated title") for a, b in _repeated_titles(lines, {a for a, _, _ in found})]
    found += [(m.start(), m.end(), "pinyin annotation") for m in _PINYIN.finditer(text)]
    return found


def _is_metadata_line(line: str) -> bool:
    keys = {re.sub(r"\s*[：:]$", "", k) for k in _METADATA_KEY.findall(line)}
    if len(keys) >= 2:
        return True
    return bool(keys & _PUBLISHED) and _DATE.search(line) is not None and len(line) <= 60


def _repeated_titles(lines: _Lines, gone: set[int]) -> list[tuple[int, int]]:
    """Later copies of a title line near the top, and of a site-name line that the page repeats."""
    text = lines.text
    titles: list[str] = []
    start = 0
    # Titles are among the first lines that are not themselves debris.
    for end in [*lines.ends.tolist()[:_TITLE_LINES], len(text)]:
        line = text[start:end]
        if start not in gone and line.strip():
            if (
                _TITLE_MIN <= len(line) <= _TITLE_MAX and not _TITLE_PUNCT.search(line)
                and not _ENUMERATED.match(line) and not is_topic(line)  # a heading such as 存在的主要问题 may repeat
            ):
                titles.append(line)
            if len(titles) == _TITLE_LINES // 2:
                break
        start = end + 1
    copies: dict[str, list[tuple[int, int]]] = {
        line: [m.span() for m in re.finditer(rf"^{re.escape(line)}$", text, re.MULTILINE)] for line in titles
    }
    for (a, b), _ in lines.grouped(_SITE_WORDS.finditer(text)).items():
        if b - a <= _TITLE_MAX // 2 and text[a:b] not in titles:
            line = text[a:b]
            if not _SENTENCE_END.search(line) and not PROBLEM_WORDS.search(line):
                copies.setdefault(line, []).append((a, b))
    return [span for spans in copies.values() for span in spans[1:]]


# -- lines broken mid-sentence ---------------------------------------------------
# A line that ends with one of these ends its sentence (or introduces what follows).
_LINE_DONE = frozenset(with_ascii(SENTENCE_END + COLON + CLOSERS) + "…】")
_LINE_CONTINUES = frozenset("，、")
# A line ending in an ideograph continues its sentence on the next line when it
# is this long and holds a comma: a wrapped line of running text, not a title
# or heading (those are short and have no comma).
_WRAPPED_MIN = 20
_DEBRIS_ROUNDS = 4
_LINE_DONE_CODES = np.array(sorted(map(ord, _LINE_DONE)), dtype=np.uint32)
_OPENS_UNIT = re.compile(ENUMERATOR)


def _tabs_to_bars(t: _Text) -> None:
    """Write the tabs inside a line of two or more as cell bars: a table row pasted from a spreadsheet or Word.

    Tabs are otherwise spaces, and spaces between Chinese characters go, which
    would run the cells of a row into one text (4安全办案存在隐患谈话场所…).
    """
    cp = t.cp
    tab = cp == ord("\t")
    if np.count_nonzero(tab) < 2:
        return
    flags, _ = _tables()
    newline = cp == _NEWLINE
    line = np.cumsum(newline)
    solid = np.flatnonzero(((flags[cp] & _SPACE) == 0) & ~newline)
    first = np.full(int(line[-1]) + 1, len(cp), dtype=np.int64)
    last = np.full(int(line[-1]) + 1, -1, dtype=np.int64)
    np.minimum.at(first, line[solid], solid)
    np.maximum.at(last, line[solid], solid)
    tabs = np.flatnonzero(tab)
    of = line[tabs]
    inside = (tabs > first[of]) & (tabs < last[of])
    tabs, of = tabs[inside], of[inside]
    rows = np.bincount(of, minlength=len(first))[of] >= 2
    cp[tabs[rows]] = ord(CELL_BARS[0])


def _join_broken_lines(t: _Text) -> bool:
    """Join lines broken mid-sentence, as a web page or a PDF copy breaks them.

    A line that ends without a sentence end (。！？；：) is joined to the next
    line when the next one starts with running text (an ideograph, not an
    enumerator such as 一是 or （二）) and the line ends with a comma, or is a
    long line of running text ending in an ideograph. Blank lines between
    them are joined too, so cleaning stays idempotent. The line end goes (or
    becomes a space between Latin words); offsets keep their raw positions.
    Tells whether any line was joined.
    """
    flags, _ = _tables()
    cp = t.cp
    newline = cp == _NEWLINE
    # Candidates, found with arrays: a line end whose next line starts with an ideograph and
    # whose line does not end its sentence. Only these are looked at one by one.
    ends = np.flatnonzero(newline & ~_shift_prev(newline, False))
    if not len(ends):
        return False
    run_end = np.flatnonzero(newline & ~_shift_next(newline, False)) + 1
    done = np.isin(cp[np.maximum(ends - 1, 0)], _LINE_DONE_CODES) | (ends == 0)
    starts_text = np.zeros(len(ends), dtype=bool)
    inside = run_end < len(cp)
    starts_text[inside] = (flags[cp[run_end[inside]]] & _IDEOGRAPH) != 0
    where = np.flatnonzero(~done & starts_text)
    if not len(where):
        return False
    text = t.string()
    # Python lists of the candidates only: a document of a million short lines has none.
    own_starts = np.where(where > 0, run_end[np.maximum(where - 1, 0)], 0).tolist()
    drop: list[tuple[int, int]] = []
    space: list[int] = []
    joined_at, joined_start, joined_comma = -2, 0, False  # the last run joined; where its line started, a comma in it
    for k, a, b, own_start in zip(where.tolist(), ends[where].tolist(), run_end[where].tolist(), own_starts):
        # A line starts after the previous run of line ends, unless that run was joined too;
        # each physical line is searched for a comma once.
        chained = joined_at == k - 1
        line_start = joined_start if chained else own_start
        comma = (chained and joined_comma) or text.find("，", own_start, a) >= 0
        if not _joins(text, line_start, a, b, flags, comma):
            continue
        joined_at, joined_start, joined_comma = k, line_start, comma
        if (flags[ord(text[a - 1])] | flags[ord(text[b])]) & (_IDEOGRAPH | _CJK_PUNCT):
            drop.append((a, b))
        else:
            space.append(a)
            drop.append((a + 1, b))
    if space:
        t.cp[np.array(space, dtype=np.int64)] = _BLANK
    t.keep(_spans_mask(len(t), [(a, b) for a, b in drop if b > a]))
    return bool(drop)


def _joins(text: str, start: int, end: int, next_start: int, flags: np.ndarray, comma: bool) -> bool:
    """Whether the line ``text[start:end]`` (``comma``: it holds a comma) continues at ``next_start``."""
    last = text[end - 1]
    if last in _LINE_DONE or _OPENS_UNIT.match(text, next_start):
        return False
    next_end = text.find("\n", next_start)
    if table_row_cells(text[start:end]) or table_row_cells(text[next_start : len(text) if next_end < 0 else next_end]):
        return False  # a table row pasted as text ends at its line
    if last in _LINE_CONTINUES:
        return True
    return bool(flags[ord(last)] & _IDEOGRAPH) and end - start >= _WRAPPED_MIN and comma


def _drop_debris(t: _Text, dropped: list[Dropped], raw: str) -> bool:
    """Drop the debris of the text; tell whether there was any."""
    text = t.string()
    spans = _debris(text)
    if not spans:
        return False
    for a, b, reason in spans:
        ra, rb = int(t.pos[a]), int(t.pos[b - 1]) + 1
        dropped.append(Dropped(ra, rb, reason, raw[ra:rb]))
    t.keep(_spans_mask(len(t), [(a, b) for a, b, _ in spans]))
    return True


def _merge(dropped: list[Dropped], raw: str) -> tuple[Dropped, ...]:
    """Sort, and merge overlapping spans (a login wall inside an advert line)."""
    out: list[Dropped] = []
    for d in sorted(dropped, key=lambda d: (d.start, -d.end)):
        if out and d.start < out[-1].end:
            last = out[-1]
            if d.end > last.end:
                out[-1] = Dropped(last.start, d.end, last.reason, raw[last.start : d.end])
            continue
        out.append(d)
    return tuple(out)


def clean_document(raw: str, *, join_lines: bool = True) -> CleanedText:
    """Clean a raw document and report what was removed.

    Parameters
    ----------
    raw : str
        The raw text.
    join_lines : bool
        Join lines broken mid-sentence (see :func:`_join_broken_lines`);
        False where every line is a real paragraph, as in a .docx.

    Returns
    -------
    CleanedText
        The cleaned text, the debris dropped (raw offsets and reasons), and
        the raw offset of every cleaned character.

    Examples
    --------
    >>> c = clean_document("学（xué）习不够。\\n登录后可阅读全文")
    >>> c.text
    '学习不够。'
    >>> [(d.reason, d.text) for d in c.dropped]
    [('pinyin annotation', '（xué）'), ('login wall', '登录后可阅读全文')]
    """
    if not isinstance(raw, str):
        raise TypeError(f"clean() expects str, got {type(raw).__name__}")
    t = _Text(raw)
    flags, _ = _tables()
    cp = t.cp
    # \r\n and lone \r are line ends; invisible marks and control characters render as nothing.
    cr = cp == ord("\r")
    t.keep(~(cr & _shift_next(cp == _NEWLINE, False)) & ((flags[cp] & _INVIS) == 0))
    t.cp[t.cp == ord("\r")] = _NEWLINE
    dropped: list[Dropped] = []
    text = t.string()
    paywall = [m.span() for m in PAYWALL_PATTERN.finditer(text)]
    for a, b in paywall:
        ra, rb = int(t.pos[a]), int(t.pos[b - 1]) + 1
        dropped.append(Dropped(ra, rb, "paywall marker", raw[ra:rb]))
    t.keep(_spans_mask(len(t), paywall))
    _tabs_to_bars(t)
    _normalize(t)
    # A joined line can be furniture that its halves were not (编辑丨… joined to 来源：…), and a line
    # that lost debris can be debris itself: join and drop again until nothing changes, so that
    # cleaning stays idempotent. Two rounds are the most seen; the cap keeps adversarial text linear.
    changed = _drop_debris(t, dropped, raw)
    for _ in range(_DEBRIS_ROUNDS):
        joined = join_lines and _join_broken_lines(t)
        if not (changed or joined):
            break
        changed = _drop_debris(t, dropped, raw)
    _normalize(t)
    # Blank lines go: a line end at the start or right after another, and at the end.
    newline = t.cp == _NEWLINE
    t.keep(~(newline & _shift_prev(newline, True)))
    if len(t) and t.cp[-1] == _NEWLINE:
        t.keep(np.arange(len(t)) < len(t) - 1)
    return CleanedText(t.string(), _merge(dropped, raw), t.pos)


def clean(text: str) -> str:
    """Clean a raw document or sentence.

    Removes page debris (see :func:`clean_document`, which also reports
    it), turns half-width punctuation in Chinese text into its full-width
    form, fullwidth digits and letters into ASCII, folds white space and
    drops blank lines. The tabs of a line of two or more (a table row
    pasted from a spreadsheet) become cell bars ｜. Masked names (``XXX``,
    ``××``) are kept.

    Parameters
    ----------
    text : str
        Raw text.

    Returns
    -------
    str
        Cleaned text, one paragraph a line.

    Examples
    --------
    >>> clean("##paidbegin##学习不够深入 , 比如XXX同志.\\n\\n\\n二是……")
    '学习不够深入，比如XXX同志。\\n二是……'
    """
    return clean_document(text).text

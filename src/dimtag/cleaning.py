"""Cleaning raw documents: paywall debris, advertising blocks, punctuation and space.

The cleaned text is what segmentation, offsets and the model all see, so
cleaning is idempotent: ``clean(clean(t)) == clean(t)``.
"""

from __future__ import annotations

import re

from .normalization import CJK_RANGES, FULLWIDTH_ALNUM, HALF_TO_FULL_PUNCT, INVISIBLE, MASK_PATTERN, SPACES

__all__ = ["clean", "is_advert_line", "MASK_PATTERN"]

_PAYWALL = re.compile(r"#{2}\s*paid\s*(?:begin|end)\s*#{2}", re.IGNORECASE)

# Words of the promotion blocks that material-sharing sites append. One of
# them alone can occur in a real sentence (微信公众号 as a channel for 廉洁文化),
# so a line is an advert only when at least two different ones occur.
_ADVERT_WORDS = (
    "素材库", "会员", "客服", "微信", "代发布", "润笔", "接单", "网盘",
    "一键", "下载", "谨防假冒", "包满意", "原创", "小伙伴", "公众号", "关注",
    "svip", "vip",
)
# Sites obfuscate their contact words with stray symbols (微^信, 质%量).
_OBFUSCATION = re.compile(r"[%^@&~*#$|\\/_+=<>`'\"\s]")

_CJK_PUNCT = r"，。、；：？！“”‘’（）《》【】—…·"
_CJK_CONTEXT = f"[{CJK_RANGES}{_CJK_PUNCT}]"

_HALF = re.escape("".join(HALF_TO_FULL_PUNCT))
_HALF_PUNCT_NEAR_CJK = re.compile(rf"(?<={_CJK_CONTEXT})\s*([{_HALF}])|([{_HALF}])(?=\s*{_CJK_CONTEXT})")
# A full stop right after a Chinese character ends a Chinese sentence; after a
# digit it is an enumeration ("1.") or a decimal, and stays.
_HALF_STOP = re.compile(rf"(?<=[{CJK_RANGES}])\.(?!\d)")
_SPACE_NEAR_CJK = re.compile(rf"(?<={_CJK_CONTEXT})[ ]+|[ ]+(?={_CJK_CONTEXT})")
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_HSPACE = re.compile(f"[{SPACES}]+")


def is_advert_line(line: str) -> bool:
    """Tell whether a line is part of an advertising or promotion block.

    Examples
    --------
    >>> is_advert_line("欢迎加入素材库会员，添加客服微信")
    True
    >>> is_advert_line("充分利用短视频、直播、微信公众号等新方式。")
    False
    """
    squashed = _OBFUSCATION.sub("", line).lower()
    hits = {w for w in _ADVERT_WORDS if w in squashed}
    # 微信 and 公众号 together are one channel, not two signals.
    if hits >= {"微信", "公众号"}:
        hits.discard("公众号")
    return len(hits) >= 2


def _normalize_line(line: str) -> str:
    line = _HSPACE.sub(" ", line)
    line = line.translate(FULLWIDTH_ALNUM)
    line = _HALF_PUNCT_NEAR_CJK.sub(lambda m: HALF_TO_FULL_PUNCT[m.group(1) or m.group(2)], line)
    line = _HALF_STOP.sub("。", line)
    line = _SPACE_NEAR_CJK.sub("", line)
    return line.strip()


def _clean_once(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _PAYWALL.sub("", text)
    lines = (_normalize_line(line) for line in text.split("\n"))
    kept = [line for line in lines if line and not is_advert_line(line)]
    return "\n".join(kept)


def clean(text: str) -> str:
    """Clean a raw document or sentence.

    Removes paywall markers and advertising lines, turns half-width
    punctuation in Chinese text into its full-width form, fullwidth digits and
    letters into ASCII, folds white space and drops blank lines. Masked names
    (``XXX``, ``××``) are kept.

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
    if not isinstance(text, str):
        raise TypeError(f"clean() expects str, got {type(text).__name__}")
    # One pass can expose a new neighbour (a removed space puts a comma next to
    # a Chinese character), so repeat until nothing changes: that makes clean
    # idempotent by construction. Each pass only removes characters or turns
    # half-width ones full-width, so the loop ends.
    while True:
        cleaned = _clean_once(text)
        if cleaned == text:
            return text
        text = cleaned

"""Text preparation and tokenizers shared by training and inference.

Everything here lives at module level so that fitted scikit-learn pipelines
that reference it pickle and unpickle cleanly.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Sequence
from importlib import resources

from .cleaning import MASK_PATTERN

__all__ = ["prepare", "prepare_joined", "jieba_words", "plain_jieba_words", "cached_jieba_words", "user_words"]

# One translate() call: fullwidth digits and letters to ASCII, half-width
# punctuation to its Chinese form, odd spaces to a space, invisible marks out.
_TABLE = {cp: cp - 0xFEE0 for r in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)) for cp in range(*r)}
_TABLE.update({ord(h): f for h, f in zip(",;:?!()", "，；：？！（）")})
_TABLE.update({ord(c): " " for c in "\t\r\n\f\v\u00a0\u3000\u2002\u2003\u2009\u202f"})
_TABLE.update({ord(c): None for c in "\ufeff\u200b\u200c\u200d\u2060\u00ad"})
# Other control characters carry nothing; NUL also separates texts in a batch.
_TABLE.update({cp: None for cp in [*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F]})
_CN = "一二三四五六七八九十"
# One regex pass removes what carries no meaning for the dimension: paywall
# markers, enumerators ("一是", "1.", "（一）", "①"), masked names (XXX, ××),
# digits and white space. Enumerators come before digits so that "1." goes
# whole. NUL counts as a text start, for batches joined with NUL.
_NOISE = re.compile(
    "|".join(
        (
            r"#{2}\s*paid\s*(?:begin|end)\s*#{2}",
            rf"(?:^|(?<=[。；：！？\s\0]))(?:[{_CN}]{{1,2}}是|第[{_CN}]{{1,2}}[，、]|[{_CN}]{{1,2}}、"
            rf"|（[{_CN}\d]{{1,2}}）|\d{{1,2}}[.、．](?!\d)|[①-⑳])",
            MASK_PATTERN.pattern,
            r"\d+(?:\.\d+)?",
            r"[^\S\0]+",
        )
    ),
    re.IGNORECASE,
)


# Kept by the word tokenizer; tokens with neither a letter nor a CJK
# character (punctuation) are dropped.
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")


def prepare(text: str) -> str:
    """Normalize a sentence for the model, in one translate and one regex pass.

    Fullwidth/half-width forms are unified; masked names (``XXX``, ``××``),
    enumerators, digits and white space are removed so that they never
    become features. A lone "." becomes "。".

    Examples
    --------
    >>> prepare("一是对XXX同志的批评 2 次不够 .")
    '对同志的批评次不够。'
    >>> prepare("（二）学习不够,调研不深")
    '学习不够，调研不深'
    """
    return _NOISE.sub("", text.translate(_TABLE)).replace(".", "。")


def prepare_joined(texts: Sequence[str]) -> str:
    """``"\\0".join(prepare(t) for t in texts)``, with one regex pass for the batch.

    ``prepare`` removes NUL from every text, so NUL separates them safely.

    Examples
    --------
    >>> prepare_joined(["一是学习不够。", "二是XX调研少"]).split("\\0")
    ['学习不够。', '调研少']
    """
    joined = "\0".join([t.translate(_TABLE) for t in texts])
    return _NOISE.sub("", joined).replace(".", "。")


@lru_cache(maxsize=1)
def user_words() -> tuple[str, ...]:
    """The domain terms shipped in ``dimtag/resources/userdict.txt``."""
    text = resources.files("dimtag").joinpath("resources/userdict.txt").read_text(encoding="utf-8")
    return tuple(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


_tokenizers: dict[bool, object] = {}
_tokenizer_lock = threading.Lock()


def _jieba(user_dict: bool = True):
    """A private, lazily built jieba tokenizer, with or without the domain dictionary.

    The global ``jieba.dt`` and its settings are never touched, and the
    tokenizer never writes a cache file, so read-only file systems work.
    """
    tok = _tokenizers.get(user_dict)
    if tok is None:
        with _tokenizer_lock:
            tok = _tokenizers.get(user_dict)
            if tok is None:
                tok = _tokenizers[user_dict] = _build_jieba(user_dict)
    return tok


def _build_jieba(user_dict: bool):
    import logging

    import jieba

    # jieba logs "Building prefix dict" at DEBUG on its own logger; keep that
    # logger's level as the host set it, only silence this one call.
    log = logging.getLogger("jieba")
    previous = log.disabled
    log.disabled = True
    try:
        tok = jieba.Tokenizer()
        tok.FREQ, tok.total = tok.gen_pfdict(tok.get_dict_file())
        tok.initialized = True
        for word in user_words() if user_dict else ():
            tok.add_word(word, freq=100000)
    finally:
        log.disabled = previous
    return tok


def jieba_words(text: str) -> list[str]:
    """Segment a prepared sentence into words with the private jieba tokenizer.

    Punctuation is dropped; single characters are kept.

    Examples
    --------
    >>> "两个确立" in jieba_words("深刻领悟两个确立的决定性意义")
    True
    """
    return [w for w in _jieba().lcut(text, HMM=False) if _WORDLIKE.match(w)]


def plain_jieba_words(text: str) -> list[str]:
    """Like :func:`jieba_words` but without the domain dictionary (for comparison)."""
    return [w for w in _jieba(False).lcut(text, HMM=False) if _WORDLIKE.match(w)]


@lru_cache(maxsize=1 << 16)
def _cached(text: str) -> tuple[str, ...]:
    return tuple(jieba_words(text))


def cached_jieba_words(text: str) -> list[str]:
    """:func:`jieba_words` with a cache, for training.

    Grouped cross-validation vectorizes the same sentences once per fold and
    configuration; inference and benchmarks use the uncached function.
    """
    return list(_cached(text))

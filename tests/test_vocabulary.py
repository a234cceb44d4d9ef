"""The text's vocabulary has one home, and every reader of the text agrees with it.

- The segmenter and the model's preparation agree on every enumerator: what
  opens a point or a heading for one is structure (not a feature) for the other.
- Cleaning and preparation agree on spaces, invisible marks and control characters.
- The role pre-filter, derived from the role patterns, finds every sentence they find.
- No module of ``src/`` spells out a character class, a numeral set, a sentence-end
  class or an enumerator the vocabulary owns.
"""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dimtag import clean, lexicon, segment
from dimtag._trigger import trigger_of
from dimtag.features import prepare
from dimtag.vocabulary import CONTROLS, INVISIBLE, SPACES

ROOT = Path(__file__).resolve().parents[1]

# -- the enumerators --------------------------------------------------------------

_DIGITS = "一二三四五六七八九"


def chinese(n: int) -> str:
    """1..99 as a heading writes it: 七, 十二, 二十, 二十一."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens - 1] + "十")
    return head + (_DIGITS[ones - 1] if ones else "")


def test_chinese_numbers_are_written_as_in_headings() -> None:
    assert [chinese(n) for n in (1, 9, 10, 11, 20, 21)] == ["一", "九", "十", "十一", "二十", "二十一"]


_UP_TO = range(1, 22)  # one to twenty-one: past 十 the numeral takes two and three characters
# Every marker, with the form the segmenter must read it as (written by hand, not taken from the grammar).
MARKERS: list[tuple[str, str]] = [
    *((f"{chinese(n)}是", "shi") for n in _UP_TO),
    *((f"第{chinese(n)}{mark}", "ordinal") for n in _UP_TO for mark in "，、："),
    *((f"{n}{mark}", "numbered") for n in _UP_TO for mark in (".", "、", "．")),
    *((f"（{n}）", "paren") for n in _UP_TO),
    *((f"({n})", "paren") for n in _UP_TO),
    *((chr(0x2460 + n - 1), "circled") for n in range(1, 21)),  # ① to ⑳
    *((f"（{chinese(n)}）", "section") for n in (1, 2, 10, 21)),
    *((f"{chinese(n)}、", "part") for n in (1, 2, 10, 21)),
]
BODY = "学习不够深入，调研不够扎实。"


@pytest.mark.parametrize(("marker", "form"), MARKERS)
def test_the_segmenter_and_the_features_agree_on_each_enumerator(marker: str, form: str) -> None:
    text = clean(marker + BODY)
    first = segment(text)[0]
    assert (first.start, first.style) == (0, form)  # the segmenter opens a point or a heading with it
    assert prepare(text) == prepare(BODY)  # and the model never sees it


@pytest.mark.parametrize(("marker", "form"), [m for m in MARKERS if m[1] not in ("part", "section")][::7])
@pytest.mark.parametrize("before", ["调研不够。", "调研不够；", "存在以下问题：", "调研不够！"])
def test_they_agree_after_a_sentence_end_too(before: str, marker: str, form: str) -> None:
    text = clean(before + marker + BODY)
    items = [s for s in segment(text) if s.kind == "item"]
    assert [s.style for s in items if s.start == len(before)] == [form]
    assert prepare(text) == prepare(before + BODY)


@pytest.mark.parametrize("text", ["第一时间学习不够深入。", "十分重视学习不够。", "一些同志学习不够。", "二十多年来学习不够。", "十一月份学习不够。"])
def test_what_is_no_enumerator_is_kept_by_both(text: str) -> None:
    first = segment(clean(text))[0]
    assert first.style == ""
    assert prepare(text) == text


# -- cleaning and preparation ------------------------------------------------------


@pytest.mark.parametrize("mark", list(CONTROLS + INVISIBLE))
def test_clean_and_prepare_drop_the_same_marks(mark: str) -> None:
    text = f"学习{mark}不够。"
    assert clean(text) == prepare(text) == "学习不够。"


@pytest.mark.parametrize("space", list(SPACES))
def test_clean_and_prepare_read_the_same_spaces(space: str) -> None:
    # Between Chinese characters a space is layout for both.
    assert clean(f"学习{space}不够") == prepare(f"学习{space}不够") == "学习不够"
    # Between words of Latin letters it stays one space for the reader; the model drops it.
    assert clean(f"word{space}word") == "word word"


# -- the role pre-filter -------------------------------------------------------------------


def _labeled_texts() -> list[str]:
    with open(ROOT / "data" / "labels.csv", encoding="utf-8-sig", newline="") as f:
        return [row["text"] for row in csv.DictReader(f)]


@pytest.mark.parametrize("pattern", lexicon._ROLE_PATTERNS, ids=lambda p: f"pattern{lexicon._ROLE_PATTERNS.index(p)}")
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_the_role_trigger_finds_every_sentence_a_role_pattern_finds(pattern: re.Pattern[str], data: st.DataObject) -> None:
    text = data.draw(st.from_regex(pattern))
    assert pattern.search(text)
    assert lexicon._ROLE_TRIGGER.search(text), text


def test_the_role_trigger_changes_no_role_and_rules_out_most_sentences(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _labeled_texts()
    with_trigger = [lexicon.role_of(t, first) for t in texts for first in (True, False)]
    monkeypatch.setattr(lexicon, "_ROLE_TRIGGER", re.compile(""))  # every sentence goes through every pattern
    assert [lexicon.role_of(t, first) for t in texts for first in (True, False)] == with_trigger
    # Most labeled items state a problem: one search must rule most of them out.
    monkeypatch.undo()
    assert sum(lexicon._ROLE_TRIGGER.search(t) is not None for t in texts) < 0.3 * len(texts)


def test_a_trigger_takes_needed_literals_and_falls_back_to_the_whole_pattern() -> None:
    trigger = trigger_of([re.compile(r"^谢谢[！。]?$"), re.compile(r"(?:请|恳请)[^。]{0,10}(?:批评|指正)"), re.compile(r"\d+")])
    assert trigger.search("谢谢！") and trigger.search("请大家批评") and trigger.search("共12人")
    assert not trigger.search("请大家多提意见") and not trigger.search("调研不够")  # 请 alone is not enough
    only_digits = trigger_of([re.compile(r"\d+")])
    assert only_digits.search("共12人") and not only_digits.search("调研不够")
    # A literal under an inline flag matches more than itself: the trigger takes another piece, or the whole.
    assert trigger_of([re.compile("ab(?i:cd)")]).search("abCD") and trigger_of([re.compile("(?i:cd)")]).search("CD")
    with pytest.raises(ValueError):
        trigger_of([re.compile("a"), re.compile("b", re.IGNORECASE)])


# -- one home ----------------------------------------------------------------------

#: What only the vocabulary may spell out, in the code (not the docstrings) of every other module.
SPELLED_OUT = {
    "a code point range": re.compile(r"\\u[0-9a-fA-F]{4}-|[\u2460-\uffff]-[\u2460-\uffff]"),
    "a class of numerals": re.compile(r"\[[^\]]*[零一二三四五六七八九十两][^\]]*[零一二三四五六七八九十两][^\]]*\]"),
    "a run of numerals": re.compile(r"[零一二三四五六七八九十]{3,}"),
    "a class of sentence ends": re.compile(r"\[[^\]]*[。！？；][^\]]*[。！？；][^\]]*\]"),
    "a run of sentence ends or closers": re.compile(r"[。！？；]{2,}|[”’」』）》]{2,}|[“‘「『（《]{2,}"),
    "an enumerator": re.compile(r"第\[|\]\{1,\d\}是|\]\{1,\d\}、|（\\d|\\d\{1,2\}\[|①-⑳"),
}


def _code_strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_module_spells_out_the_vocabulary() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {what}: {text[:60]!r}"
        for path in sorted((ROOT / "src" / "dimtag").rglob("*.py"))
        if path.name != "vocabulary.py"
        for line, text in _code_strings(path)
        for what, pattern in SPELLED_OUT.items()
        if pattern.search(text)
    ]
    assert found == []


def test_the_search_for_spelled_out_vocabulary_finds_what_it_must() -> None:
    # The patterns above catch the forms the vocabulary replaced.
    for text in ("[\\u4e00-\\u9fff]", "[一二三四五六七八九十]", "零一二三", "[。！？；]", "。！？；”’」』）》",
                 "[①-⑳]", "第[一二]{1,2}[，、]", "（\\d{1,2}）", "\\d{1,2}[.、．]"):
        assert any(p.search(text) for p in SPELLED_OUT.values()), text
    assert _code_strings(ROOT / "src" / "dimtag" / "vocabulary.py")

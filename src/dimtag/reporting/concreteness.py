"""Is a problem concrete (见人见事) or formula language? The evidence, not just a score.

A problem is *concrete* when it carries at least one of: an example marker
(比如, 例如, 如：…), a number, a date or period, or a named task, project,
place or event. Each kind of evidence is reported as the words that matched.
*Person* says whether the writer speaks of themself (我, 本人, 自己) or of
others (有的同志, 个别党员…), which a self-criticism should not.

*Genericity* says how close a problem is to what the whole folder writes
(see :func:`genericity`). Formula problems score high; problems about the
writer's own work score low.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..vocabulary import CJK_RANGES, CN_COUNTING, CN_MAGNITUDES, CN_NUMERALS, ENUMERATOR, OPENS_AFTER
from .shingles import frequencies, reduce_text, shingles

__all__ = ["EVIDENCE_KINDS", "Evidence", "evidence", "genericity", "genericity_of", "problem_bigrams"]

#: The kinds of evidence, in the order of the report's columns.
EVIDENCE_KINDS = ("example", "number", "date", "named")

_CN = CN_NUMERALS + CN_COUNTING + CN_MAGNITUDES
_UNITS = "万元|亿元|元|平方米|亩|公里|次|个|名|人|件|天|项|家|户|篇|起|处|所|年|月|倍|批|条|场|本|座|台|字"
_PATTERNS: dict[str, re.Pattern[str]] = {
    "example": re.compile(r"比如|例如|譬如|又如|再如|诸如|(?<![例比譬又再诸假])如[：:]|拿[^。，]{1,12}来说"),
    "number": re.compile(
        rf"\d+(?:[.．]\d+)?(?:%|％|万|亿)?[余多]?(?:{_UNITS})?"
        rf"|[{_CN}]+分之[{_CN}]+"
        rf"|(?<![第是])(?!一)[{CN_NUMERALS}{CN_COUNTING}][{CN_MAGNITUDES}]?[余多]?(?:次|个|名|人|件|天|项|家|户|篇|起|处|所|成|倍|批|条|场)"
    ),
    "date": re.compile(
        rf"\d{{4}}年(?:\d{{1,2}}月)?|\d{{1,2}}月(?:份|底|初|中旬|下旬|上旬)?|[{CN_NUMERALS}]{{1,2}}月(?:份|底|初)?"
        rf"|今年|去年|前年|上半年|下半年|年初|年底|年内|年末|近[{CN_NUMERALS}{CN_COUNTING}]年|第?[{CN_NUMERALS}]季度"
        r"|春节|国庆|汛期|暑期|寒假|换届期间|疫情期间"
    ),
    "named": re.compile(
        r"[A-Z][A-Z-]{1,}[A-Z]"
        r"|\d+号楼"
        rf"|[{CJK_RANGES}]{{1,3}}(?<![全各本该每我])(?:村|镇|社区|小区|中学|小学|医院|公司|工地|园区|产业园)"
        rf"(?![{CJK_RANGES}]{{0,1}}(?:干部|党组织|工作|建设|发展|振兴|习))"
        r"|“[^”]{2,12}”(?:项目|工程|行动|活动|平台|改革|专项)"
        rf"|[{CJK_RANGES}]{{2,6}}(?:项目|工程|大棚|食堂|平台|专项行动|专项检查|巡察|审计|事故|案件|招投标)"
    ),
}
# An enumerator (一是, 2., （三）) is structure, not a number.
_ENUMERATORS = re.compile(rf"(?:^|(?<=[{OPENS_AFTER}]))\s*(?:{ENUMERATOR})")
# Function words a name cannot start with: the match reached too far back.
_LEAD = re.compile(r"^(?:由于|照着|对于|关于|通过|按照|根据|围绕|针对|[的对在了是有把将和与及个起月年日中为给向从到])+")
# Words that look like a place or project but name a kind of thing, not one thing.
_GENERIC_NAMES = re.compile(
    r"^(?:全|各|本|该|有关|相关|重点|重大|基层|农村|城乡|乡镇|城市|社区|部分|个别|一些|所有|其他|其它"
    r"|今年|去年|前年|上半年|下半年|年初|年底)"
)
_FIRST_PERSON = re.compile(r"我|本人|自己|自身")
_OTHERS = re.compile(r"(?:有的|有些|个别|少数|部分|一些)同志")


@dataclass(frozen=True)
class Evidence:
    """What makes a problem concrete, and who it speaks of.

    Attributes
    ----------
    example, number, date, named : tuple of str
        The words that matched, in order of appearance, each once.
    person : {"first", "others", "none"}
        ``others`` when the problem speaks of 有的同志 and the like (even if it
        also says 我), ``first`` when it speaks of the writer, else ``none``.
    """

    example: tuple[str, ...]
    number: tuple[str, ...]
    date: tuple[str, ...]
    named: tuple[str, ...]
    person: str

    @property
    def concrete(self) -> bool:
        """True when any kind of evidence was found."""
        return bool(self.example or self.number or self.date or self.named)


def _unique(found: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f for f in found if f))


def evidence(text: str) -> Evidence:
    """Find the evidence of concreteness in one problem.

    Examples
    --------
    >>> e = evidence("比如，今年镇里投入120万元建设的食用菌大棚亏损近30万元，我没有及时过问。")
    >>> e.concrete, e.example, e.number, e.date, e.person
    (True, ('比如',), ('120万元', '30万元'), ('今年',), 'first')
    >>> e.named
    ('食用菌大棚',)
    >>> evidence("2.政治站位不够高。").number
    ()
    >>> evidence("溪口村的问题我去了两次，全镇都知道。").named, evidence("组织集中学习。").named
    (('溪口村',), ())
    >>> evidence("由于医院事务繁杂，学习少。").named
    ()
    >>> e = evidence("理论学习不够深入，有的同志存在以干代学的情况。")
    >>> e.concrete, e.person
    (False, 'others')
    """
    text = _ENUMERATORS.sub(lambda m: " " * len(m.group(0)), text)
    dates = _PATTERNS["date"].findall(text)
    found = {kind: [m.group(0) for m in _PATTERNS[kind].finditer(text)] for kind in ("example", "number", "named")}
    # A number that is part of a date is the date's evidence, not a count.
    date_spans = [m.span() for m in _PATTERNS["date"].finditer(text)]
    numbers = [
        m.group(0).strip()
        for m in _PATTERNS["number"].finditer(text)
        if not any(a <= m.start() < b for a, b in date_spans)
    ]
    named = [_LEAD.sub("", n.rsplit("的", 1)[-1]) for n in found["named"]]
    named = [n for n in named if len(n) > 2 and not _GENERIC_NAMES.match(n)]
    if _OTHERS.search(text):
        person = "others"
    elif _FIRST_PERSON.search(text):
        person = "first"
    else:
        person = "none"
    return Evidence(_unique(found["example"]), _unique(numbers), _unique(dates), _unique(named), person)


def genericity(doc_texts: Sequence[Sequence[str]]) -> list[list[float]]:
    """For each document, the genericity of each of its problems (0 to 1).

    The genericity of a problem is the mean, over its character bigrams, of
    the share of the *other* documents' problems that use the bigram: how
    much of its wording the rest of the folder writes too. Bigrams rather
    than longer grams, because formula problems share words (还不够, 进一步,
    有待) more than whole phrases.

    Parameters
    ----------
    doc_texts : sequence of sequence of str
        Per document, the texts of its problems.

    Returns
    -------
    list of list of float
        Same shape as ``doc_texts``.

    Examples
    --------
    >>> genericity([["学习还不够深入。"], ["学习不够深入。"], ["今年修了3座桥。"]])
    [[0.333], [0.4], [0.0]]
    """
    n_docs = len(doc_texts)
    per_problem = [problem_bigrams(texts) for texts in doc_texts]
    per_doc = [np.concatenate(p) if p else np.empty(0, dtype=np.uint64) for p in per_problem]
    keys, df = frequencies(per_doc)
    return [genericity_of(problems, keys, df, n_docs) for problems in per_problem]


def problem_bigrams(texts: Sequence[str]) -> list[np.ndarray]:
    """The character-bigram hashes of each problem of one document, as :func:`genericity` counts them."""
    return [shingles(reduce_text(t)[0], 2) for t in texts]


def genericity_of(problems: Sequence[np.ndarray], keys: np.ndarray, df: np.ndarray, n_docs: int) -> list[float]:
    """The genericity of one document's problems, given the bigrams of each (:func:`problem_bigrams`).

    ``keys`` and ``df``: the sorted bigrams of the folder's problems and the number of documents whose problems
    use each (this document's among them), as :func:`~dimtag.reporting.shingles.frequencies` counts them.
    """
    row = []
    for h in problems:
        if len(h) == 0 or n_docs < 2:
            row.append(0.0)
            continue
        others = df[np.searchsorted(keys, h)] - 1  # the document itself holds each of its bigrams
        row.append(round(float(np.mean(others / (n_docs - 1))), 3))
    return row

"""Does a document speak to every required aspect, with a cause and a measure for each?

Problems, causes, measures and strengths are counted by the roles of the
document's points (:mod:`.points`), never by a part heading alone. The
aspects are the model's labels: the six dimensions of the shipped model, or
the labels of a model trained on another framework.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..dimensions import Dimension
from ..roles import Role
from ..tagger import Label
from .points import Point

__all__ = [
    "DEFAULT_EXPECT", "DimensionCoverage", "coverage", "coverage_flags", "label_name", "parse_dimensions", "uncertainty",
]

#: The required dimensions by default: the six.
DEFAULT_EXPECT: tuple[Dimension, ...] = tuple(Dimension)
#: Under this mean role probability, what the points do (problem, cause, measure) is too unsure to count on.
#: 0.45: a role model that cannot tell two of the five roles apart gives each about 0.5 (and 0.2 for none
#: of them); a small role model that reads the roles right gives 0.6 and more.
ROLE_SURE = 0.45
#: Over this share of problems without an aspect, the aspects of the document are too unsure to say one is missing.
UNPLACED_SHARE = 0.5


@dataclass(frozen=True)
class DimensionCoverage:
    """The points of one document for one aspect.

    Attributes
    ----------
    dimension : Dimension or str
        The aspect (a model label).
    problems, causes, measures, positives : int
        Points whose role is problem, cause, measure or positive.
    problem_chars : int
        Characters of its problems (a point count alone hides a one-line problem).
    """

    dimension: Label
    problems: int
    causes: int
    measures: int
    positives: int
    problem_chars: int


def label_name(label: Label, names: Mapping[str, str] | None = None) -> str:
    """The name a reader sees: its display name in ``names`` (the model's framework), else the Chinese name
    of a dimension, else a custom label as it is.

    Examples
    --------
    >>> label_name(Dimension.THEORY), label_name("带头坚定理想信念"), label_name("loyalty", {"loyalty": "带头强化政治忠诚"})
    ('理论学习', '带头坚定理想信念', '带头强化政治忠诚')
    """
    if names and str(label) in names:
        return names[str(label)]
    return label.zh if isinstance(label, Dimension) else str(label)


def parse_dimensions(
    values: Iterable[str | Label], labels: Sequence[Label] = DEFAULT_EXPECT, names: Mapping[str, str] | None = None,
) -> tuple[Label, ...]:
    """Read aspects given by id (``theory``) or name (``理论学习``) among ``labels``.

    ``labels`` are the model's labels (the six dimensions by default); a
    custom label is given by its id or by its display name in ``names``
    (the model's framework, :attr:`dimtag.Framework.names`).

    Raises
    ------
    ValueError
        A name that is no label; the message lists the valid ones.

    Examples
    --------
    >>> parse_dimensions(["theory", "廉洁自律"])
    (<Dimension.THEORY: 'theory'>, <Dimension.INTEGRITY: 'integrity'>)
    >>> parse_dimensions(["带头学习"], ["带头学习", "带头担当"])
    ('带头学习',)
    >>> parse_dimensions(["带头强化政治忠诚", "duty"], ["loyalty", "duty"], {"loyalty": "带头强化政治忠诚"})
    ('loyalty', 'duty')
    """
    by_name: dict[str, Label] = {}
    for label in labels:
        by_name[str(label)] = label
        by_name[label_name(label, names)] = label
    found: list[Label] = []
    for value in values:
        key = unicodedata.normalize("NFC", str(value.value if isinstance(value, Dimension) else value).strip())
        if key not in by_name:
            valid = ", ".join(str(label) if label_name(label, names) == str(label) else f"{label} ({label_name(label, names)})"
                              for label in labels)
            raise ValueError(f"{value!r} is not an aspect of this model; use one of: {valid}")
        if by_name[key] not in found:
            found.append(by_name[key])
    if not found:
        raise ValueError("at least one aspect is required")
    return tuple(found)


def coverage(points: Sequence[Point], labels: Sequence[Label] = DEFAULT_EXPECT) -> list[DimensionCoverage]:
    """Count one document's problems, causes, measures and strengths per aspect.

    Every label gets a row, required or not, so that tables of documents line up.
    """
    rows = []
    for label in labels:
        mine = [p for p in points if p.dimension == label]
        problems = [p for p in mine if p.role is Role.PROBLEM]
        rows.append(DimensionCoverage(
            label, len(problems), sum(p.role is Role.CAUSE for p in mine), sum(p.role is Role.MEASURE for p in mine),
            sum(p.role is Role.POSITIVE for p in mine), sum(len(p.text) for p in problems),
        ))
    return rows


def uncertainty(points: Sequence[Point]) -> str | None:
    """Why the structure or the roles of a document are too unsure to say an aspect is missing, or None.

    - no problem was found (no part, heading or sentence read as one);
    - the roles of its points are unsure (mean probability under
      :data:`ROLE_SURE`);
    - most of its problems have no aspect (over :data:`UNPLACED_SHARE`).

    Examples
    --------
    >>> uncertainty([])
    '未识别出存在的问题（文档结构不明）'
    """
    speaking = [p for p in points if p.role.speaks]
    problems = [p for p in speaking if p.role is Role.PROBLEM]
    if not problems:
        return "未识别出存在的问题（文档结构不明）"
    mean_role = sum(p.role_score for p in speaking) / len(speaking)
    if mean_role < ROLE_SURE:
        return f"句子作用（问题、原因、措施）判断不确定（平均把握{mean_role:.0%}）"
    unplaced = sum(p.dimension is None for p in problems)
    if unplaced > UNPLACED_SHARE * len(problems):
        return f"{len(problems)}条问题中{unplaced}条未能判断维度"
    return None


def coverage_flags(
    rows: Sequence[DimensionCoverage], expect: Sequence[Label] = DEFAULT_EXPECT, *, thin_chars: int = 25,
    unsure: str | None = None, names: Mapping[str, str] | None = None,
) -> list[tuple[str, Label | None, str]]:
    """The coverage flags of one document as ``(kind, aspect, detail)``.

    Kinds:

    - ``missing``: a required aspect has no problem;
    - ``thin``: a required aspect's problems hold fewer than
      ``thin_chars`` characters in all;
    - ``no_measure``: an aspect has problems but no measure;
    - ``measure_without_problem``: an aspect has measures but no problem;
    - ``unsure``: the document's structure or roles are too unsure to say
      any of the above (``unsure`` is the reason, from :func:`uncertainty`);
      it replaces them.

    ``names`` gives the display names the details use (the model's framework).

    Examples
    --------
    >>> rows = [DimensionCoverage(Dimension.THEORY, 2, 1, 0, 0, 80), DimensionCoverage(Dimension.INTEGRITY, 0, 0, 1, 0, 0)]
    >>> [(kind, str(dim)) for kind, dim, _ in coverage_flags(rows, (Dimension.THEORY, Dimension.INTEGRITY))]
    [('no_measure', 'theory'), ('missing', 'integrity'), ('measure_without_problem', 'integrity')]
    >>> coverage_flags(rows, unsure="未识别出存在的问题（文档结构不明）")
    [('unsure', None, '未识别出存在的问题（文档结构不明），未判断缺项')]
    """
    if unsure is not None:
        return [("unsure", None, f"{unsure}，未判断缺项")]
    flags: list[tuple[str, Label | None, str]] = []
    for row in rows:
        dim, required, name = row.dimension, row.dimension in expect, label_name(row.dimension, names)
        if required and row.problems == 0:
            flags.append(("missing", dim, f"没有{name}方面的问题"))
        elif required and row.problem_chars < thin_chars:
            flags.append(("thin", dim, f"{name}方面的问题只有{row.problem_chars}字"))
        if row.problems and not row.measures:
            flags.append(("no_measure", dim, f"{name}方面有{row.problems}条问题，没有对应的整改措施"))
        if row.measures and not row.problems:
            flags.append(("measure_without_problem", dim, f"{name}方面有{row.measures}条整改措施，没有对应的问题"))
    return flags

"""Does a document speak to every required label, with a cause and a measure for each?

Labels are ids (``theory``, or a custom framework's ``loyalty``); their
display names come from the model's framework (the six dimensions' Chinese
names by default).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..dimensions import Dimension
from ..framework import Framework
from .points import Point

__all__ = ["DEFAULT_EXPECT", "SIX_DIMENSIONS", "DimensionCoverage", "coverage", "coverage_flags", "parse_dimensions"]

#: The required dimensions by default: the six.
DEFAULT_EXPECT: tuple[Dimension, ...] = tuple(Dimension)
#: The framework of the six dimensions (ids, Chinese names).
SIX_DIMENSIONS = Framework.of(Dimension)


@dataclass(frozen=True)
class DimensionCoverage:
    """The points of one document for one label.

    Attributes
    ----------
    dimension : Dimension or str
        The label id.
    problems, causes, measures : int
        Points in the problem, cause and measure parts.
    problem_chars : int
        Characters of its problems (a point count alone hides a one-line problem).
    """

    dimension: str
    problems: int
    causes: int
    measures: int
    problem_chars: int


def parse_dimensions(values: Iterable[str | Dimension], framework: Framework = SIX_DIMENSIONS) -> tuple[str, ...]:
    """Read labels given by id (``theory``) or display name (``理论学习``) of a framework (default: the six).

    The six dimensions come back as :class:`Dimension`.

    Raises
    ------
    ValueError
        A name that is no label; the message lists the valid ones.

    Examples
    --------
    >>> parse_dimensions(["theory", "廉洁自律"])
    (<Dimension.THEORY: 'theory'>, <Dimension.INTEGRITY: 'integrity'>)
    """
    found = framework.parse(str(v) for v in values)
    if framework.builtin:
        return tuple(Dimension(label) for label in found)
    return found


def coverage(points: Sequence[Point], dimensions: Sequence[str] = DEFAULT_EXPECT, labels: Sequence[str] = DEFAULT_EXPECT) -> list[DimensionCoverage]:
    """Count one document's problems, causes and measures per label.

    Every label of ``labels`` (the model's) gets a row, required or not, so
    that tables of documents line up; the required ones come first.
    """
    rows = []
    for dim in (*dimensions, *(d for d in labels if d not in dimensions)):
        mine = [p for p in points if p.dimension == str(dim)]
        problems = [p for p in mine if p.section == "problem"]
        rows.append(
            DimensionCoverage(
                dim, len(problems), sum(p.section == "cause" for p in mine), sum(p.section == "measure" for p in mine),
                sum(len(p.text) for p in problems),
            )
        )
    return rows


def coverage_flags(
    rows: Sequence[DimensionCoverage], expect: Sequence[str] = DEFAULT_EXPECT, *, thin_chars: int = 25,
    names: Mapping[str, str] | None = None,
) -> list[tuple[str, str, str]]:
    """The coverage flags of one document as ``(kind, label, detail)``.

    Kinds:

    - ``missing``: a required label has no problem;
    - ``thin``: a required label's problems hold fewer than
      ``thin_chars`` characters in all;
    - ``no_measure``: a label has problems but no measure;
    - ``measure_without_problem``: a label has measures but no problem.

    ``names`` gives the display names the details use (default: the six's Chinese names).

    Examples
    --------
    >>> rows = [DimensionCoverage(Dimension.THEORY, 2, 1, 0, 80), DimensionCoverage(Dimension.INTEGRITY, 0, 0, 1, 0)]
    >>> [(kind, str(dim)) for kind, dim, _ in coverage_flags(rows, (Dimension.THEORY, Dimension.INTEGRITY))]
    [('no_measure', 'theory'), ('missing', 'integrity'), ('measure_without_problem', 'integrity')]
    """
    names = SIX_DIMENSIONS.names if names is None else names
    flags = []
    for row in rows:
        dim, required = row.dimension, row.dimension in expect
        zh = names.get(str(dim), str(dim))
        if required and row.problems == 0:
            flags.append(("missing", dim, f"没有{zh}方面的问题"))
        elif required and row.problem_chars < thin_chars:
            flags.append(("thin", dim, f"{zh}方面的问题只有{row.problem_chars}字"))
        if row.problems and not row.measures:
            flags.append(("no_measure", dim, f"{zh}方面有{row.problems}条问题，没有对应的整改措施"))
        if row.measures and not row.problems:
            flags.append(("measure_without_problem", dim, f"{zh}方面有{row.measures}条整改措施，没有对应的问题"))
    return flags

"""Does a document speak to every required dimension, with a cause and a measure for each?"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..dimensions import Dimension
from .points import Point

__all__ = ["DEFAULT_EXPECT", "DimensionCoverage", "coverage", "coverage_flags", "parse_dimensions"]

#: The required dimensions by default: the six.
DEFAULT_EXPECT: tuple[Dimension, ...] = tuple(Dimension)


@dataclass(frozen=True)
class DimensionCoverage:
    """The points of one document for one dimension.

    Attributes
    ----------
    dimension : Dimension
    problems, causes, measures : int
        Points in the problem, cause and measure parts.
    problem_chars : int
        Characters of its problems (a point count alone hides a one-line problem).
    """

    dimension: Dimension
    problems: int
    causes: int
    measures: int
    problem_chars: int


def parse_dimensions(values: Iterable[str | Dimension]) -> tuple[Dimension, ...]:
    """Read dimensions given by id (``theory``) or Chinese name (``理论学习``).

    Raises
    ------
    ValueError
        A name that is no dimension; the message lists the valid ones.

    Examples
    --------
    >>> parse_dimensions(["theory", "廉洁自律"])
    (<Dimension.THEORY: 'theory'>, <Dimension.INTEGRITY: 'integrity'>)
    """
    by_name = {d.value: d for d in Dimension} | {d.zh: d for d in Dimension}
    found = []
    for value in values:
        key = value.value if isinstance(value, Dimension) else str(value).strip()
        if key not in by_name:
            valid = ", ".join(f"{d.value} ({d.zh})" for d in Dimension)
            raise ValueError(f"{value!r} is not a dimension; use one of: {valid}")
        if by_name[key] not in found:
            found.append(by_name[key])
    if not found:
        raise ValueError("at least one dimension is required")
    return tuple(found)


def coverage(points: Sequence[Point], dimensions: Sequence[Dimension] = DEFAULT_EXPECT) -> list[DimensionCoverage]:
    """Count one document's problems, causes and measures per dimension.

    Every dimension of :class:`Dimension` gets a row, required or not, so that
    tables of documents line up.
    """
    rows = []
    for dim in (*dimensions, *(d for d in Dimension if d not in dimensions)):
        mine = [p for p in points if p.dimension == dim.value]
        problems = [p for p in mine if p.section == "problem"]
        rows.append(
            DimensionCoverage(
                dim, len(problems), sum(p.section == "cause" for p in mine), sum(p.section == "measure" for p in mine),
                sum(len(p.text) for p in problems),
            )
        )
    return rows


def coverage_flags(
    rows: Sequence[DimensionCoverage], expect: Sequence[Dimension] = DEFAULT_EXPECT, *, thin_chars: int = 25
) -> list[tuple[str, Dimension, str]]:
    """The coverage flags of one document as ``(kind, dimension, detail)``.

    Kinds:

    - ``missing``: a required dimension has no problem;
    - ``thin``: a required dimension's problems hold fewer than
      ``thin_chars`` characters in all;
    - ``no_measure``: a dimension has problems but no measure;
    - ``measure_without_problem``: a dimension has measures but no problem.

    Examples
    --------
    >>> rows = [DimensionCoverage(Dimension.THEORY, 2, 1, 0, 80), DimensionCoverage(Dimension.INTEGRITY, 0, 0, 1, 0)]
    >>> [(kind, str(dim)) for kind, dim, _ in coverage_flags(rows, (Dimension.THEORY, Dimension.INTEGRITY))]
    [('no_measure', 'theory'), ('missing', 'integrity'), ('measure_without_problem', 'integrity')]
    """
    flags = []
    for row in rows:
        dim, required = row.dimension, row.dimension in expect
        if required and row.problems == 0:
            flags.append(("missing", dim, f"没有{dim.zh}方面的问题"))
        elif required and row.problem_chars < thin_chars:
            flags.append(("thin", dim, f"{dim.zh}方面的问题只有{row.problem_chars}字"))
        if row.problems and not row.measures:
            flags.append(("no_measure", dim, f"{dim.zh}方面有{row.problems}条问题，没有对应的整改措施"))
        if row.measures and not row.problems:
            flags.append(("measure_without_problem", dim, f"{dim.zh}方面有{row.measures}条整改措施，没有对应的问题"))
    return flags

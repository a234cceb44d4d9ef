"""The five roles an item can play: what it is doing, beside which aspect it is about.

A reader asks two questions of every sentence of a self-criticism material:
what is it doing, and which aspect is it about. The first is the item's
:class:`Role`; only items whose role is problem, cause, measure or positive
speak about the writer or the unit and get a dimension (see
``docs/labeling.md``).
"""

from __future__ import annotations

from enum import Enum

__all__ = ["Role", "ROLES", "DIMENSION_ROLES", "OTHER"]


class Role(str, Enum):
    """What an item does in a material.

    Members compare equal to their id, and ``str()`` gives the id.

    Examples
    --------
    >>> Role.PROBLEM == "problem", str(Role.CAUSE), Role.MEASURE.zh
    (True, 'cause', '整改措施')
    >>> Role("other").speaks
    False
    """

    PROBLEM = "problem"
    CAUSE = "cause"
    MEASURE = "measure"
    POSITIVE = "positive"
    OTHER = "other"

    def __str__(self) -> str:
        return self.value

    @property
    def zh(self) -> str:
        """The Chinese name of the role."""
        return _ZH[self]

    @property
    def speaks(self) -> bool:
        """True when an item of this role speaks about the writer or unit, and so gets a dimension."""
        return self is not Role.OTHER


_ZH = {
    Role.PROBLEM: "存在问题",
    Role.CAUSE: "原因剖析",
    Role.MEASURE: "整改措施",
    Role.POSITIVE: "成绩做法",
    Role.OTHER: "其他",
}

#: Every role id, in the order of :class:`Role`.
ROLES = tuple(r.value for r in Role)
#: The role of items that say nothing about the writer or the unit.
OTHER = Role.OTHER.value
#: The roles whose items get a dimension.
DIMENSION_ROLES = frozenset(r.value for r in Role if r.speaks)

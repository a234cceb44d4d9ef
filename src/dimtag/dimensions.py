"""The six fixed dimensions a sentence can speak to."""

from __future__ import annotations

from enum import Enum
from typing import Union

__all__ = ["Dimension", "Label", "NONE_LABEL", "LABELS"]

#: Label used in ``data/labels.csv`` for items that speak to no dimension.
NONE_LABEL = "none"


class Dimension(str, Enum):
    """A dimension of self-criticism material.

    Members compare equal to their id, and ``str()`` gives the id.

    Examples
    --------
    >>> Dimension.THEORY == "theory"
    True
    >>> str(Dimension.INTEGRITY), Dimension.INTEGRITY.zh
    ('integrity', '廉洁自律')
    >>> Dimension("work_style").zh
    '工作作风'
    """

    THEORY = "theory"
    POLITICS = "politics"
    ABILITY = "ability"
    RESPONSIBILITY = "responsibility"
    WORK_STYLE = "work_style"
    INTEGRITY = "integrity"

    def __str__(self) -> str:
        return self.value

    @property
    def zh(self) -> str:
        """The Chinese name of the dimension."""
        return _ZH[self]


_ZH = {
    Dimension.THEORY: "理论学习",
    Dimension.POLITICS: "政治素质",
    Dimension.ABILITY: "能力本领",
    Dimension.RESPONSIBILITY: "担当作为",
    Dimension.WORK_STYLE: "工作作风",
    Dimension.INTEGRITY: "廉洁自律",
}

#: Every label allowed in ``data/labels.csv``: the six ids, then ``none``.
LABELS = tuple(d.value for d in Dimension) + (NONE_LABEL,)

#: What a model answers: a :class:`Dimension` for the six-dimension models,
#: the label string for a model trained on another label set.
Label = Union[Dimension, str]

"""The six fixed dimensions a sentence can speak to."""

from __future__ import annotations

import unicodedata
from enum import Enum
from typing import Any, Union

from .errors import LabelsError

__all__ = ["Dimension", "Label", "NONE_LABEL", "LABELS", "check_label"]

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


def check_label(value: Any, where: str = "") -> str:
    """A label as a model holds it: a str in Unicode NFC, stripped, and neither blank nor holding line breaks.

    Two spellings of one label (composed and decomposed accents, say) are one
    class; a blank label could not be told from an abstention, and a line
    break or control character would break line-oriented output.

    Parameters
    ----------
    value : Any
        The label (a :class:`Dimension` gives its id).
    where : str
        Where the label is, for the message (for example ``"label 3"``).

    Raises
    ------
    LabelsError
        Not a str (None, NaN, numbers), blank (spaces or invisible marks only), or
        holding a control character or line separator.

    Examples
    --------
    >>> check_label("cafe\u0301") == "caf\u00e9", check_label(Dimension.THEORY), check_label(" 忠诚 ")
    (True, 'theory', '忠诚')
    """
    prefix = f"{where}: " if where else ""
    if not isinstance(value, str):
        raise LabelsError(f"{prefix}a label must be a str, got {type(value).__name__}: {value!r:.60}")
    label = unicodedata.normalize("NFC", str(value)).strip()
    # Visible: a letter, mark, number, punctuation or symbol; not only spaces and invisible format marks.
    if not any(unicodedata.category(c)[0] not in "CZ" for c in label):
        raise LabelsError(f"{prefix}blank label {value!r}: a label needs visible characters (blank means no label)")
    bad = next((c for c in label if unicodedata.category(c) in ("Cc", "Zl", "Zp")), None)
    if bad is not None:
        raise LabelsError(f"{prefix}label {value!r:.60} holds the control character or line break {bad!r}")
    return label

"""A model's framework: its labels, their display names, and the heading words that name them.

The six built-in dimensions are one framework (display names
:attr:`Dimension.zh`, headings read by :func:`dimtag.lexicon.dimension_named`).
A model trained on another label set (2024 四个带头, a unit's own checklist)
carries its own: display names in its metadata, and a heading lexicon in
the model directory (:data:`HEADINGS_FILE`), one line per heading word::

    带头强化政治忠诚	loyalty
    政治忠诚	loyalty
    # a comment; the label may be an id or a display name
    担当作为	担当作为

Without a lexicon a custom framework's headings give no evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .dimensions import Dimension, Label
from .errors import ModelError
from .lexicon import dimension_named

__all__ = ["Framework", "HEADINGS_FILE", "HeadingLexicon", "parse_heading_lexicon", "format_heading_lexicon"]

#: The heading lexicon's file name in a model directory.
HEADINGS_FILE = "headings.tsv"

#: Heading words and the label id each names, in file order.
HeadingLexicon = tuple[tuple[str, str], ...]


def parse_heading_lexicon(text: str, labels: Sequence[str], names: Mapping[str, str], where: str) -> HeadingLexicon:
    """Read a heading lexicon: ``words<TAB>label`` (or ``words,label``) per line; ``#`` starts a comment.

    The label is an id of ``labels`` or a display name from ``names``.

    Raises
    ------
    ModelError
        A line without two cells, an unknown label, or words given twice
        for different labels; the message names ``where`` and the line.

    Examples
    --------
    >>> parse_heading_lexicon("带头强化政治忠诚\\tloyalty\\n# note\\n敢于担当,担当作为\\n", ["loyalty", "duty"],
    ...                       {"duty": "担当作为"}, "h.tsv")
    (('带头强化政治忠诚', 'loyalty'), ('敢于担当', 'duty'))
    """
    by_name = {name: label for label, name in names.items() if label in labels} | {label: label for label in labels}
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        cells = [c.strip() for c in (line.split("\t") if "\t" in line else line.split(","))]
        if len(cells) != 2 or not all(cells):
            raise ModelError(f"{where}:{number}: expected two cells, heading words and a label, got {line[:60]!r}")
        words, label = cells
        if label not in by_name:
            raise ModelError(f"{where}:{number}: {label!r} is not a label of the model (labels: {', '.join(labels)})")
        if found.get(words, by_name[label]) != by_name[label]:
            raise ModelError(f"{where}:{number}: {words!r} already names {found[words]!r}")
        found[words] = by_name[label]
    return tuple(found.items())


def format_heading_lexicon(lexicon: HeadingLexicon) -> str:
    """The lexicon as the model directory stores it: ``words<TAB>id`` lines."""
    return "".join(f"{words}\t{label}\n" for words, label in lexicon)


@dataclass(frozen=True)
class Framework:
    """The labels a model answers with, how to show them, and which headings name them.

    Attributes
    ----------
    labels : tuple of str
        The label ids, in the model's answer order (``none`` left out).
    names : dict of str to str
        Display name of each label (the id itself when none was given).
    lexicon : tuple of (str, str), or None
        Heading words and the label each names; None for the six built-in
        dimensions, whose headings :func:`dimtag.lexicon.dimension_named` reads.

    Examples
    --------
    >>> f = Framework.of(["loyalty", "duty"], {"loyalty": "带头强化政治忠诚"}, (("政治忠诚", "loyalty"),))
    >>> f.name("loyalty"), f.name("duty"), f.heading_label("（一）在带头强化政治忠诚方面")
    ('带头强化政治忠诚', 'duty', 'loyalty')
    >>> f.parse(["duty", "带头强化政治忠诚"])
    ('duty', 'loyalty')
    >>> Framework.of([d.value for d in Dimension]).heading_label("（二）在政治素质方面")
    <Dimension.POLITICS: 'politics'>
    """

    labels: tuple[str, ...]
    names: dict[str, str]
    lexicon: HeadingLexicon | None = None
    _pattern: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, labels: Iterable[Label], names: Mapping[str, str] | None = None, lexicon: HeadingLexicon | None = None) -> Framework:
        """The framework of a model's labels; the six built-in dimensions get their Chinese names and headings."""
        ids = tuple(str(label) for label in labels)
        builtin = sorted(ids) == sorted(d.value for d in Dimension)
        shown = {label: (Dimension(label).zh if builtin else label) for label in ids} | dict(names or {})
        if lexicon is None and not builtin:
            lexicon = ()
        pattern = None
        if lexicon:
            pattern = re.compile("|".join(sorted(map(re.escape, (w for w, _ in lexicon)), key=len, reverse=True)))
        return cls(ids, {label: shown[label] for label in ids}, lexicon, pattern)

    @property
    def builtin(self) -> bool:
        """Whether headings are read with the six dimensions' own lexicon."""
        return self.lexicon is None

    @property
    def reads_headings(self) -> bool:
        """Whether headings can give evidence: the six dimensions, or a custom framework with a lexicon."""
        return self.lexicon is None or bool(self.lexicon)

    def name(self, label: Label | None) -> str | None:
        """The display name of a label (None for None)."""
        return None if label is None else self.names.get(str(label), str(label))

    def heading_label(self, text: str | None) -> Label | None:
        """The one label a heading names, or None if it names none or several (longer words win where they overlap)."""
        if self.lexicon is None:
            return dimension_named(text)
        if not text or self._pattern is None:
            return None
        words = dict(self.lexicon)
        named = list(dict.fromkeys(words[m.group()] for m in self._pattern.finditer(text)))
        return named[0] if len(named) == 1 else None

    def parse(self, values: Iterable[str]) -> tuple[str, ...]:
        """Label ids from ids or display names, each once, in the order given.

        Raises
        ------
        ValueError
            A value that is neither; the message lists the labels.
        """
        by_name = {name: label for label, name in self.names.items()} | {label: label for label in self.labels}
        found: list[str] = []
        for value in values:
            key = str(value).strip()
            if key not in by_name:
                valid = ", ".join(f"{label} ({self.names[label]})" if self.names[label] != label else label for label in self.labels)
                what = "dimension" if self.builtin else "label of the model"
                raise ValueError(f"{key!r} is not a {what}; use one of: {valid}")
            if by_name[key] not in found:
                found.append(by_name[key])
        if not found:
            raise ValueError("at least one label is required")
        return tuple(found)

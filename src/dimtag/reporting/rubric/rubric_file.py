"""The reviewer's rubric: a TOML file a unit edits, read and checked into a :class:`Rubric`.

The default rubric ships in ``dimtag/resources/rubric.toml``, commented key by
key; a unit's file overrides any of its keys. :data:`SCHEMA` is the one home
of the keys, their types and their ranges. A bad file raises
:class:`~dimtag.errors.RubricError` naming the file and the line: tomllib
names the line of a syntax error, but not of a key, so the line of an unknown
key or a value out of range is found in the text.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ...errors import RubricError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 reads TOML with the backport of the report extra
    try:
        import tomli as tomllib
    except ImportError:
        raise ImportError('the reviewer\'s rubric needs tomli on Python 3.10: pip install "dimtag[report]" (or pip install tomli)') from None

__all__ = ["FLAGS", "SCHEMA", "Rubric", "default_rubric", "load_rubric", "parse_rubric"]

#: Every flag the rubric can raise -> its Chinese name.
FLAGS = {
    "missing_aspect": "缺少方面",
    "praise_heavy": "成绩多问题少",
    "thin_problems": "问题篇幅单薄",
    "about_others": "谈他人不谈自己",
    "disguised_praise": "以表扬代批评",
    "objective_causes": "原因只讲客观",
    "no_causes": "没有原因剖析",
    "vague_measures": "措施不可检查",
    "no_measures": "没有整改措施",
    "unanswered_problems": "问题无对应措施",
    "vague_problems": "问题空泛",
    "copied": "抄袭他人材料",
    "recycled": "照搬往年材料",
}

_NUMBER = (int, float)


@dataclass(frozen=True)
class _Key:
    """One key of the rubric: its type and, for numbers, its range (inclusive)."""

    kind: str  # "number", "count", "bool", "words" (list of str), "flags" (list of flag ids), "roots" (table of word lists)
    low: float = 0.0
    high: float = 1.0


#: section -> key -> what it holds. The default rubric has every key.
SCHEMA: dict[str, dict[str, _Key]] = {
    "aspects": {"required": _Key("words"), "max_missing": _Key("count", 0, 20)},
    "proportion": {"max_positive_ratio": _Key("number", 0, 100), "min_problem_share": _Key("number")},
    "subject": {"min_self_share": _Key("number")},
    "praise": {"phrases": _Key("words")},
    "causes": {"objective": _Key("words"), "roots": _Key("roots")},
    "measures": {"max_vague_share": _Key("number")},
    "concreteness": {"min_concrete_share": _Key("number")},
    "recycling": {
        "min_copy_chars": _Key("count", 20, 10_000), "formula_share": _Key("number", 0.01, 1),
        "copy_direction": _Key("bool"), "min_previous_share": _Key("number"),
    },
    "grade": {"fail": _Key("flags"), "revise": _Key("flags"), "fail_count": _Key("count", 1, 20)},
}


@dataclass(frozen=True)
class Rubric:
    """A reviewer's rubric: ``values[section][key]``, every key of :data:`SCHEMA` present.

    Attributes
    ----------
    values : dict
        The settings, section by section.
    source : str
        Where they came from (a file name, or ``default``).
    """

    values: Mapping[str, Mapping[str, Any]]
    source: str = "default"

    def __getitem__(self, section: str) -> Mapping[str, Any]:
        return self.values[section]

    def level(self, flag: str) -> str | None:
        """``fail``, ``revise`` or None: what ``flag`` does to the grade."""
        for level in ("fail", "revise"):
            if flag in self.values["grade"][level]:
                return level
        return None


def _line_of(text: str, section: str, key: str | None) -> int | None:
    """The line of ``key`` in ``[section]`` (or of the section header when key is None), from 1."""
    current = None
    header = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
    assignment = re.compile(r"^\s*([A-Za-z0-9_\u4e00-\u9fff\"'.-]+?)\s*=")
    for n, line in enumerate(text.splitlines(), start=1):
        m = header.match(line)
        if m:
            current = m.group(1).strip()
            if key is None and current == section:
                return n
            continue
        m = assignment.match(line)
        if m and key is not None:
            name = m.group(1).strip("\"'")
            dotted = f"{current}.{name}" if current else name
            if dotted == f"{section}.{key}" or (current == f"{section}.{key}") or (current is None and name == section):
                return n
    return None


def _fail(source: str, text: str, section: str, key: str | None, message: str) -> RubricError:
    line = _line_of(text, section, key)
    where = f"{source}, line {line}" if line else source
    return RubricError(f"{where}: {message}")


def _check(source: str, text: str, section: str, key: str, value: Any, spec: _Key) -> Any:
    name = f"[{section}] {key}"

    def bad(message: str) -> RubricError:
        return _fail(source, text, section, key, f"{name} {message}")

    if spec.kind in ("number", "count"):
        if isinstance(value, bool) or not isinstance(value, _NUMBER) or (spec.kind == "count" and not isinstance(value, int)):
            raise bad(f"must be {'a whole number' if spec.kind == 'count' else 'a number'}, not {value!r}")
        if not spec.low <= value <= spec.high:
            raise bad(f"= {value} is out of range: it must be from {spec.low:g} to {spec.high:g}")
        return value
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise bad(f"must be true or false, not {value!r}")
        return value
    if spec.kind in ("words", "flags"):
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise bad("must be a list of non-empty strings")
        if spec.kind == "flags":
            unknown = [v for v in value if v not in FLAGS]
            if unknown:
                raise bad(f"names unknown flags {unknown}; the flags are {', '.join(FLAGS)}")
        return tuple(value)
    if not isinstance(value, dict) or not all(
        isinstance(words, list) and words and all(isinstance(w, str) and w for w in words) for words in value.values()
    ):
        raise bad("must be a table of non-empty lists of words (理想信念 = [\"理想信念\", \"信仰\"])")
    return {root: tuple(words) for root, words in value.items()}


def parse_rubric(text: str, source: str = "rubric", base: Rubric | None = None) -> Rubric:
    """Read a rubric from TOML text; keys it leaves out keep the value of ``base`` (default: the shipped rubric).

    Raises
    ------
    RubricError
        Bad TOML, an unknown section or key, a value of the wrong type or out
        of range, or a flag listed as both ``fail`` and ``revise``: the
        message names the source and the line.

    Examples
    --------
    >>> parse_rubric("[subject]\\nmin_self_share = 0.6")["subject"]["min_self_share"]
    0.6
    >>> parse_rubric("[subject]\\nmin_self_shar = 0.6", "mine.toml")
    Traceback (most recent call last):
    ...
    dimtag.errors.RubricError: mine.toml, line 2: [subject] has no key 'min_self_shar'; its keys are min_self_share
    >>> parse_rubric("\\n[measures]\\nmax_vague_share = 5", "mine.toml")
    Traceback (most recent call last):
    ...
    dimtag.errors.RubricError: mine.toml, line 3: [measures] max_vague_share = 5 is out of range: it must be from 0 to 1
    """
    return _parse(text, source, (base or default_rubric()).values)


def _parse(text: str, source: str, base: Mapping[str, Mapping[str, Any]]) -> Rubric:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RubricError(f"{source}: not valid TOML: {exc}") from None
    values: dict[str, dict[str, Any]] = {s: dict(v) for s, v in base.items()}
    for section, keys in raw.items():
        if section not in SCHEMA:
            raise _fail(source, text, section, None, f"unknown section [{section}]; the sections are {', '.join(SCHEMA)}")
        if not isinstance(keys, dict):
            raise _fail(source, text, section, None, f"{section} must be a section [{section}], not a value")
        for key, value in keys.items():
            if key not in SCHEMA[section]:
                raise _fail(source, text, section, key,
                            f"[{section}] has no key {key!r}; its keys are {', '.join(SCHEMA[section])}")
            values.setdefault(section, {})[key] = _check(source, text, section, key, value, SCHEMA[section][key])
    missing = [f"[{s}] {k}" for s, keys in SCHEMA.items() for k in keys if k not in values.get(s, {})]
    if missing:
        raise RubricError(f"{source}: missing keys {', '.join(missing)}")
    both = set(values["grade"]["fail"]) & set(values["grade"]["revise"])
    if both:
        raise _fail(source, text, "grade", "revise", f"[grade] lists {sorted(both)} as both fail and revise")
    return Rubric(values, source)


_DEFAULT: list[Rubric] = []


def default_rubric() -> Rubric:
    """The rubric that ships with dimtag (``dimtag/resources/rubric.toml``)."""
    if not _DEFAULT:
        text = resources.files("dimtag").joinpath("resources", "rubric.toml").read_text(encoding="utf-8")
        _DEFAULT.append(_parse(text, "dimtag/resources/rubric.toml", {}))
    return _DEFAULT[0]


def load_rubric(path: str | os.PathLike[str] | None = None) -> Rubric:
    """The rubric of a TOML file over the default one (the default when ``path`` is None).

    Raises
    ------
    RubricError
        The file cannot be read, or is not a valid rubric (see :func:`parse_rubric`).
    """
    if path is None:
        return default_rubric()
    try:
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError(f"{path}: cannot read the rubric: {exc}") from None
    return parse_rubric(text, os.fspath(path))

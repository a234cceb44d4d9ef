"""A cheap pre-filter for a set of regular expressions, derived from the expressions themselves.

:func:`trigger_of` reads the parsed form of each pattern and finds, for each,
a few literal strings one of which every match must contain (批评指正 and
(?:请|恳请)…(?:批评|指正) give 批评|指正). One search for any of them rules out
most text before the patterns are tried one by one, and since the trigger is
derived, it cannot fall behind when a pattern changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

try:  # Python 3.11+
    import re._parser as _sre
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre

__all__ = ["trigger_of"]

# Alternatives spelled out when literal pieces are combined (现(?:将|就) is
# 现将|现就); a larger product is split into its pieces instead.
_MAX_STRINGS = 32


# A literal a match must contain, and whether it must be at the start and at the end of the text.
_Fragment = tuple[str, bool, bool]


@dataclass(frozen=True)
class _Needed:
    """Fragments one of which every match contains, and the length of the shortest."""

    fragments: frozenset[_Fragment]
    shortest: int


def _exact(node: tuple[Any, Any]) -> frozenset[str] | None:
    """The strings a node matches, when they are few fixed strings; else None."""
    op, av = str(node[0]), node[1]
    if op == "LITERAL":
        return frozenset(chr(av))
    if op in ("AT", "ASSERT", "ASSERT_NOT"):
        return frozenset({""})
    if op == "IN":
        if all(str(o) == "LITERAL" for o, _ in av) and len(av) <= _MAX_STRINGS:
            return frozenset(chr(c) for _, c in av)
        return None
    if op == "BRANCH":
        alternatives = [_exact_seq(alt) for alt in av[1]]
        if any(a is None for a in alternatives):
            return None
        union = frozenset().union(*alternatives)  # type: ignore[arg-type]
        return union if len(union) <= _MAX_STRINGS else None
    if op == "SUBPATTERN":
        return _exact_seq(av[-1])
    if op in ("MAX_REPEAT", "MIN_REPEAT") and (av[0], av[1]) in ((0, 1), (1, 1)):
        inner = _exact_seq(av[2])
        if inner is None:
            return None
        return inner | {""} if av[0] == 0 else inner
    return None


def _exact_seq(seq: Iterable[tuple[Any, Any]]) -> frozenset[str] | None:
    strings: frozenset[str] = frozenset({""})
    for node in seq:
        e = _exact(node)
        if e is None or len(strings) * len(e) > _MAX_STRINGS:
            return None
        strings = frozenset(a + b for a, b in product(strings, e))
    return strings


def _needed(node: tuple[Any, Any]) -> _Needed | None:
    """Fragments one of which every match of a node contains, or None when there are none to find."""
    op, av = str(node[0]), node[1]
    if op == "BRANCH":
        alternatives = [_needed_seq(alt) for alt in av[1]]
        if any(a is None for a in alternatives):
            return None
        return _Needed(
            _pruned(f for a in alternatives if a for f in a.fragments), min(a.shortest for a in alternatives if a)
        )
    if op == "SUBPATTERN":
        return _needed_seq(av[-1])
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
        return _needed_seq(av[2])
    e = _exact(node)
    return _literals(e) if e else None


def _literals(strings: frozenset[str], start: bool = False, end: bool = False) -> _Needed | None:
    if "" in strings:
        return None  # the piece may match nothing: it is not needed
    return _Needed(_pruned((s, start, end) for s in strings), min(map(len, strings)))


def _covers(a: _Fragment, b: _Fragment) -> bool:
    """Whether every text that holds fragment ``b`` holds fragment ``a`` (so ``b`` can go)."""
    (t, t_start, t_end), (s, s_start, s_end) = a, b
    if t_start and t_end:
        return s_start and s_end and s == t
    if t_start:
        return s_start and s.startswith(t)
    if t_end:
        return s_end and s.endswith(t)
    return t in s


def _pruned(fragments: Iterable[_Fragment]) -> frozenset[_Fragment]:
    """The fragments without those another one covers."""
    ordered = sorted(set(fragments), key=lambda f: (len(f[0]), f))
    return frozenset(f for i, f in enumerate(ordered) if not any(_covers(g, f) for g in ordered[:i]))


def _regex(fragments: Iterable[_Fragment]) -> str:
    """The fragments as one alternation, anchored ones grouped."""
    kept = sorted(_pruned(fragments), key=lambda f: (-len(f[0]), f))
    groups: dict[tuple[bool, bool], list[str]] = {}
    for text, start, end in kept:
        groups.setdefault((start, end), []).append(re.escape(text))
    parts = []
    for (start, end), texts in sorted(groups.items()):
        body = "|".join(texts)
        if start or end:
            body = ("^" if start else "") + (f"(?:{body})" if len(texts) > 1 else body) + ("$" if end else "")
        parts.append(body)
    return "|".join(parts)


def _is_anchor(node: tuple[Any, Any], which: str) -> bool:
    return str(node[0]) == "AT" and str(node[1]) == which


def _needed_seq(seq: Sequence[tuple[Any, Any]]) -> _Needed | None:
    """The best needed piece of a sequence: a run of fixed strings, or a mandatory part.

    Best means fragments of at least two characters (one character is in
    too many sentences), then the fewest fragments, then the longest.
    """
    candidates: list[_Needed] = []
    run: list[tuple[Any, Any]] = []

    def close_run() -> None:
        strings = _exact_seq(run)
        if run and strings is not None:
            found = _literals(strings, _is_anchor(run[0], "AT_BEGINNING"), _is_anchor(run[-1], "AT_END"))
            if found:
                candidates.append(found)
        run.clear()

    for node in seq:
        e = _exact(node)
        if e is not None:
            so_far = _exact_seq(run)
            if so_far is not None and len(so_far) * len(e) > _MAX_STRINGS:
                close_run()
            run.append(node)
            continue
        close_run()
        needed = _needed(node)
        if needed:
            candidates.append(needed)
    close_run()
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c.shortest >= 2, -len(c.fragments), c.shortest))


def trigger_of(patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str]:
    """A pattern that finds a match in every text where any of ``patterns`` does.

    Built from literal strings each pattern requires; a pattern with no
    required literal (``\\d+``) is taken whole, so the trigger is always
    correct, only slower.

    Examples
    --------
    >>> trigger_of([re.compile("批评指正|(?:请|恳请)[^。]{0,10}(?:批评|帮助)"), re.compile("^谢谢[！。]?$")]).pattern
    '帮助|批评|^(?:谢谢。|谢谢！|谢谢)$'
    """
    flags = {p.flags for p in patterns}
    if len(flags) != 1:
        raise ValueError("the patterns of one trigger share their flags")
    fragments: set[_Fragment] = set()
    whole: list[str] = []
    for pattern in patterns:
        needed = _needed_seq(list(_sre.parse(pattern.pattern, pattern.flags)))
        if needed:
            fragments |= needed.fragments
        else:
            whole.append(f"(?:{pattern.pattern})")
    return re.compile("|".join([_regex(fragments), *whole]), flags.pop())

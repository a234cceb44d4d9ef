"""Recycled text: copied from another member's material, or from the same person's material of last year.

Both use the report's copy detection (:func:`dimtag.reporting.find_copies`).
Formula text a unit lists in an ignore file (``--ignore FILE``, one phrase a
line) is blanked out before detection, beside the formula language found
automatically; blanking keeps every offset.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ...document import TaggedDocument
from ...errors import ReportError
from ..copying import CopyResult, find_copies
from ..shingles import reduce_text
from .checks import Finding, Quote

__all__ = ["copy_findings", "mask", "match_previous", "previous_findings", "read_ignore", "reused_chars"]


def read_ignore(path: str | os.PathLike[str]) -> tuple[str, ...]:
    """The formula phrases of an ignore file: one a line, blank lines and lines starting with ``#`` skipped."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: cannot read the ignore list: {exc}") from None
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def mask(text: str, phrases: Sequence[str]) -> str:
    """``text`` with every phrase replaced by as many spaces (offsets unchanged; copy detection skips spaces).

    Examples
    --------
    >>> mask("以上发言，请批评指正。", ["请批评指正"])
    '以上发言，     。'
    """
    if not phrases:
        return text
    pattern = re.compile("|".join(sorted(map(re.escape, phrases), key=len, reverse=True)))
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def reused_chars(text: str) -> int:
    """The characters copy detection compares (letters, digits, Han): the denominator of a reused share."""
    return max(1, len(reduce_text(text)[0]))


def copy_findings(docs: Sequence[TaggedDocument], copies: CopyResult, direction: bool) -> tuple[list[list[Finding]], list[dict[str, Any]]]:
    """Each document's ``copied`` finding, and the recycling table's rows for copies between members.

    With ``direction``, of two documents sharing passages only the one whose
    shared characters are the larger share of its own text is flagged (a
    copy usually keeps less of its own than its source); the other is listed
    as the source. Passages shared by three or more documents flag them all.
    """
    findings: list[list[Finding]] = [[] for _ in docs]
    rows: list[dict[str, Any]] = []
    by_pair: dict[tuple[int, int], list[Any]] = {}
    for c in copies.passages:
        by_pair.setdefault((c.doc_a, c.doc_b), []).append(c)
    for (a, b), passages in by_pair.items():
        chars = sum(c.chars for c in passages)
        share = {a: chars / reused_chars(docs[a].text), b: chars / reused_chars(docs[b].text)}
        copier = a if share[a] >= share[b] else b
        for d, other in ((a, b), (b, a)):
            spans = [(c.start_a, c.end_a) if d == a else (c.start_b, c.end_b) for c in passages]
            quotes = tuple(Quote(docs[d].name, s, e, docs[d].text[s:e]) for s, e in spans)
            flagged = d == copier or not direction
            rows.append({"file": docs[d].name, "source": "member", "other": docs[other].name,
                         "role": "copy" if flagged and direction else "source" if direction else "shared",
                         "chars": chars, "share": round(share[d], 3), "passages": len(passages),
                         "text": "\n".join(q.text for q in quotes)})
            if flagged:
                findings[d].append(Finding("copied", {"other": Path(docs[other].name).name, "chars": chars,
                                                      "percent": round(100 * share[d])}, quotes[:3]))
    for group in copies.shared:
        for d, (s, e) in zip(group.docs, group.spans):
            quote = Quote(docs[d].name, s, e, docs[d].text[s:e])
            rows.append({"file": docs[d].name, "source": "members", "other": f"{len(group.docs) - 1}份材料", "role": "shared",
                         "chars": group.chars, "share": round(group.chars / reused_chars(docs[d].text), 3), "passages": 1,
                         "text": quote.text})
            findings[d].append(Finding("copied", {"other": f"另外{len(group.docs) - 1}份材料", "chars": group.chars,
                                                  "percent": round(100 * group.chars / reused_chars(docs[d].text))}, (quote,)))
    return findings, rows


def match_previous(names: Sequence[str], previous: str | os.PathLike[str],
                   mapping: str | os.PathLike[str] | None = None) -> dict[str, Path]:
    """This year's file -> last year's, by file name in ``previous``, or by a mapping file.

    The mapping file is a CSV (or tab-separated) file of two columns, this
    year's file name and last year's file name (relative to ``previous``);
    a file it does not name is matched by its own name.
    """
    folder = Path(previous)
    if not folder.is_dir():
        raise ReportError(f"{previous}: --previous must be a folder of last year's materials")
    pairs: dict[str, str] = {}
    if mapping is not None:
        try:
            text = Path(mapping).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ReportError(f"{mapping}: cannot read the mapping file: {exc}") from None
        dialect = "excel-tab" if "\t" in text else "excel"
        for n, row in enumerate(csv.reader(text.splitlines(), dialect), start=1):
            if not row or row[0].startswith("#"):
                continue
            if len(row) != 2:
                raise ReportError(f"{mapping}, line {n}: want two columns (this year's file, last year's file), got {len(row)}")
            pairs[Path(row[0].strip()).name] = row[1].strip()
    by_name = {p.name: p for p in sorted(folder.rglob("*")) if p.is_file()}
    found = {}
    for name in names:
        base = Path(name).name
        target = pairs.get(base, base)
        path = folder / target if (folder / target).is_file() else by_name.get(target)
        if path is not None:
            found[name] = path
    return found


def previous_findings(doc: TaggedDocument, previous: TaggedDocument, *, min_chars: int, min_share: float,
                      ignore: Sequence[str] = ()) -> tuple[Finding | None, dict[str, Any]]:
    """How much of ``doc`` reuses ``previous`` (last year's material of the same person): a ``recycled`` finding when enough."""
    result = find_copies([mask(doc.text, ignore), mask(previous.text, ignore)], min_chars=min_chars, formula_share=1.0)
    chars = sum(c.chars for c in result.passages)
    share = chars / reused_chars(doc.text)
    quotes = tuple(Quote(doc.name, c.start_a, c.end_a, doc.text[c.start_a:c.end_a]) for c in result.passages)
    row = {"file": doc.name, "source": "previous", "other": previous.name, "role": "reuse", "chars": chars,
           "share": round(share, 3), "passages": len(quotes), "text": "\n".join(q.text for q in quotes)}
    if share < min_share:
        return None, row
    return Finding("recycled", {"previous": Path(previous.name).name, "chars": chars, "percent": round(100 * share)},
                   tuple(sorted(quotes, key=lambda q: q.start - q.end)[:3])), row


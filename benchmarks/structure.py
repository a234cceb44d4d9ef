"""How well whole documents are read: the structure-test documents of issue 11, scored.

Usage::

    python benchmarks/structure.py          # Markdown tables: per format, per style, overall
    python benchmarks/structure.py --json   # the full result of score() as JSON

The documents and their gold files are built by ``tests/data/structure/build.py``
(see ``tests/data/structure/README.md``). Each document is tagged with
``dimtag.tag_file`` (or any callable passed to :func:`score`), and every gold
unit is aligned to the tagger's items by character position: both sides are
normalized with :func:`dimtag.clean` and compared on their letters, digits and
ideographs only, so punctuation width, line breaks, table-cell separators and
numbering that a reader adds or drops do not break the alignment. A gold unit
takes the prediction of the item that overlaps most of it; a unit that no item
overlaps (dropped, or read as a heading) predicts "none".

Measures, per group of documents:

- ``item_accuracy``: gold items whose predicted dimension (None for none) is the gold one;
- ``override_accuracy``: the same if every item took its gold ``heading_dimension``
  where there is one, and the tagger's answer elsewhere: what a perfect structure
  reader with a hard heading override would score (its misses are the stray
  sentences, which a combined reading can keep);
- ``heading_recall``: among gold items whose dimension is the one their heading
  names (``heading_dimension``), the share tagged with it;
- ``point_agreement``: over pairs of gold items of one document that belong to
  points, the share where "same gold point" equals "same predicted point";
  None (n/a) when the tagger's items carry no ``point``;
- ``headings_tagged``: gold headings (and table header cells) that lie in an
  item tagged with a dimension (lower is better);
- ``unaligned``: gold units not found in the tagger's text.
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import dimtag
from dimtag import DimtagError, clean
from dimtag.learn.documents import text_key

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "tests" / "data" / "structure" / "docs"

#: ``tag_fn(path)`` returns a tagged document: ``.text`` and items with ``start``, ``end``,
#: ``dimension`` and, once the tagger reads points, ``point``.
TagFn = Callable[[Path], Any]

# A unit this short may also occur elsewhere ("问题"), so it is only looked for
# near where the previous unit ended.
_SHORT_KEY = 8
_NEAR = 50


@dataclass
class Tally:
    """Counts for one group of documents; the rates are derived from them."""

    documents: int = 0
    items: int = 0
    correct: int = 0
    override_correct: int = 0
    heading_items: int = 0
    heading_correct: int = 0
    point_pairs: int = 0
    point_agree: int = 0
    has_points: bool = True
    headings: int = 0
    headings_tagged: int = 0
    unaligned: int = 0
    failed: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for f in fields(self):
            if f.type == "int":  # the counts (annotations are strings under postponed evaluation)
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        self.has_points = self.has_points and other.has_points
        self.failed.extend(other.failed)

    def summary(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "items": self.items,
            "item_accuracy": _rate(self.correct, self.items),
            "override_accuracy": _rate(self.override_correct, self.items),
            "heading_items": self.heading_items,
            "heading_recall": _rate(self.heading_correct, self.heading_items),
            "point_pairs": self.point_pairs if self.has_points else 0,
            "point_agreement": _rate(self.point_agree, self.point_pairs) if self.has_points else None,
            "headings": self.headings,
            "headings_tagged": _rate(self.headings_tagged, self.headings),
            "unaligned": self.unaligned,
            "failed": list(self.failed),
        }


def _rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _key(text: str) -> tuple[str, list[int]]:
    """The letters, digits and ideographs of ``text`` and the index each came from (one home: the learning wing's)."""
    key, where = text_key(text)
    return key, where.tolist()


def _get(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


def _label(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class _Prediction:
    aligned: bool
    dimension: str | None = None
    point: Any = None


def align(gold: Sequence[dict[str, Any]], document: Any) -> tuple[list[_Prediction], bool]:
    """Predict for each gold unit from the item overlapping most of it.

    Returns the predictions and whether the document's items carry a ``point``.
    """
    text_key, where = _key(_get(document, "text") or "")
    spans = []  # items as spans of text_key
    items = _get(document, "items")
    items = list(document if items is None else items)
    # A document without items says nothing about points (all() of nothing is True).
    has_points = all(
        (("point" in item) if isinstance(item, dict) else hasattr(item, "point")) for item in items
    )
    for item in items:
        start = bisect.bisect_left(where, _get(item, "start"))
        end = bisect.bisect_left(where, _get(item, "end"))
        spans.append((start, end, item))
    predictions, cursor, skipped = [], 0, 0
    for unit in gold:
        key, _ = _key(clean(unit["text"]))
        found = text_key.find(key, cursor) if key else -1
        if found >= 0 and len(key) < _SHORT_KEY and found - cursor > _NEAR + skipped:
            found = -1
        if found < 0:
            skipped += len(key)
            predictions.append(_Prediction(False))
            continue
        a, b = found, found + len(key)
        cursor, skipped = b, 0
        best, best_overlap = None, 0
        for start, end, item in spans:  # documents are small: a scan is simplest
            overlap = min(b, end) - max(a, start)
            if overlap > best_overlap:
                best, best_overlap = item, overlap
        if best is None:
            predictions.append(_Prediction(True))
        else:
            predictions.append(_Prediction(True, _label(_get(best, "dimension")), _get(best, "point")))
    return predictions, has_points


def score_document(gold: Sequence[dict[str, Any]], document: Any) -> Tally:
    """Score one tagged document against its gold units."""
    predictions, has_points = align(gold, document)
    tally = Tally(documents=1, has_points=has_points)
    pointed = []
    for unit, pred in zip(gold, predictions, strict=True):
        tally.unaligned += not pred.aligned
        if unit["kind"] == "heading":
            tally.headings += 1
            tally.headings_tagged += pred.dimension is not None
            continue
        tally.items += 1
        tally.correct += pred.dimension == unit["dimension"]
        override = unit["heading_dimension"] if unit["heading_dimension"] is not None else pred.dimension
        tally.override_correct += override == unit["dimension"]
        if unit["heading_dimension"] is not None and unit["dimension"] == unit["heading_dimension"]:
            tally.heading_items += 1
            tally.heading_correct += pred.dimension == unit["dimension"]
        if unit["point"] is not None:
            pointed.append((unit["point"], pred.point))
    if has_points:
        for i, (gold_i, pred_i) in enumerate(pointed):
            for gold_j, pred_j in pointed[i + 1 :]:
                same_pred = pred_i is not None and pred_i == pred_j
                tally.point_pairs += 1
                tally.point_agree += (gold_i == gold_j) == same_pred
    return tally


def _read_gold(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _gold_path(document: Path) -> Path:
    return document.with_name(document.stem + ".gold.jsonl")


def _variant(document: Path) -> str:
    return document.stem.rpartition("__")[2] or "plain"


def list_documents(directory: Path = DOCS) -> list[Path]:
    """The documents of ``directory`` that have a gold file, sorted by name."""
    return sorted(p for p in directory.iterdir() if p.suffix in (".txt", ".docx") and _gold_path(p).exists())


def score(tag_fn: TagFn | None = None, docs: Iterable[str | Path] | None = None) -> dict[str, Any]:
    """Tag the structure-test documents and score them.

    Parameters
    ----------
    tag_fn : callable, optional
        ``tag_fn(path)`` returns a tagged document (``.text`` and items with
        ``start``, ``end``, ``dimension`` and optionally ``point``).
        Default: :func:`dimtag.tag_file`.
    docs : iterable of str or Path, optional
        Documents to score: paths, or file names in the default directory.
        Default: every document with a gold file.

    Returns
    -------
    dict
        ``overall``, ``by_style`` (the source's style), ``by_variant`` (the
        file format) and ``by_document``, each a summary with the counts and
        rates listed in the module docstring (a rate is None where nothing
        was counted).
    """
    tag = tag_fn or dimtag.tag_file
    paths = list_documents() if docs is None else [p if p.exists() else DOCS / p for p in map(Path, docs)]
    overall = Tally()
    by_style: dict[str, Tally] = defaultdict(Tally)
    by_variant: dict[str, Tally] = defaultdict(Tally)
    by_document: dict[str, Tally] = {}
    for path in paths:
        gold = _read_gold(_gold_path(path))
        try:
            tally = score_document(gold, tag(path))
        except DimtagError as exc:  # a document the tagger cannot read scores as all-none, and is listed
            tally = score_document(gold, {"text": "", "items": []})
            tally.failed.append(f"{path.name}: {exc}")
        by_document[path.name] = tally
        overall.add(tally)
        by_style[gold[0]["style"]].add(tally)
        by_variant[_variant(path)].add(tally)
    return {
        "overall": overall.summary(),
        "by_style": {k: v.summary() for k, v in sorted(by_style.items())},
        "by_variant": {k: v.summary() for k, v in sorted(by_variant.items())},
        "by_document": {k: v.summary() for k, v in by_document.items()},
    }


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def markdown(result: dict[str, Any]) -> str:
    """The result of :func:`score` as Markdown tables."""
    head = (
        "| {} | docs | items | item accuracy | override accuracy | heading items | heading recall | point agreement "
        "| headings tagged | unaligned |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )

    def row(name: str, s: dict[str, Any]) -> str:
        return (
            f"| {name} | {s['documents']} | {s['items']} | {_fmt(s['item_accuracy'])} | {_fmt(s['override_accuracy'])} "
            f"| {s['heading_items']} "
            f"| {_fmt(s['heading_recall'])} | {_fmt(s['point_agreement'])} | {_fmt(s['headings_tagged'])} "
            f"| {s['unaligned']} |"
        )

    out = []
    for title, group in (("format", "by_variant"), ("style", "by_style")):
        out.append(f"### By {title}\n")
        out.append(head.format(title))
        out.extend(row(name, s) for name, s in result[group].items())
        out.append(row("**overall**", result["overall"]))
        out.append("")
    failed = result["overall"]["failed"]
    if failed:
        out.append("Documents the tagger could not read: " + "; ".join(failed))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score dimtag on the structure-test documents.")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = parser.parse_args(argv)
    result = score()
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

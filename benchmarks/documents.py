"""Leave-one-writer-out on the annotated documents: roles and dimensions, the learned decision beside 2.0.0's.

Usage::

    python benchmarks/documents.py                 # Markdown tables (about an hour on 2 cores)
    python benchmarks/documents.py --json out.json
    python benchmarks/documents.py --evidence-cache DIR   # reuse `dimtag train --evidence-cache DIR`'s held-out models

For each writer of ``data/documents/src``, sentence models (dimension and role
heads) are fitted on ``data/labels.csv`` without that writer's items, and a
document stacker on the other writers' documents read by their own held-out
models (:func:`dimtag.learn.stacking.writer_evidence`). The writer's
documents are then tagged with :func:`dimtag.tag_document` by three deciders,
all in this run:

- ``learned``: the new sentence models and the learned stacker (what ships);
- ``prior``: the same sentence models without roles, decided by 2.0.0's hand-set
  prior (roles then come from part headings);
- ``2.0.0``: the model and decision of release 2.0.0 (read from git), which never
  saw any of these writers.

Each gold unit takes the prediction of the item overlapping most of it
(:func:`dimtag.learn.documents.align`); a unit no item overlaps predicts
``other``/none. Measures over gold items (headings excluded):

- ``item accuracy``: dimension right, none included (none for other);
- ``role accuracy``;
- ``other→dim``: share of gold ``other`` items given a dimension;
- ``dim→none``: share of gold dimension items given none.

Some documents were read a second time, blind, by other annotators
(``data/documents/second``). On those, every decider is also scored against
the second reading, and the writer's own labels against it too: how far two
careful readers agree is what the figures above can be read against.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from dimtag import Tagger, tag_document
from dimtag.learn.documents import AnnotatedDocument, GoldUnit, align, read_corpus, read_second_reading, second_document
from dimtag.learn.labels import read_labels
from dimtag.learn.stacking import held_out_stackers, writer_evidence

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "data" / "documents" / "src"
LABELS = REPO / "data" / "labels.csv"
#: A second, blind reading of some of the documents (``data/documents/second/README.md``).
SECOND = REPO / "data" / "documents" / "second"
#: The commit of release 2.0.0, whose model is the baseline.
BASELINE_COMMIT = "92fc7e3"
DECIDERS = ("learned", "prior", "2.0.0")


@dataclass
class Tally:
    items: int = 0
    correct: int = 0
    role_correct: int = 0
    other: int = 0
    other_given_dim: int = 0
    dims: int = 0
    dim_given_none: int = 0

    def add(self, other: Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def summary(self) -> dict[str, Any]:
        def rate(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None

        return {
            "items": self.items,
            "item_accuracy": rate(self.correct, self.items),
            "role_accuracy": rate(self.role_correct, self.items),
            "other_given_dimension": rate(self.other_given_dim, self.other),
            "dimension_given_none": rate(self.dim_given_none, self.dims),
        }


def tally(units: Sequence[GoldUnit], predicted: Sequence[tuple[str, str | None]]) -> Tally:
    """Score predicted (role, dimension) pairs, one per unit, against the units' gold items."""
    out = Tally()
    for unit, (role, dim) in zip(units, predicted, strict=True):
        if unit.kind != "item":
            continue
        out.items += 1
        out.correct += dim == unit.dimension
        out.role_correct += role == unit.role
        if unit.role == "other":
            out.other += 1
            out.other_given_dim += dim is not None
        else:
            out.dims += 1
            out.dim_given_none += dim is None
    return out


def predictions(document: AnnotatedDocument, tagged: Any) -> list[tuple[str, str | None]]:
    """The (role, dimension) a tagged document gives each of its gold units, by alignment."""
    items = list(tagged)
    found = align([u.text for u in document.units], tagged.text, [(s.start, s.end) for s in items])
    predicted: list[tuple[str, str | None]] = []
    for hit in found:
        item = items[hit[0]] if hit is not None and hit[0] >= 0 else None
        # A unit no item overlaps was dropped by the reader: other, no dimension.
        predicted.append(("other", None) if item is None else
                         (str(item.role), None if item.dimension is None else str(item.dimension)))
    return predicted


def baseline_tagger() -> Tagger:
    """Release 2.0.0's shipped model, read from git into a temporary directory."""
    out = Path(tempfile.mkdtemp(prefix="dimtag-2.0.0-"))
    listing = subprocess.run(
        ["git", "ls-tree", "--name-only", BASELINE_COMMIT, "src/dimtag/model/"], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.split()
    for path in listing:
        blob = subprocess.run(["git", "show", f"{BASELINE_COMMIT}:{path}"], cwd=REPO, check=True, capture_output=True).stdout
        (out / Path(path).name).write_bytes(blob)
    return Tagger.load(out)


def run(n_jobs: int = 2, writers: Sequence[str] | None = None, cache: str | None = None) -> dict[str, Any]:
    corpus = read_corpus(SOURCES)
    documents = [d for d in corpus if writers is None or d.writer in writers]
    items = read_labels(LABELS)
    evidence = writer_evidence(items, documents, n_jobs=n_jobs, cache=cache)
    stackers = held_out_stackers(evidence, n_jobs=n_jobs)
    old = baseline_tagger()
    overall = {k: Tally() for k in DECIDERS}
    by_writer: dict[str, dict[str, Tally]] = defaultdict(lambda: {k: Tally() for k in DECIDERS})
    by_style: dict[str, dict[str, Tally]] = defaultdict(lambda: {k: Tally() for k in DECIDERS})
    second_readings = read_second_reading(SECOND, corpus) if SECOND.is_dir() else {}
    agreement: dict[str, dict[str, Tally]] = {k: {"writer": Tally(), "second": Tally()} for k in ("writer", *DECIDERS)}
    for writer, (fold, docs) in evidence.items():
        stacker = stackers[writer]
        deciders = {
            "learned": Tagger.from_model(fold.model_, fold.metadata_, fold.role_model_, stacker),
            "prior": Tagger.from_model(fold.model_, fold.metadata_),
            "2.0.0": old,
        }
        for ev in docs:
            second = second_readings.get(ev.document.name)
            if second is not None:
                twice = second_document(ev.document, second)
                # The writer's own labels read as predictions of the second reading.
                agreement["writer"]["second"].add(tally(twice.units, [(u.role or "other", u.dimension) for u in ev.document.units]))
            for name, tagger in deciders.items():
                predicted = predictions(ev.document, tag_document(ev.document.text, tagger=tagger, min_score=0.0))
                scored = tally(ev.document.units, predicted)
                overall[name].add(scored)
                by_writer[writer][name].add(scored)
                for style in ev.document.styles or ["(none)"]:
                    by_style[style][name].add(scored)
                if second is not None:
                    agreement[name]["writer"].add(scored)
                    agreement[name]["second"].add(tally(twice.units, predicted))
    return {
        "documents": len(documents),
        "writers": sorted(evidence),
        "overall": {k: v.summary() for k, v in overall.items()},
        "by_writer": {w: {k: v.summary() for k, v in t.items()} for w, t in sorted(by_writer.items())},
        "by_style": {s: {k: v.summary() for k, v in t.items()} for s, t in sorted(by_style.items())},
        "second_reading": {
            "documents": sum(1 for d in documents if d.name in second_readings),
            "against": {k: {g: v.summary() for g, v in t.items() if v.items} for k, t in agreement.items()},
        },
    }


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def markdown(result: dict[str, Any]) -> str:
    metrics = ("item_accuracy", "role_accuracy", "other_given_dimension", "dimension_given_none")
    names = ("item accuracy", "role accuracy", "other→dim", "dim→none")
    head = "| {} | items | " + " | ".join(f"{n} ({d})" for n in names for d in DECIDERS) + " |"
    rule = "|---|---:|" + "---:|" * (len(names) * len(DECIDERS))

    def row(name: str, block: dict[str, dict[str, Any]]) -> str:
        cells = [_fmt(block[d][m]) for m in metrics for d in DECIDERS]
        return f"| {name} | {block['learned']['items']} | " + " | ".join(cells) + " |"

    out = [f"{result['documents']} documents from {len(result['writers'])} writers, leave-one-writer-out.", ""]
    for title, key in (("writer", "by_writer"), ("style", "by_style")):
        out += [f"### By {title}", "", head.format(title), rule]
        out += [row(name, block) for name, block in result[key].items()]
        out += [row("**overall**", result["overall"]), ""]
    second = result.get("second_reading", {})
    if second.get("documents"):
        out += [
            "### Against a second, blind reading",
            "",
            f"{second['documents']} documents read again by an annotator who saw neither the writer's labels nor the model's.",
            "",
            "| reader | items | item accuracy (writer) | item accuracy (second) | role accuracy (writer) | role accuracy (second) |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, block in second["against"].items():
            w, s2 = block.get("writer", {}), block.get("second", {})
            out.append(f"| {'writer (first reading)' if name == 'writer' else name} | {s2.get('items', 0)} | "
                       f"{_fmt(w.get('item_accuracy')) if w else '—'} | {_fmt(s2.get('item_accuracy'))} | "
                       f"{_fmt(w.get('role_accuracy')) if w else '—'} | {_fmt(s2.get('role_accuracy'))} |")
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Leave-one-writer-out on the annotated documents.")
    parser.add_argument("--json", help="also write the full result to this file")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--writers", nargs="*", help="only these writers' documents")
    parser.add_argument("--evidence-cache", metavar="DIR",
                        help="share each writer's held-out models with `dimtag train --evidence-cache DIR` (same data)")
    args = parser.parse_args(argv)
    if args.writers is not None and len(set(args.writers)) < 2:
        parser.error("--writers needs at least two writers: each one's document decision is fitted on the others'")
    result = run(args.jobs, args.writers, args.evidence_cache)
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    sys.stdout.write(markdown(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Leave-one-writer-out on the annotated documents: roles and dimensions, the learned decision beside 2.0.0's.

Usage::

    python benchmarks/documents.py                 # Markdown tables (about five minutes on 2 cores)
    python benchmarks/documents.py --json out.json

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
from dimtag.learn.documents import AnnotatedDocument, align, read_corpus
from dimtag.learn.labels import read_labels
from dimtag.learn.stacking import fit_stacker, writer_evidence

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "data" / "documents" / "src"
LABELS = REPO / "data" / "labels.csv"
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


def score_document(document: AnnotatedDocument, tagged: Any) -> Tally:
    """Score one tagged document against its gold items."""
    items = list(tagged)
    found = align([u.text for u in document.units], tagged.text, [(s.start, s.end) for s in items])
    tally = Tally()
    for unit, hit in zip(document.units, found):
        if unit.kind != "item":
            continue
        item = items[hit[0]] if hit is not None and hit[0] >= 0 else None
        dim = None if item is None or item.dimension is None else str(item.dimension)
        role = "other" if item is None else str(item.role)
        tally.items += 1
        tally.correct += dim == unit.dimension
        tally.role_correct += role == unit.role
        if unit.role == "other":
            tally.other += 1
            tally.other_given_dim += dim is not None
        else:
            tally.dims += 1
            tally.dim_given_none += dim is None
    return tally


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


def run(n_jobs: int = 2, writers: Sequence[str] | None = None) -> dict[str, Any]:
    documents = [d for d in read_corpus(SOURCES) if writers is None or d.writer in writers]
    items = read_labels(LABELS)
    evidence = writer_evidence(items, documents, n_jobs=n_jobs)
    old = baseline_tagger()
    overall = {k: Tally() for k in DECIDERS}
    by_writer: dict[str, dict[str, Tally]] = defaultdict(lambda: {k: Tally() for k in DECIDERS})
    by_style: dict[str, dict[str, Tally]] = defaultdict(lambda: {k: Tally() for k in DECIDERS})
    for writer, (fold, docs) in evidence.items():
        others = [ev for w, (_, evs) in evidence.items() if w != writer for ev in evs]
        stacker = fit_stacker(others)
        deciders = {
            "learned": Tagger.from_model(fold.model_, fold.metadata_, fold.role_model_, stacker),
            "prior": Tagger.from_model(fold.model_, fold.metadata_),
            "2.0.0": old,
        }
        for ev in docs:
            for name, tagger in deciders.items():
                tally = score_document(ev.document, tag_document(ev.document.text, tagger=tagger, min_score=0.0))
                overall[name].add(tally)
                by_writer[writer][name].add(tally)
                for style in ev.document.styles or ["(none)"]:
                    by_style[style][name].add(tally)
    return {
        "documents": len(documents),
        "writers": sorted(evidence),
        "overall": {k: v.summary() for k, v in overall.items()},
        "by_writer": {w: {k: v.summary() for k, v in t.items()} for w, t in sorted(by_writer.items())},
        "by_style": {s: {k: v.summary() for k, v in t.items()} for s, t in sorted(by_style.items())},
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
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Leave-one-writer-out on the annotated documents.")
    parser.add_argument("--json", help="also write the full result to this file")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--writers", nargs="*", help="only these writers' documents")
    args = parser.parse_args(argv)
    result = run(args.jobs, args.writers)
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    sys.stdout.write(markdown(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Build the annotated documents of issue 18 from their sources, and bring their items into labels.csv.

Run from the repository root::

    python data/documents/build.py            # docs/, index.json, STYLES.md and labels.csv rows
    python data/documents/build.py --check    # exit 1 if anything committed differs from a rebuild

- ``src/<writer>/*.txt`` (and ``index.tsv``) are the single source of truth: each writer's
  documents, annotated in the ⟦…⟧ format of ``ANNOTATION_BRIEF.md``
  (:mod:`dimtag.learn.documents` parses it).
- ``docs/<name>.txt`` is the document as a reader gets it (annotations removed), beside
  ``docs/<name>.gold.jsonl``, one gold unit a line; ``index.json`` lists documents, writers,
  years, kinds and styles; ``STYLES.md`` is the table of styles and counts.
- ``data/labels.csv``: the rows of these writers are replaced by the items of their documents
  (role, dimension, part, heading), skipping texts already in the file from another writer and
  near-duplicates of them (character-trigram Jaccard >= 0.6), so every writer's items stay its own.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from dimtag.learn.curation import near_duplicate_pairs
from dimtag.learn.documents import AnnotatedDocument, as_dict, read_corpus
from dimtag.learn.labels import COLUMNS, read_table

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SRC, DOCS = HERE / "src", HERE / "docs"
LABELS = REPO / "data" / "labels.csv"
ROLES = ("problem", "cause", "measure", "positive", "other")


def _files(docs: list[AnnotatedDocument]) -> dict[Path, str]:
    out: dict[Path, str] = {}
    index = []
    for doc in docs:
        stem = Path(doc.name).stem
        out[DOCS / f"{stem}.txt"] = doc.text + "\n"
        meta = {"writer": doc.writer, "year": doc.meta.get("year", ""), "campaign": doc.meta.get("campaign", ""),
                "unit": doc.meta.get("unit", ""), "kind": doc.meta.get("kind", ""), "styles": doc.styles}
        lines = [json.dumps({**as_dict(u), **meta}, ensure_ascii=False) for u in doc.units]
        out[DOCS / f"{stem}.gold.jsonl"] = "\n".join(lines) + "\n"
        index.append({"document": f"{stem}.txt", "gold": f"{stem}.gold.jsonl", **meta})
    out[HERE / "index.json"] = json.dumps(index, ensure_ascii=False, indent=1) + "\n"
    out[HERE / "STYLES.md"] = _styles_table(docs)
    return out


def _styles_table(docs: list[AnnotatedDocument]) -> str:
    by_style: dict[str, Counter[str]] = defaultdict(Counter)
    writers: dict[str, set[str]] = defaultdict(set)
    for doc in docs:
        for style in doc.styles or ["(none given)"]:
            by_style[style]["documents"] += 1
            writers[style].add(doc.writer)
            for u in doc.items:
                by_style[style][u.role or "other"] += 1
    total = Counter(u.role for d in docs for u in d.items)
    lines = [
        "# Annotated documents: styles and counts",
        "",
        f"{len(docs)} documents from {len({d.writer for d in docs})} writers, {sum(total.values())} annotated items "
        f"({', '.join(f'{r} {total[r]}' for r in ROLES)}; other is {total['other'] / max(sum(total.values()), 1):.0%}).",
        "A document counts under each of its styles. Made by `python data/documents/build.py`.",
        "",
        "| style | documents | writers | " + " | ".join(ROLES) + " |",
        "|---|---:|---:|" + "---:|" * len(ROLES),
    ]
    for style in sorted(by_style):
        c = by_style[style]
        lines.append(f"| {style} | {c['documents']} | {len(writers[style])} | " + " | ".join(str(c[r]) for r in ROLES) + " |")
    by_writer: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in docs:
        by_writer[doc.writer]["documents"] += 1
        years = doc.meta.get("year", "")
        if years:
            by_writer[doc.writer][f"y{years}"] += 1
        for u in doc.items:
            by_writer[doc.writer][u.role or "other"] += 1
    lines += ["", "| writer | documents | years | " + " | ".join(ROLES) + " |", "|---|---:|---|" + "---:|" * len(ROLES)]
    for writer in sorted(by_writer):
        c = by_writer[writer]
        years = sorted(k[1:] for k in c if k.startswith("y"))
        span = f"{years[0]}–{years[-1]}" if years else ""
        lines.append(f"| {writer} | {c['documents']} | {span} | " + " | ".join(str(c[r]) for r in ROLES) + " |")
    return "\n".join(lines) + "\n"


def _labels(docs: list[AnnotatedDocument]) -> str:
    """labels.csv with the documents' writers' rows rebuilt from the documents."""
    table = read_table(LABELS)
    writers = {d.writer for d in docs}
    kept = [row for _, row in table.rows if row.get("writer") not in writers]
    seen = {row["text"] for row in kept}
    new = []
    for doc in docs:
        headings: list[str] = []
        for u in doc.units:
            if u.kind == "heading":
                headings.append(u.text)
                continue
            if u.text in seen:
                continue
            seen.add(u.text)
            new.append({
                "text": u.text, "dimension": u.dimension or "none", "role": u.role, "source": "authored",
                "origin": "authored", "writer": doc.writer, "section": u.part or "other", "kind": "item",
                "heading": headings[-1] if headings else "",
            })
    # Near-duplicates across writers (formulas every writer uses) stay with the first writer that has them.
    written = [r for r in kept if r.get("origin") != "collected"]
    texts = [r["text"] for r in written] + [r["text"] for r in new]
    writer_of = [r.get("writer", "") for r in written] + [r["writer"] for r in new]
    drop = set()
    for i, j, _ in near_duplicate_pairs(texts):
        if writer_of[i] != writer_of[j] and j >= len(written) and i not in drop:
            drop.add(j)
    new = [r for k, r in enumerate(new) if k + len(written) not in drop]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in kept + new:
        writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a committed file differs from a rebuild")
    args = parser.parse_args(argv)
    docs = read_corpus(SRC)
    files = _files(docs)
    files[LABELS] = _labels(docs)
    stale = [p for p, text in files.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    if DOCS.exists():
        stale += [p for p in DOCS.iterdir() if p not in files]
    if args.check:
        for p in stale:
            print(f"differs: {p.relative_to(REPO)}", file=sys.stderr)
        return 1 if stale else 0
    DOCS.mkdir(exist_ok=True)
    for p in DOCS.iterdir():
        if p not in files:
            p.unlink()
    for p, text in files.items():
        p.write_text(text, encoding="utf-8", newline="\n")
    print(f"{len(docs)} documents, {len(stale)} files written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

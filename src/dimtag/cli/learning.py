"""The learning wing's verbs: ``extract``, ``train``, ``evaluate``, and ``audit`` and ``suggest`` (rows for ``merge``)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from .console import print_line
from .exits import EXIT_FAILED, EXIT_OK, UsageError
from .inputs import checkout_root, fill_path_option, list_documents, load_tagger
from .output import check_out_folder, check_output, open_output, writing

log = logging.getLogger("dimtag")


def cmd_extract(args: argparse.Namespace) -> int:
    from ..learn.extraction import extract_items, write_items

    check_output(args.output, [args.input])
    rows = extract_items(args.input, source_name=args.source, tagger=load_tagger(args.model))
    with open_output(args.output) as out:
        write_items(rows, out)
    return EXIT_OK


def _grid(args: argparse.Namespace) -> Any:
    from ..learn.training import DEFAULT_GRID, SMALL_GRID

    return DEFAULT_GRID if args.grid == "default" else SMALL_GRID


def cmd_train(args: argparse.Namespace) -> int:
    from ..learn.training import check_out_dir, train

    fill_path_option(args, "labels", "data/labels.csv")
    fill_path_option(args, "out", "src/dimtag/model")
    root = checkout_root()
    if args.documents is None and root is not None:
        default_docs = root / "data" / "documents" / "src"
        args.documents = str(default_docs) if default_docs.is_dir() else None
    check_out_folder(args.out)
    try:
        check_out_dir(args.out)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    from ..learn.formats import Columns, read_label_set, read_names

    names = read_names(args.names) if args.names else None
    columns = Columns(args.text_col, args.label_col, args.role_col, args.group_col)
    label_set = read_label_set(args.labels, args.format, columns, labels=list(names) if names else None)
    meta = train(label_set, args.out, _grid(args), n_jobs=args.jobs, documents=args.documents, names=names, headings=args.headings,
                 evidence_cache=args.evidence_cache)
    parts = [f"{k} macro-F1 {v['macro_f1']:.3f}" for k, v in meta.cv.items() if isinstance(v, dict) and "macro_f1" in v]
    print_line(f"model written to {args.out}: {', '.join(parts)} ({meta.config})")
    import dimtag

    shipped = Path(dimtag.__file__).resolve().parent / "model"
    if Path(args.out).resolve() != shipped:
        # The installed package keeps its own model: say how to use this one.
        print_line(f"use it with: dimtag tag --model {args.out} FILE, or DIMTAG_MODEL={args.out}")
    return EXIT_OK


_AUDIT_EXTRA = ("line", "suggested", "p_label", "p_suggested", "why", "confirmed")


def cmd_audit(args: argparse.Namespace) -> int:
    from ..learn.curation import audit, write_csv
    from ..learn.labels import COLUMNS, read_labels

    fill_path_option(args, "labels", "data/labels.csv")
    check_output(args.output, [args.labels])
    items = read_labels(args.labels)
    rows = audit(items)
    records = [
        {"line": r.item.line, **{c: getattr(r.item, c) for c in COLUMNS}, "suggested": r.suggested,
         "p_label": f"{r.p_label:.3f}", "p_suggested": f"{r.p_suggested:.3f}", "why": r.why, "confirmed": ""}
        for r in rows
    ]
    with writing(args.output):
        write_csv(records, args.output, ("line", *COLUMNS, *_AUDIT_EXTRA[1:]))
    print_line(f"{len(rows)} labels flagged; all in {args.output} (set dimension and confirmed, then: dimtag merge {args.output})")
    for r in rows[: args.n]:
        print_line(f"{args.labels}:{r.item.line}\t{r.item.dimension} -> {r.suggested}\tp={r.p_label:.2f}/{r.p_suggested:.2f}\t{r.why}\t{r.item.text[:60]}")
    return EXIT_OK


def cmd_suggest(args: argparse.Namespace) -> int:
    from ..learn.curation import suggest, write_csv
    from ..learn.labels import COLUMNS, read_labels

    if args.labels is None:
        root = checkout_root()
        args.labels = str(root / "data" / "labels.csv") if root else None
    check_output(args.output, args.inputs)
    paths, errors = list_documents(args.inputs, args.follow_links, args.output)
    paths = [p for p in paths if p != "-"]
    known = read_labels(args.labels) if args.labels else []
    unreadable: list[str] = []
    rows = suggest(paths, args.n, known, errors=unreadable)
    for message in errors + unreadable:
        log.error("%s", message)
    with writing(args.output):
        write_csv(rows, args.output, (*COLUMNS, "entropy", "confirmed"))
    return EXIT_FAILED if errors or unreadable else EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    from ..learn.evaluation import evaluate

    fill_path_option(args, "labels", "data/labels.csv")
    fill_path_option(args, "out", "reports")
    check_out_folder(args.out)
    result = evaluate(args.labels, args.out, _grid(args), n_jobs=args.jobs)
    print_line(f"{args.out}/evaluation.md: {result['best'].label()}")
    for scheme, s in result["scores"].items():
        print_line(f"  {scheme}: accuracy {s['accuracy']:.3f}, macro-F1 {s['macro_f1']:.3f}")
    for name, by_scheme in result["baselines"].items():
        print_line(f"  baseline {name}: " + ", ".join(f"{k} macro-F1 {v['macro_f1']:.3f}" for k, v in by_scheme.items()))
    for name in result["skipped"]:
        print_line(f"  baseline {name}: skipped")
    return EXIT_OK

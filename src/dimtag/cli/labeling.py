"""The verbs that feed and edit labels.csv: ``export-tasks`` and ``import-labels`` (Label Studio, doccano), ``merge``
(the confirmed rows of ``audit`` and ``suggest``), and ``labels`` (rename a label, or merge one into another)."""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Mapping

from .._atomic import atomic_write
from ..folders import collect_documents
from .console import print_line, say
from .exits import EXIT_FAILED, EXIT_OK
from .inputs import fill_path_option, load_tagger
from .output import check_output, open_output, writing

log = logging.getLogger("dimtag")


def cmd_export_tasks(args: argparse.Namespace) -> int:
    from ..learn.tasks import export_tasks, label_config, write_tasks

    check_output(args.output, args.inputs)
    if args.config:
        check_output(args.config, args.inputs)
    tagger = load_tagger(args.model)
    skip = {os.path.realpath(p) for p in (args.output, args.config) if p}
    files, skipped = collect_documents(args.inputs, follow_links=getattr(args, "follow_links", False), exclude=skip)
    errors = [str(s) for s in skipped]
    paths = [p for p in files if p != "-"]
    unreadable: list[str] = []
    with open_output(args.output) as out:
        n = write_tasks(export_tasks(paths, tagger, errors=unreadable), out, args.format)
    if args.config:
        with writing(args.config), atomic_write(args.config) as fh:
            fh.write(label_config() + "\n")
    for message in errors + unreadable:
        log.error("%s", message)
    say(f"{n} tasks written to {args.output or 'standard output'}" + (f"; labeling config in {args.config}" if args.config else ""))
    return EXIT_FAILED if errors or unreadable else EXIT_OK


def cmd_merge(args: argparse.Namespace) -> int:
    from ..learn.curation import merge

    fill_path_option(args, "labels", "data/labels.csv")
    _merged(args.labels, merge(args.labels, args.updates))
    return EXIT_OK


def cmd_import_labels(args: argparse.Namespace) -> int:
    from ..learn.tasks import import_labels

    fill_path_option(args, "labels", "data/labels.csv")
    _merged(args.labels, import_labels(args.labels, args.export))
    return EXIT_OK


def _merged(labels: str, counts: Mapping[str, int]) -> None:
    """What a locked merge into labels.csv did (``merge``, and ``import-labels``, which is the same merge)."""
    print_line(f"{labels}: {counts['appended']} appended, {counts['relabeled']} relabeled, {counts['unchanged']} confirmed unchanged")


def cmd_labels(args: argparse.Namespace) -> int:
    from ..learn.curation import rename_label

    fill_path_option(args, "labels", "data/labels.csv")
    n = rename_label(args.labels, args.old, args.new, column=args.column, into_existing=args.action == "merge", dry_run=args.dry_run)
    verb = "renamed" if args.action == "rename" else "merged into"
    when = "would be" if args.dry_run else "were"
    print_line(f"{args.labels}: {n} rows {when} changed ({args.column} {args.old!r} {verb} {args.new!r})")
    return EXIT_OK

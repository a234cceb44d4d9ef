"""What a run reads: the documents of its inputs, the checkout's default paths, and the model."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..folders import collect_documents
from .exits import UsageError


def checkout_root() -> Path | None:
    """The dimtag source checkout that holds the current directory, if any."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "labels.csv").is_file() and (folder / "src" / "dimtag").is_dir():
            return folder
    return None


def fill_path_option(args: argparse.Namespace, name: str, default: str) -> None:
    """Fill a path option: as given (relative to the current directory), or the checkout's default."""
    value = getattr(args, name, None)
    if value is not None:
        return
    root = checkout_root()
    if root is None:
        raise UsageError(f"--{name} is required outside a dimtag source checkout")
    setattr(args, name, str(root / default))


def list_documents(inputs: Sequence[str], follow_links: bool, output: str | None) -> tuple[list[str], list[str]]:
    """The files to read (the one folder rule, :func:`dimtag.folders.collect_documents`) and the error lines
    of those skipped; the output file is left out."""
    skip = {os.path.realpath(output)} if output else set()
    files, skipped = collect_documents(inputs, follow_links=follow_links, exclude=skip)
    return files, [str(s) for s in skipped]


@lru_cache(maxsize=2)
def load_tagger(model: str | None) -> Any:
    """The tagger of ``--model`` (``None``: the default one), loaded once in each process."""
    from ..tagger import Tagger, default_tagger

    return Tagger.load(model) if model else default_tagger()

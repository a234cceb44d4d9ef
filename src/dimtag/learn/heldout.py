"""The sentence models of each document writer's fold: fitted on every other writer's labeled items.

Kept in a module of its own because :func:`dimtag.learn.stacking.writer_evidence`
caches its result with ``joblib.Memory``, which drops the whole cache when the
cached function's code or its line in its file changes: here, edits to the
document decision do not move it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..fitting import Config
from ..tagger import Tagger
from .labels import LabeledItem

__all__ = ["writer_tagger"]


def writer_tagger(items: Sequence[LabeledItem], writer: str, config: Config, version: str) -> Tagger:
    """A tagger (dimension and role heads) fitted on the items of every writer but ``writer``.

    ``version`` (dimtag's) is not used: it keys a cache, so that another release fits again.
    """
    train = [it for it in items if it.writer != writer]
    return Tagger(**config.to_dict()).fit([it.text for it in train], [it.dimension for it in train], roles=[it.role for it in train])

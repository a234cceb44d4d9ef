"""The learning wing: labels, extraction, training, evaluation and curation.

Install it with ``pip install 'dimtag[train]'`` (scikit-learn, jieba,
joblib). Tagging never imports anything from here.
"""

from __future__ import annotations

import importlib.util

__all__ = ["TRAIN_EXTRA_HINT", "missing_train_extra"]

TRAIN_EXTRA_HINT = "pip install 'dimtag[train]'"
_NEEDED = ("sklearn", "jieba", "joblib")


def missing_train_extra() -> list[str]:
    """The modules of the ``train`` extra that are not installed (empty when all are)."""
    return [name for name in _NEEDED if importlib.util.find_spec(name) is None]

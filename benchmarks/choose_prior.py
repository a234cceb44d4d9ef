"""Choose the strength of the document-structure prior by measurement.

Usage: ``python benchmarks/choose_prior.py [--key overall.item_accuracy]``

Every prior of a small grid over :class:`dimtag.decision.Prior` tags the
structure-test documents through ``benchmarks/structure.py`` (its
``score(tag_fn=None, docs=None) -> dict``), and the table of scores is
printed, best first. ``--key`` is the dotted path of the number to maximise
in that dict.

The model's probabilities are computed once per text and cached, so the
whole grid costs a few model passes.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dimtag import Tagger, tag_file  # noqa: E402
from dimtag.decision import Prior  # noqa: E402

GRID = {
    "heading": [0.0, 1.0, 2.0, 3.0, 4.0, 6.0],
    "point": [0.0, 1.0, 2.0, 4.0],
    "point_items": [0.0, 0.1, 0.3],
    "section_items": [0.0, 0.1, 0.3],
    "heading_reading": [0.0, 0.2],
}


def _structure() -> Any:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import structure  # the scorer of the structure-test documents, beside this file

    return structure


def _cached(tagger: Tagger) -> Tagger:
    """The tagger with its probabilities memoised by text: the grid re-tags the same texts."""
    cache: dict[tuple[str, bool], tuple[np.ndarray, np.ndarray | None]] = {}
    compute = tagger._probas

    def probas(texts: list[str], n_jobs: int | None = 1, roles: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        if not texts:
            return compute(texts, n_jobs, roles)
        missing = [t for t in dict.fromkeys(texts) if (t, roles) not in cache]
        if missing:
            full, role_full = compute(missing, n_jobs, roles)
            for i, t in enumerate(missing):
                cache[t, roles] = (full[i], None if role_full is None else role_full[i])
        rows = [cache[t, roles] for t in texts]
        role_rows = None if rows[0][1] is None else np.array([r[1] for r in rows])
        return np.array([r[0] for r in rows]), role_rows

    tagger._probas = probas  # type: ignore[method-assign]
    return tagger


def _get(result: dict[str, Any], key: str) -> float:
    value: Any = result
    for part in key.split("."):
        value = value[part]
    return float(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--key", default="overall.item_accuracy", help="dotted path of the score to maximise")
    args = parser.parse_args(argv)
    structure = _structure()
    tagger = _cached(Tagger.load())
    priors = [Prior(*values) for values in itertools.product(*GRID.values())]

    def run(prior: Prior) -> float:
        return _get(structure.score(tag_fn=partial(tag_file, tagger=tagger, prior=prior)), args.key)

    results = sorted(((run(p), p) for p in priors), key=lambda r: -r[0])
    for value, prior in results[:15]:
        print(f"{value:.4f}  {prior}")
    print(f"no structure: {run(Prior(0, 0, 0, 0, 0)):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Compare priors of the document decision on the structure-test documents.

Usage::

    python benchmarks/structure_priors.py

Prints a Markdown table: overall item accuracy and heading recall (see
``benchmarks/structure.py``) for the model alone, a heading override, and
the weights of :class:`dimtag.decision.Prior` around the shipped ones.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from structure import score  # noqa: E402  (found through the sys.path entry above)

from dimtag import tag_file  # noqa: E402
from dimtag.decision import Prior  # noqa: E402

PRIORS = {
    "model only (no structure evidence)": Prior(heading=0, point=0, point_items=0, section_items=0, heading_reading=0),
    "heading override (heading weight 50)": Prior(heading=50, point=0, point_items=0, section_items=0, heading_reading=0),
    "shipped (heading 3 only)": Prior(),
    "2.0.0 (heading 3, point title 4)": Prior(heading=3, point=4, point_items=0, section_items=0, heading_reading=0),
    "top of the grid (heading 2, point title 2)": Prior(heading=2, point=2, point_items=0, section_items=0, heading_reading=0),
    "heading 3, point 4, pooled 0.5": Prior(heading=3, point=4, point_items=0.5, section_items=0.5, heading_reading=0.5),
}


def main() -> None:
    print("| prior | item accuracy | heading recall |\n|---|---|---|")
    for name, prior in PRIORS.items():
        overall = score(lambda path, prior=prior: tag_file(path, prior=prior))["overall"]
        print(f"| {name} | {overall['item_accuracy']:.3f} | {overall['heading_recall']:.3f} |")


if __name__ == "__main__":
    main()

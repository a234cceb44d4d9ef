"""Rebuild the shipped model from data/labels.csv.

Usage (from the repository root)::

    python training/train.py                # full model-selection grid
    python training/train.py --grid small   # one configuration, for a quick check

Same as ``dimtag train``. It writes src/dimtag/model/dimtag.npz and
metadata.json (data sha256, library versions, grouped-CV scores, date).
"""

import sys

from dimtag.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", *sys.argv[1:]]))

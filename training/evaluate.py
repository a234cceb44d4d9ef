"""Write reports/evaluation.md: grouped CV of every configuration, baselines, plots.

Usage (from the repository root)::

    python training/evaluate.py                # full grid, about 6 minutes on 2 cores
    python training/evaluate.py --grid small   # the shipped configuration only

Same as ``dimtag evaluate``. Install ``dimtag[plots]`` for the PNG plots and
``dimtag[bench]`` for the jieba + fastText baseline.
"""

import sys

from dimtag.cli import main

if __name__ == "__main__":
    sys.exit(main(["evaluate", *sys.argv[1:]]))

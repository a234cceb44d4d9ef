"""``python -m dimtag.cli``, and the driver script that ``spark-submit`` runs as a file.

Run as a file there is no package to import from relatively, so ``main`` is
taken by its absolute name; the functions sent to ``--jobs`` workers live in
:mod:`dimtag.cli.workers`, where the workers find them by name.
"""

import sys

if __name__ == "__main__":
    from dimtag.cli import main

    sys.exit(main())

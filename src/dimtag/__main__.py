"""``python -m dimtag``: the command line (see :mod:`dimtag.cli`)."""

import sys

from dimtag.cli import main

if __name__ == "__main__":  # worker processes that import this module must not run the command again
    sys.exit(main())

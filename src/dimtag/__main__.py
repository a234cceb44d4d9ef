"""``python -m dimtag``: the command line, as the ``dimtag`` script runs it."""

import sys

from .cli import main

sys.exit(main())

"""``python -m dimtag``: the ``dimtag`` command, run by the interpreter that imports this package."""

import sys

if __name__ == "__main__":
    # Guarded: worker processes of --jobs re-import the main module under another name.
    from dimtag.cli import main

    sys.exit(main())

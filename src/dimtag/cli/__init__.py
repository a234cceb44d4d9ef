"""The ``dimtag`` command line.

``tag``, ``export-tasks``, ``import-labels`` and ``labels`` need the core
only; ``serve`` needs the ``serve`` extra and says so without it. ``extract``, ``train``, ``evaluate``, ``audit``,
``suggest`` and ``merge`` are the learning wing's verbs and need the
``train`` extra; without it they say so and exit 1. Errors caused by input,
files or models (:class:`~dimtag.errors.DimtagError`) are caught once, in
:func:`main`, and printed as one ``dimtag: error: …`` line.

One job a module. Shared, bottom up: :mod:`.exits` (exit codes, the usage
error), :mod:`.signals` (terminating signals as an exception), :mod:`.console`
(lines on stdout and stderr, log records as error lines), :mod:`.inputs` (the
documents, the checkout's defaults, the model), :mod:`.output` (the output
file and the record writers), :mod:`.workers` (tagging the files, in the
``--jobs`` pool when it pays). The verbs, which import only those and never
each other: :mod:`.tagging`, :mod:`.reporting`, :mod:`.labeling`,
:mod:`.learning`, :mod:`.serving`. :mod:`.parser` holds the argument tree.
On top, :mod:`.running`: :func:`main` parses, and dispatches to the verbs
through a table.
"""

from .running import main

__all__ = ["main"]

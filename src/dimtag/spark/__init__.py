"""dimtag on Spark: tag a whole archive and check it for copying as a Spark job.

Needs the ``spark`` extra (pyspark, with pandas and pyarrow for
``mapInPandas``); ``import dimtag`` never imports it.

- :func:`tag_frame`: the record columns of every sentence of a DataFrame of documents;
- :func:`find_copies`: copied passages and shared formulas, computed on the cluster;
- :func:`report_frame`: the reviewer's report's tables as DataFrames.

On a corpus that fits one machine, every answer equals the single-machine
report's (:func:`dimtag.report`): each step runs the very functions the
single-machine report runs, only the counting across documents is Spark's.

Modules: :mod:`.frames` (positions, typed tables), :mod:`.tagging`,
:mod:`.copying`, :mod:`.tables` (the report), :mod:`.job` (``dimtag spark-report``).
"""

from __future__ import annotations

SPARK_EXTRA_HINT = 'pip install "dimtag[spark]"'

try:
    import pyspark  # noqa: F401
except ImportError:  # pragma: no cover - the message is what a user without the extra sees
    raise ImportError(f"dimtag.spark needs the spark extra (pyspark, pandas, pyarrow): {SPARK_EXTRA_HINT}") from None

from .copying import SparkCopies, find_copies  # noqa: E402
from .tables import SparkReport, report_frame  # noqa: E402
from .tagging import tag_frame  # noqa: E402

__all__ = ["SPARK_EXTRA_HINT", "SparkCopies", "SparkReport", "find_copies", "report_frame", "tag_frame"]

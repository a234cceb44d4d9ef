"""Collection rules for the whole checkout: the Spark wing's modules need the spark extra."""

from importlib.util import find_spec

# --doctest-modules imports every module under src/; without pyspark, dimtag.spark cannot be imported.
collect_ignore_glob = [] if find_spec("pyspark") else ["src/dimtag/spark/*"]

"""Collection rules for the whole checkout: wings whose doctests need an extra are collected only where it is installed.

The service needs the serve extra (``pip install ".[serve]"``); the Spark wing needs the spark extra (pyspark):
--doctest-modules imports every module under src/.
"""

import importlib.util

collect_ignore_glob = [
    *([] if importlib.util.find_spec("starlette") else ["src/dimtag/serve/*"]),
    *([] if importlib.util.find_spec("pyspark") else ["src/dimtag/spark/*"]),
]

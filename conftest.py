"""The doctests of the service are collected only where its extra (``pip install ".[serve]"``) is installed."""

import importlib.util

collect_ignore_glob = [] if importlib.util.find_spec("starlette") else ["src/dimtag/serve/*"]

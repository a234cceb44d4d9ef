"""The installed version of dimtag, read once from the package metadata."""

from __future__ import annotations

from importlib import metadata as _metadata

__all__ = ["__version__"]

try:
    __version__ = _metadata.version("dimtag")
except _metadata.PackageNotFoundError:  # running from a source tree
    __version__ = "0+unknown"

"""``dimtag serve``: a REST API, the reviewer's page and a Label Studio ML backend over HTTP.

Needs the ``serve`` extra (``pip install 'dimtag[serve]'``: Starlette,
uvicorn, python-multipart). Nothing in the core imports this package; the
CLI imports it when ``dimtag serve`` runs.

Modules, one job each: :mod:`.app` (assembly), :mod:`.routes` (the REST
API), :mod:`.labelstudio` (the ML backend), :mod:`.page` (the page and its
assets), :mod:`.uploads` (receiving files, zips), :mod:`.limits`,
:mod:`.security` (token, Host), :mod:`.problems` (RFC 7807 errors),
:mod:`.openapi` (the schema) and :mod:`.server` (running it).
"""

from __future__ import annotations

from .app import create_app
from .limits import Limits
from .security import TOKEN_ENV
from .server import serve

__all__ = ["Limits", "TOKEN_ENV", "create_app", "serve"]

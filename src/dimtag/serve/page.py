"""The reviewer's page at ``/`` and its assets, all served from the package (no CDN, no network).

The page posts to ``/v1/report``; its dimension boxes are written from
:class:`dimtag.Dimension` here, so the page and the library name the same
six.
"""

from __future__ import annotations

import html
from functools import cache, lru_cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..dimensions import Dimension
from .problems import Problem

__all__ = ["PAGE_ROUTES", "ASSET_TYPES"]

#: The assets the page may load, with their media types; anything else under /assets/ is a 404.
ASSET_TYPES = {"page.css": "text/css; charset=utf-8", "page.js": "text/javascript; charset=utf-8"}
# The page loads only its own files; the report it shows in a frame has inline styles and SVG, and no scripts.
_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; frame-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'")
_HEADERS = {"Content-Security-Policy": _CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store"}


@cache
def _asset(name: str) -> bytes:
    return resources.files(__package__).joinpath("assets", name).read_bytes()


@lru_cache(maxsize=1)
def _page() -> bytes:
    boxes = "".join(f'<label><input type="checkbox" value="{d.value}" checked> {html.escape(d.zh)}</label>' for d in Dimension)
    return _asset("index.html").replace(b"<!--EXPECT-->", boxes.encode("utf-8"))


async def get_page(request: Request) -> Response:
    return Response(_page(), media_type="text/html; charset=utf-8", headers=_HEADERS)


async def get_asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSET_TYPES:
        raise Problem(404, "not-found", f"no asset {name!r}")
    return Response(_asset(name), media_type=ASSET_TYPES[name], headers=_HEADERS)


#: The page and its assets.
PAGE_ROUTES = [Route("/", get_page, methods=["GET"]), Route("/assets/{name}", get_asset, methods=["GET"])]

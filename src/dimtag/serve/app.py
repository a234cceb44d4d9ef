"""The ASGI application: routes, middleware and shared state, assembled once per worker.

From the outside in: the token and Host checks (:mod:`.security`), the
request time limit and the body limits (:mod:`.limits`), CORS only when
origins are named, then the routes (:mod:`.routes`, :mod:`.labelstudio`,
:mod:`.page`), with every error turned into a problem (:mod:`.problems`).
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..tagger import Tagger, default_tagger
from .labelstudio import LABEL_STUDIO_ROUTES
from .limits import BodyLimit, Limits, TimeLimit
from .openapi import openapi_schema
from .page import PAGE_ROUTES
from .problems import EXCEPTION_HANDLERS
from .routes import ROUTES, ServiceState
from .security import TokenGate, is_loopback

__all__ = ["create_app"]

def create_app(
    *, tagger: Tagger | None = None, limits: Limits | None = None, token: str | None = None, host: str = "127.0.0.1",
    cors_origins: Sequence[str] = (), temp_root: str | None = None,
) -> Starlette:
    """The service as an ASGI app (run it with ``dimtag serve``, or any ASGI server).

    Parameters
    ----------
    tagger : Tagger, optional
        Default: the model of :func:`dimtag.tag` (``DIMTAG_MODEL`` or the shipped one), loaded now.
    limits : Limits, optional
    token : str, optional
        When given, every call but the page, ``/health`` and ``/openapi.json`` must present it.
    host : str
        The address it listens on; on loopback, Host headers other than the machine's own are refused.
    cors_origins : sequence of str
        Origins whose scripts may read answers; none by default.
    temp_root : str, optional
        Where per-request folders are made (default: the system's temporary folder).
    """
    limits = limits or Limits()
    state = ServiceState(tagger or default_tagger(), limits, temp_root, token_required=bool(token))
    schema = openapi_schema(limits)

    async def get_openapi(request: Request) -> Response:
        return JSONResponse(schema)

    middleware = [Middleware(TokenGate, token=token, loopback=is_loopback(host)), Middleware(TimeLimit, limits=limits),
                  Middleware(BodyLimit, limits=limits)]
    if cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        middleware.append(Middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST"],
                                     allow_headers=["Authorization", "Content-Type"]))
    app = Starlette(
        routes=[*ROUTES, *LABEL_STUDIO_ROUTES, *PAGE_ROUTES, Route("/openapi.json", get_openapi, methods=["GET"])],
        middleware=middleware, exception_handlers=EXCEPTION_HANDLERS,
    )
    app.state.dimtag = state
    return app

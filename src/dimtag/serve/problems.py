"""Errors as RFC 7807 problem details: every error the service sends is ``application/problem+json``.

A :class:`Problem` raised anywhere in a request becomes its response; any
other exception becomes a 500 problem that names no internals (the
traceback goes to the log, never to the client).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ..errors import DimtagError

__all__ = ["PROBLEM_TYPE", "PROBLEM_MEDIA_TYPE", "Problem", "problem_response", "EXCEPTION_HANDLERS"]

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
#: Problem types are relative URIs under this one; the part after it names the kind of error.
PROBLEM_TYPE = "/problems/"

_TITLES = {
    400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout",
    413: "Content Too Large", 415: "Unsupported Media Type", 421: "Misdirected Request", 422: "Unprocessable Content", 500: "Internal Server Error", 501: "Not Implemented",
    503: "Service Unavailable",
}


class Problem(Exception):
    """An error to answer with: an HTTP status, a short kind (the type's last part) and a sentence saying why.

    Examples
    --------
    >>> p = Problem(413, "too-many-items", "1,001 texts; the limit is 1,000 per call")
    >>> p.body()["type"], p.body()["status"]
    ('/problems/too-many-items', 413)
    """

    def __init__(self, status: int, kind: str, detail: str, **extra: Any):
        super().__init__(detail)
        self.status, self.kind, self.detail, self.extra = status, kind, detail, extra

    def body(self, instance: str | None = None) -> dict[str, Any]:
        """The problem document."""
        body = {"type": PROBLEM_TYPE + self.kind, "title": _TITLES.get(self.status, "Error"), "status": self.status,
                "detail": self.detail, **self.extra}
        if instance is not None:
            body["instance"] = instance
        return body


def problem_response(problem: Problem, instance: str | None = None, headers: Mapping[str, str] | None = None) -> Response:
    """The response carrying ``problem``."""
    content = json.dumps(problem.body(instance), ensure_ascii=False).encode("utf-8")
    return Response(content, status_code=problem.status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return problem_response(exc, request.url.path)


async def _on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    kind = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    detail = exc.detail if exc.status_code not in (404, 405) else f"{request.method} {request.url.path}: {_TITLES.get(exc.status_code, 'error').lower()}"
    return problem_response(Problem(exc.status_code, kind, str(detail)), request.url.path, exc.headers)


async def _on_dimtag(request: Request, exc: Exception) -> Response:
    # A document or model the user sent that dimtag cannot read: the message names it.
    return problem_response(Problem(422, "unreadable-input", str(exc)), request.url.path)


async def _on_error(request: Request, exc: Exception) -> Response:
    log.exception("%s %s failed", request.method, request.url.path)
    return problem_response(Problem(500, "internal-error", "the server failed on this request; its log says why"), request.url.path)


#: Starlette's exception handlers, by exception class.
EXCEPTION_HANDLERS = {Problem: _on_problem, HTTPException: _on_http, DimtagError: _on_dimtag, Exception: _on_error}

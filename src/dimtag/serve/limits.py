"""The service's limits, and the ASGI middleware that holds requests to them.

Every number a client can run into is a field of :class:`Limits`, so the
README, the OpenAPI schema and the checks read the same values. Two of them
are enforced here, before any route runs: the size of a request body (by
its Content-Length, and by counting the bytes of a body sent without one)
and the time a request may take (reading its body, and all of it). The
others are checked where the request is read (:mod:`.uploads`,
:mod:`.routes`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import Problem, problem_response

__all__ = ["Limits", "BodyLimit", "TimeLimit"]

_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one request may hold and take.

    The defaults fit a reviewer's folder: the longest real materials are a
    few hundred KB, and a county's round of materials is well under a
    hundred files.

    Attributes
    ----------
    max_items : int
        Texts per ``/v1/tag`` call (and tasks per ``/predict``).
    max_item_chars : int
        Characters per text: a sentence or a point is short, and a longer
        text is a whole document (``/v1/documents``).
    max_body_bytes : int
        Bytes of one request body, uploads included.
    max_files : int
        Documents per request, counting those inside a zip.
    max_document_chars : int
        Characters of one document after reading.
    max_document_bytes : int
        Bytes of one uploaded or unzipped document file.
    max_zip_bytes : int
        Bytes all members of one zip would unzip to (declared and counted).
    max_zip_members : int
        Entries of one zip, folders included.
    max_zip_ratio : int
        Highest unzipped:zipped ratio of one member over 1 MB (a zip bomb's is in the thousands; text deflates to about 4:1).
    read_timeout : float
        Seconds to receive a whole request body (a slow sender holds a connection for nothing).
    timeout : float
        Seconds one request may take in all; a report over the largest folder the other limits allow finishes well within it.
    """

    max_items: int = 1000
    max_item_chars: int = 10_000
    max_body_bytes: int = 64 * _MB
    max_files: int = 200
    max_document_chars: int = 1_000_000
    max_document_bytes: int = 16 * _MB
    max_zip_bytes: int = 256 * _MB
    max_zip_members: int = 2000
    max_zip_ratio: int = 100
    read_timeout: float = 60.0
    timeout: float = 300.0

    def as_dict(self) -> dict[str, Any]:
        """The limits as a JSON-ready dict (``GET /v1/model`` and the OpenAPI schema show them)."""
        return asdict(self)


class BodyLimit:
    """Refuse bodies over ``limits.max_body_bytes`` (413) and bodies that arrive slower than ``limits.read_timeout`` (408).

    A declared Content-Length over the limit is refused before a byte of the
    body is read; a body without one is counted as it arrives.
    """

    def __init__(self, app: ASGIApp, limits: Limits):
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.max_body_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                size = -1
            if size < 0:
                await problem_response(Problem(400, "bad-content-length", "Content-Length is not a number"))(scope, receive, send)
                return
            if size > limit:
                await _too_large(size, limit)(scope, receive, send)
                return
        deadline = anyio.current_time() + self.limits.read_timeout
        received = 0
        finished = False

        async def limited_receive() -> Message:
            nonlocal received, finished
            if finished:
                return await receive()  # after the body: only a disconnect is left to wait for
            with anyio.move_on_after(max(0.0, deadline - anyio.current_time())) as scope_:
                message = await receive()
            if scope_.cancelled_caught:
                raise Problem(408, "body-too-slow", f"the request body did not arrive within {self.limits.read_timeout:g} s")
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _too_large_problem(received, limit, at_least=True)
                finished = not message.get("more_body", False)
            return message

        await self.app(scope, limited_receive, send)


def _too_large_problem(size: int, limit: int, at_least: bool = False) -> Problem:
    over = "over" if at_least else f"{size:,} bytes,"
    return Problem(413, "body-too-large", f"the request body is {over} the limit of {limit:,} bytes ({limit / _MB:g} MB)")


def _too_large(size: int, limit: int) -> Any:
    return problem_response(_too_large_problem(size, limit), headers={"Connection": "close"})


class TimeLimit:
    """Answer 503 when a request takes longer than ``limits.timeout`` seconds in all.

    The route's work is cancelled (work in threads is abandoned by
    :func:`.routes.in_thread`, and its temporary folder removed); a
    response already started cannot be replaced, so its connection is closed.
    """

    def __init__(self, app: ASGIApp, limits: Limits):
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not math.isfinite(self.limits.timeout):
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        with anyio.move_on_after(self.limits.timeout) as cancel:
            await self.app(scope, receive, watched_send)
        if cancel.cancelled_caught and not started:
            problem = Problem(503, "too-slow", f"the request took longer than the limit of {self.limits.timeout:g} s; send fewer or smaller files")
            await problem_response(problem, scope.get("path"), {"Connection": "close"})(scope, receive, send)

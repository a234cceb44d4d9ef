"""Who may call: the token a service on a network address requires, and the Host header of a local one.

- :func:`check_bind` refuses to start on an address other than loopback
  without a token.
- :class:`TokenGate` asks every call for ``Authorization: Bearer TOKEN``
  (or HTTP Basic with the token as the password, as Label Studio sends
  it); the page, its assets, ``/health`` and ``/openapi.json`` stay open
  so that a reviewer can load the page and type the token in.
- On loopback, :class:`TokenGate` also refuses Host headers other than the
  machine's own names, so a web page elsewhere cannot reach the service by
  rebinding a domain name to 127.0.0.1.

CORS is closed: no ``Access-Control-Allow-Origin`` is sent unless origins are
named (``--cors-origin``), so other sites' scripts cannot read answers.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import secrets

from starlette.types import ASGIApp, Receive, Scope, Send

from .problems import Problem, problem_response

__all__ = ["TOKEN_ENV", "OPEN_PATHS", "is_loopback", "check_bind", "TokenGate"]

#: The environment variable ``dimtag serve`` reads the token from when ``--token`` is not given.
TOKEN_ENV = "DIMTAG_TOKEN"
#: Paths that need no token: the page and its assets, health, the schema.
OPEN_PATHS = ("/", "/health", "/openapi.json")
_OPEN_PREFIXES = ("/assets/",)
_LOCAL_NAMES = {"localhost", "127.0.0.1", "[::1]", "::1"}


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0"), is_loopback("::1")
    (True, True, False, True)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse an address other than loopback without a token (a ``ValueError`` saying how to give one)."""
    if not is_loopback(host) and not token:
        raise ValueError(f"--host {host} makes the service reachable from other machines: give a token with --token "
                         f"or the {TOKEN_ENV} environment variable (clients send Authorization: Bearer TOKEN)")


def _presented(header: bytes) -> str | None:
    scheme, _, value = header.decode("latin-1").partition(" ")
    scheme = scheme.lower()
    if scheme in ("bearer", "token"):
        return value.strip()
    if scheme == "basic":
        try:
            return base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            return None
    return None


def _host_name(value: str) -> str:
    """The Host header without its port.

    >>> _host_name("127.0.0.1:8000"), _host_name("[::1]:80"), _host_name("localhost")
    ('127.0.0.1', '[::1]', 'localhost')
    """
    if value.startswith("["):
        return value[: value.find("]") + 1]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class TokenGate:
    """The token check and, on loopback, the Host check, before anything else reads the request."""

    def __init__(self, app: ASGIApp, token: str | None, loopback: bool):
        self.app, self.token, self.loopback = app, token, loopback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        problem = None
        if self.loopback:
            host = _host_name(headers.get(b"host", b"").decode("latin-1"))
            if host and host not in _LOCAL_NAMES:
                problem = Problem(421, "wrong-host", f"this service answers to localhost and 127.0.0.1 only, not {host!r}")
        path = scope.get("path", "")
        # A CORS preflight carries no credentials by design; it reads nothing either way.
        checked = scope.get("method") != "OPTIONS" and path not in OPEN_PATHS and not path.startswith(_OPEN_PREFIXES)
        if problem is None and self.token and checked:
            given = _presented(headers.get(b"authorization", b""))
            if given is None or not secrets.compare_digest(given.encode(), self.token.encode()):
                problem = Problem(401, "token-required", "send the service's token: Authorization: Bearer TOKEN")
        if problem is not None:
            extra = {"WWW-Authenticate": 'Bearer realm="dimtag"'} if problem.status == 401 else None
            await problem_response(problem, path, extra)(scope, receive, send)
            return
        await self.app(scope, receive, send)

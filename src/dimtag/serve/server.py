"""Running the service: checks before binding, uvicorn, and a graceful stop.

On SIGTERM or Ctrl-C uvicorn stops accepting connections and lets the
requests in flight finish (each removes its own temporary folder) for up
to ``GRACE`` seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from ..tagger import Tagger
from .app import create_app
from .limits import Limits
from .security import check_bind

__all__ = ["GRACE", "serve"]

log = logging.getLogger(__name__)

#: Seconds that requests in flight get to finish after SIGTERM.
GRACE = 30


def serve(
    *, host: str = "127.0.0.1", port: int = 8000, token: str | None = None, tagger: Tagger | None = None,
    limits: Limits | None = None, cors_origins: Sequence[str] = (), temp_root: str | None = None, log_level: str = "info",
) -> None:
    """Serve until stopped; a ``ValueError`` before binding when the address needs a token and has none."""
    import uvicorn

    check_bind(host, token)
    app = create_app(tagger=tagger, limits=limits, token=token, host=host, cors_origins=cors_origins, temp_root=temp_root)
    config = uvicorn.Config(
        app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=GRACE, server_header=False,
        proxy_headers=False, access_log=log_level == "debug",
    )
    uvicorn.Server(config).run()

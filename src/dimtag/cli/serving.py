"""``dimtag serve``: the REST API, the reviewer's page and the Label Studio backend, with the options checked first."""

from __future__ import annotations

import argparse
import os
from typing import Any

from .console import say
from .exits import EXIT_OK, UsageError
from .inputs import load_tagger

_SERVE_NEEDS = ("starlette", "uvicorn", "python_multipart")
SERVE_EXTRA_HINT = "pip install 'dimtag[serve]'"


def cmd_serve(args: argparse.Namespace) -> int:
    from importlib.util import find_spec

    missing = [m for m in _SERVE_NEEDS if find_spec(m) is None]
    if missing:
        raise UsageError(f"'serve' needs the serve extra ({', '.join(missing)} missing): {SERVE_EXTRA_HINT}")
    from dataclasses import fields

    from ..serve import TOKEN_ENV, Limits, serve

    known = [f.name for f in fields(Limits)]
    changes: dict[str, Any] = {}
    for name, value in args.limit:
        if name not in known:
            raise UsageError(f"--limit {name}: no such limit (limits: {', '.join(known)})")
        changes[name] = value if name.endswith("timeout") else int(value)
    token = args.token or os.environ.get(TOKEN_ENV) or None
    try:
        from ..serve.security import check_bind

        check_bind(args.host, token)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    tagger = load_tagger(args.model)  # loaded once, before the port opens
    shown = f"[{args.host}]" if ":" in args.host else args.host
    say(f"dimtag: serving http://{shown}:{args.port}/ (the page), /v1/… (the API), /openapi.json; Ctrl-C or SIGTERM stops it")
    serve(host=args.host, port=args.port, token=token, tagger=tagger, limits=Limits(**changes), cors_origins=args.cors_origin)
    return EXIT_OK

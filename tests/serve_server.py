"""A real ``dimtag serve`` for the service tests: a subprocess on a free loopback port, its own temporary folder."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

# A started service answers /health within this many seconds (model load and imports take about 2 on 2 cores).
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A running service: its base URL, its process and the temporary folder it makes request folders in."""

    def __init__(self, proc: subprocess.Popen[bytes], port: int, tmp: Path, log: Path):
        self.proc, self.port, self.tmp, self.log = proc, port, tmp, log
        self.url = f"http://127.0.0.1:{port}"

    def leftovers(self) -> list[str]:
        """What is left in the service's temporary folder (nothing, between requests)."""
        return sorted(p.name for p in self.tmp.iterdir())

    def healthy(self) -> bool:
        return self.proc.poll() is None and httpx.get(self.url + "/health", timeout=10).status_code == 200


@contextmanager
def running(tmp: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    """Start ``dimtag serve`` with ``args``; stop it with SIGTERM (and make sure it is gone) on the way out."""
    port = free_port()
    service_tmp = tmp / "service-tmp"
    service_tmp.mkdir()
    log = tmp / "service.log"
    full_env = {**os.environ, "TMPDIR": str(service_tmp), **(env or {})}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "dimtag.cli", "serve", "--port", str(port), *args],
                                stdout=out, stderr=subprocess.STDOUT, env=full_env)
    server = Server(proc, port, service_tmp, log)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"dimtag serve exited with {proc.returncode}: {log.read_text()}")
            try:
                if httpx.get(server.url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"dimtag serve did not start: {log.read_text()}")
            time.sleep(0.2)
        yield server
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def assert_problem(response: httpx.Response, status: int, kind: str | None = None) -> dict:
    """The response is an RFC 7807 problem with this status (and kind); return its body."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"], body
    assert body["type"].startswith("/problems/")
    if kind is not None:
        assert body["type"] == "/problems/" + kind, body
    assert "Traceback" not in response.text
    return body

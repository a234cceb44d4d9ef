"""Load on ``dimtag serve`` over loopback, against in-process ``tag()`` in the same run.

Usage::

    python benchmarks/serve.py            # writes benchmarks/SERVE.md
    python benchmarks/serve.py --quick    # fewer requests, for a look

Starts ``dimtag serve`` on a free 127.0.0.1 port (one worker process) and
measures, with 1, 8 and 32 concurrent clients (threads with their own
keep-alive connection, each sending a fixed number of requests):

- ``/v1/tag`` with batches of ``BATCH`` sentences: sentences per second and
  the p50/p99 latency of a request, against ``tag()`` on the same batches
  in this process (one thread, the same model);
- ``/v1/report`` on ``examples/materials``: seconds per report;
- the server's RSS over 10,000 ``/v1/tag`` requests, read with psutil after
  the first 1,000 (warm) and at the end.

Every loop is bounded in count; the server is stopped with SIGTERM at the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
MATERIALS = REPO / "examples" / "materials"
# A batch of sentences per /v1/tag call: what an OA system or a dashboard sends a page at a time.
BATCH = 100
# Requests per round at each concurrency, and paired rounds per concurrency.
REQUESTS, ROUNDS = 120, 3


def sentences() -> list[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(MATERIALS.glob("*.txt")))
    return [s for s in re.split(r"(?<=[。！？；])|\n", text) if len(s.strip()) > 4]


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "dimtag.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("dimtag serve did not start")


def in_process(batches: list[list[str]], rounds: int) -> tuple[float, float]:
    """Sentences per second of wall time, and per CPU second, of tag() on the batches in this process."""
    from dimtag import tag

    start, cpu = time.perf_counter(), time.process_time()
    n = 0
    for i in range(rounds):
        n += len(tag(batches[i % len(batches)], abstain=True))
    return n / (time.perf_counter() - start), n / (time.process_time() - cpu)


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def encode(bodies: list[dict] | None = None, files: list[Path] | None = None) -> list[tuple[bytes, str, int]]:
    """Request bodies, encoded before the clock starts: (bytes, content type, items in it)."""
    if files is None:
        return [(json.dumps(b, ensure_ascii=False).encode(), "application/json", len(b["texts"])) for b in bodies or []]
    request = httpx.Request("POST", "http://x/", files=[("files", (p.name, p.read_bytes(), "text/plain")) for p in files])
    return [(request.read(), request.headers["content-type"], 1)]


def load(url: str, path: str, bodies: list[tuple[bytes, str, int]], clients: int, per_client: int) -> tuple[float, list[float], int]:
    """``clients`` threads send ``per_client`` requests each; return the wall time, each request's latency and the items tagged.

    The clients are the standard library's http.client on keep-alive connections, bodies encoded beforehand: on 2
    cores every CPU cycle a client takes is one the server does not get, and the server is what is measured.
    """
    latencies: list[float] = []
    items = [0]
    lock = threading.Lock()
    failures: list[str] = []
    host, port = url.removeprefix("http://").split(":")

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=120)
        try:
            for i in range(per_client):
                body, content_type, n = bodies[(k * per_client + i) % len(bodies)]
                t0 = time.perf_counter()
                conn.request("POST", path, body=body, headers={"Content-Type": content_type})
                response = conn.getresponse()
                answer = response.read()
                dt = time.perf_counter() - t0
                if response.status != 200:
                    failures.append(answer[:200].decode("utf-8", "replace"))
                with lock:
                    latencies.append(dt)
                    items[0] += n
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit(f"{len(failures)} requests failed: {failures[0]}")
    return time.perf_counter() - start, latencies, items[0]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "SERVE.md"))
    args = parser.parse_args()
    scale = 0.2 if args.quick else 1.0
    pool = sentences()
    batches = [[pool[(i * BATCH + j) % len(pool)] for j in range(BATCH)] for i in range(50)]
    bodies = encode([{"texts": b} for b in batches])
    load_before = os.getloadavg()[0]
    proc, url = start_server()
    server = psutil.Process(proc.pid)
    rows = []
    try:
        load(url, "/v1/tag", bodies, 2, 10)  # warm the server
        in_process(batches, 5)  # load the model here too
        baselines = []
        for clients in (1, 8, 32):
            # Paired rounds: in-process tag() right before each round of requests, so that both see the same
            # machine (others' load on a shared machine moves both); the table gives the median of the paired ratios.
            ratios, rates, cpu_ratios, lat = [], [], [], []
            per_client = max(2, int((REQUESTS * scale) // clients))
            for _ in range(ROUNDS):
                baseline, baseline_cpu = in_process(batches, int(REQUESTS * scale))
                cpu = cpu_seconds(server)
                wall, round_lat, n = load(url, "/v1/tag", bodies, clients, per_client)
                cpu = cpu_seconds(server) - cpu
                baselines.append(baseline)
                rates.append(n / wall)
                ratios.append(n / wall / baseline)
                cpu_ratios.append(n / cpu / baseline_cpu)
                lat += round_lat
            rows.append((clients, statistics.median(rates), statistics.median(ratios), statistics.median(cpu_ratios),
                         pct(lat, 0.5) * 1000, pct(lat, 0.99) * 1000))
        baseline = statistics.median(baselines)
        report_files = encode(files=sorted(MATERIALS.glob("*.txt")))
        report_rows = []
        for clients in (1, 8):
            wall, lat, n = load(url, "/v1/report", report_files, clients, max(1, int(4 * scale)) if clients > 1 else max(2, int(5 * scale)))
            report_rows.append((clients, n / wall, pct(lat, 0.5), pct(lat, 0.99)))
        small = encode([{"texts": b[:10]} for b in batches])
        total = int(10_000 * scale)
        load(url, "/v1/tag", small, 8, total // 10 // 8)
        rss_warm = server.memory_info().rss
        load(url, "/v1/tag", small, 8, (total - total // 10) // 8)
        rss_end = server.memory_info().rss
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    lines = [
        "# dimtag serve under load",
        "",
        f"`python benchmarks/serve.py` on this machine ({os.cpu_count()} cores; load average {load_before:.1f} before the run and "
        f"{os.getloadavg()[0]:.1f} after it, from other work on the shared machine), one server process on 127.0.0.1, "
        f"`/v1/tag` with batches of {BATCH} sentences from examples/materials; in-process `tag()` on the same batches "
        f"in the same run: **{baseline:,.0f} sentences/s** (median of the rounds). Each concurrency runs {ROUNDS} rounds, each right "
        "after an in-process round, and gives the median of the paired ratios: the machine is shared, and others' load moves "
        "both sides of a pair alike. Only the ratios carry over to other machines.",
        "",
        "| clients | /v1/tag sentences/s | × in-process tag() | sentences per server CPU second, × in-process | p50 latency (ms) | p99 latency (ms) |",
        "|---|---|---|---|---|---|",
        *[f"| {c} | {t:,.0f} | {r:.2f} | {cr:.2f} | {p50:.0f} | {p99:.0f} |" for c, t, r, cr, p50, p99 in rows],
        "",
        "The CPU column divides the sentences the server tagged per CPU second it used (user + system, all its threads) by "
        "the same for in-process tag(): what the HTTP layer, JSON and the records cost, whatever else the machine runs.",
        "",
        "| clients | /v1/report on examples/materials (8 files): reports/s | p50 (s) | p99 (s) |",
        "|---|---|---|---|",
        *[f"| {c} | {t:.2f} | {p50:.2f} | {p99:.2f} |" for c, t, p50, p99 in report_rows],
        "",
        f"Server RSS over {total:,} `/v1/tag` requests (10 sentences each, 8 clients): {rss_warm / 2**20:.1f} MB after the first "
        f"{total // 10:,}, {rss_end / 2**20:.1f} MB at the end (ratio **{rss_end / rss_warm:.3f}**).",
        "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

"""Public CMS pages against a bare Django view, served by the same uvicorn in the same run.

Starts the platform as production runs it (``manage.py serve``: uvicorn, DEBUG off, fresh
random keys) on a free loopback port against a throw-away SQLite database holding the demo
content, with static files collected into a temporary STATIC_ROOT. The settings module
``bench.public_pages_settings`` adds one benchmark-only view, ``/bench/bare`` (no database,
no template), to the platform's URLs. Then it measures, interleaved in short slices so that
a change in machine load hits every path alike, the bare view and three Swedish public pages
(the home page, an audience page and an article) from a bounded number of keep-alive
connections, and prints requests per second, p50/p99 latency and each page's p99 as a
multiple of the bare view's. Loopback only; every loop is bounded in count and time.

    .venv/bin/python bench/public_pages.py [--seconds 2] [--rounds 4] [--connections 8]
        [--client python|wrk]

The load comes from Python threads on ``http.client`` (the default: nothing to install) or
from ``wrk`` (Debian's package ``wrk``: ``--client wrk``), a load generator in C with one
thread. Python's client needs about as much CPU per request as the server, so on a 2-core
machine it caps the rate it can show near half of what the server can do; use ``wrk`` to
measure requests per second. With ``wrk`` the p50 and p99 of a path are the medians of its
slices' own percentiles (wrk reports percentiles per run, not every latency).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE = "/bench/bare"

FIND_PAGES = """
import json
from hedershus.cms.models import ArticlePage, AudienceLandingPage, HomePage
def url(model):
    page = model.objects.live().filter(locale__language_code="sv").order_by("pk").first()
    return page.get_url() if page is not None else None
print(json.dumps({"home": url(HomePage), "audience": url(AudienceLandingPage), "article": url(ArticlePage)}))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _wait_until_up(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if _get(port, "/healthz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not start")


def _load(port: int, path: str, seconds: float, connections: int) -> tuple[list[float], int]:
    """Requests ``path`` from ``connections`` keep-alive connections for ``seconds``; returns
    the latencies and the number of failures (anything but a 200)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        local: list[float] = []
        failed = 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except OSError:
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            local.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(local)
            errors[0] += failed

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0]


_WRK_LATENCY = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_WRK_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0}


def _load_wrk(port: int, path: str, seconds: float, connections: int) -> tuple[int, float, float, int]:
    """One ``wrk`` run against ``path``: (requests, p50 s, p99 s, failures). A failure is a
    socket error or a response other than 2xx/3xx (the pages answer 200)."""
    done = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    )
    out = done.stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    quantiles = {int(p): float(v) * _WRK_UNITS[unit] for p, v, unit in _WRK_LATENCY.findall(out)}
    failed = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    failed += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return requests, quantiles[50], quantiles[99], failed


def main() -> None:
    """Runs the benchmark and prints a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2, help="length of one slice")
    parser.add_argument("--rounds", type=int, default=4, help="slices per path, interleaved")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=0, help="loopback port for the server (0: any free one)")
    parser.add_argument("--client", choices=("python", "wrk"), default="python", help="the load generator")
    args = parser.parse_args()
    if args.client == "wrk" and shutil.which("wrk") is None:
        parser.error("--client wrk needs wrk on PATH (Debian: apt-get install wrk)")
    if not (0 < args.seconds <= 30 and 0 < args.rounds <= 20 and 0 < args.connections <= 64):
        parser.error("keep it bounded: --seconds ≤ 30, --rounds ≤ 20, --connections ≤ 64")

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.public_pages_settings",
            "DEBUG": "false",
            # Fresh random keys: DEBUG off refuses keys made by hand.
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "AUDIT_HMAC_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "ROOM_CODE_PEPPERS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "SECURE_COOKIES": "false",
            "STATIC_ROOT": f"{tmp}/static",
        }
        env.pop("REDIS_URL", None)
        python = sys.executable
        for command in (["migrate"], ["demo_content"], ["collectstatic", "--noinput"]):
            done = subprocess.run(
                [python, "manage.py", *command, "-v", "0"], cwd=ROOT, env=env, capture_output=True, text=True
            )
            if done.returncode != 0:
                sys.exit(f"manage.py {command[0]} failed:\n{done.stderr[-4000:]}")
        found = subprocess.run(
            [python, "manage.py", "shell", "-c", FIND_PAGES],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        pages = {name: url for name, url in json.loads(found.stdout.strip().splitlines()[-1]).items() if url}
        paths = {"bare view": BARE, **pages}

        port = args.port or _free_port()
        server = subprocess.Popen(
            [python, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_until_up(port, time.monotonic() + 60)
            for path in paths.values():
                status = _get(port, path)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status}")
                _load(port, path, 0.5, args.connections)  # warm-up
            # Per path: requests, p50 and p99 (seconds) and failures.
            summary: dict[str, tuple[int, float, float, int]] = {}
            if args.client == "wrk":
                slices: dict[str, list[tuple[int, float, float, int]]] = {name: [] for name in paths}
                for _ in range(args.rounds):
                    for name, path in paths.items():
                        slices[name].append(_load_wrk(port, path, args.seconds, args.connections))
                for name, runs in slices.items():
                    summary[name] = (
                        sum(run[0] for run in runs),
                        statistics.median(run[1] for run in runs),
                        statistics.median(run[2] for run in runs),
                        sum(run[3] for run in runs),
                    )
            else:
                results: dict[str, list[float]] = {name: [] for name in paths}
                errors: dict[str, int] = dict.fromkeys(paths, 0)
                for _ in range(args.rounds):
                    for name, path in paths.items():
                        latencies, failed = _load(port, path, args.seconds, args.connections)
                        results[name].extend(latencies)
                        errors[name] += failed
                for name in paths:
                    quantiles = statistics.quantiles(results[name], n=100)
                    summary[name] = (len(results[name]), quantiles[49], quantiles[98], errors[name])
        finally:
            server.terminate()
            server.wait(timeout=10)

    duration = args.seconds * args.rounds
    bare_p99 = summary["bare view"][2]
    print(
        f"{args.client} client, {args.connections} connections, {args.rounds} interleaved slices of "
        f"{args.seconds:g} s per path\n\n"
        "| page | path | requests/s | p50 ms | p99 ms | p99 / bare | errors |\n"
        "|---|---|---|---|---|---|---|"
    )
    for name, path in paths.items():
        count, p50, p99, failed = summary[name]
        print(
            f"| {name} | {path} | {count / duration:.0f} | {p50 * 1000:.1f} | "
            f"{p99 * 1000:.1f} | {p99 / bare_p99:.1f} | {failed} |"
        )


if __name__ == "__main__":
    main()

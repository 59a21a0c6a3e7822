"""Compares the ASGI servers DESIGN.md allows, on this platform's own pages.

Starts each server on a free loopback port against a throw-away SQLite database, sends
requests from a bounded number of keep-alive connections for a fixed time, and prints
a Markdown table of throughput and latency. Loopback only; every loop is bounded.

    .venv/bin/python bench/asgi_servers.py [--seconds 10] [--connections 8]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATHS = ["/staff/auth/login/", "/healthz"]

SERVERS = {
    "uvicorn": ["-m", "uvicorn", "hedershus.asgi:application", "--no-access-log", "--log-level", "warning"],
    "daphne": ["-m", "daphne", "-v", "0", "hedershus.asgi:application"],
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def _load(port: int, path: str, seconds: float, connections: int) -> tuple[int, list[float], int]:
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
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            local.append(time.perf_counter() - started)
        with lock:
            latencies.extend(local)
            errors[0] += failed

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), latencies, errors[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DEBUG": "false",
            # Fresh random keys: DEBUG off refuses keys made by hand.
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "AUDIT_HMAC_KEYS": "125naZ289V47NpGRhdiBE8NW8hORqivtIOjqcH6KYm8=",
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "SECURE_COOKIES": "false",
            "STATIC_ROOT": f"{tmp}/static",
        }
        env.pop("REDIS_URL", None)
        python = sys.executable
        subprocess.run([python, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [python, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        print(
            f"{args.connections} connections, {args.seconds:.0f} s per row\n\n"
            "| server | path | requests/s | p50 ms | p95 ms | errors |"
        )
        print("|---|---|---|---|---|---|")
        for name, argv in SERVERS.items():
            port = _free_port()
            bind = (
                ["--port", str(port), "--host", "127.0.0.1"]
                if name == "uvicorn"
                else ["-p", str(port), "-b", "127.0.0.1"]
            )
            server = subprocess.Popen(
                [python, *argv, *bind],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                _wait_until_up(port, time.monotonic() + 30)
                for path in PATHS:
                    _load(port, path, 1, args.connections)  # warm-up
                    count, latencies, errors = _load(port, path, args.seconds, args.connections)
                    quantiles = statistics.quantiles(latencies, n=100)
                    print(
                        f"| {name} | {path} | {count / args.seconds:.0f} | {quantiles[49] * 1000:.1f} | "
                        f"{quantiles[94] * 1000:.1f} | {errors} |"
                    )
            finally:
                server.terminate()
                server.wait(timeout=10)


if __name__ == "__main__":
    main()

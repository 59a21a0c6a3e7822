"""Real servers for messaging's scale and fault tests: ``manage.py serve`` processes and a
Redis server of the test's own, and WebSocket clients that speak the room protocol.

The servers run production-like (DEBUG off, uvicorn through ``manage.py serve``) against the
test's own PostgreSQL database, so the test must use committed data (``transactional_db``).
They serve WebSockets only here, so instead of running ``collectstatic`` (tens of seconds)
the static files manifest the start-up check asks for is an empty one. Used by
``test_two_processes.py``, ``test_faults.py`` and ``bench/message_delivery.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_and_redis_reason() -> str | None:
    """Why the multi-process tests cannot run here, or None: they need the PostgreSQL + Redis
    pass of CI (.ci/run), since SQLite and the in-memory channel layer are one process's."""
    if connection.vendor != "postgresql":
        return "needs PostgreSQL (DATABASE_URL): runs in CI's PostgreSQL + Redis pass"
    if not settings.REDIS_URL:
        return "needs Redis (REDIS_URL): runs in CI's PostgreSQL + Redis pass"
    return None


def database_url() -> str:
    """The URL of the database this test process uses (the test database), for servers."""
    db = connection.settings_dict
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


def server_env(workdir: Path, *, redis_url: str, database: str | None = None) -> dict[str, str]:
    """The environment of a production-like server on ``database`` (default: this test's) and
    ``redis_url``; the keys are this process's, so both read and write the same data."""
    static = workdir / "static"
    static.mkdir(parents=True, exist_ok=True)
    # Empty manifest: the start-up check wants one; these servers serve no static files.
    (static / "staticfiles.json").write_text('{"paths": {}, "version": "1.1", "hash": ""}')
    return {
        **os.environ,
        "DEBUG": "false",
        "DATABASE_URL": database or database_url(),
        "REDIS_URL": redis_url,
        "SECURE_COOKIES": "false",  # plain ws:// on the loopback interface
        "STATIC_ROOT": str(static),
        "ALLOWED_HOSTS": "127.0.0.1",
        "TASK_BACKEND": "immediate",
        "LOG_LEVEL": "INFO",  # into the test's temporary directory: what happened, when it fails
        "PYTHONUNBUFFERED": "1",
    }


@dataclass
class AppServer:
    """One ``manage.py serve`` process on ``port``; ``start``/``kill`` may be repeated."""

    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self, timeout: float = 60) -> None:
        """Starts the server and returns once ``/healthz`` answers 200 (database and channel
        layer both up). Raises RuntimeError with the log's tail if it does not."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            url = f"http://127.0.0.1:{self.port}/healthz"
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"server on port {self.port} did not start:\n{self.log()[-3000:]}")

    def kill(self) -> None:
        """``kill -9``: no shutdown, no flushing; what was in flight is lost as in a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def app_servers(workdir: Path, count: int, *, redis_url: str) -> Iterator[list[AppServer]]:
    """``count`` servers on free ports sharing this test's database and ``redis_url``."""
    env = server_env(workdir, redis_url=redis_url)
    servers = [
        AppServer(port=free_port(), env=env, log_path=workdir / f"server{n}.log") for n in range(count)
    ]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


@dataclass
class RedisServer:
    """A Redis server of the test's own (no persistence), so a test may kill and restart it."""

    port: int
    workdir: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        config = self.workdir / "redis.conf"
        config.write_text(
            f'port {self.port}\nbind 127.0.0.1\nsave ""\nappendonly no\ndir {self.workdir}\n'
            "protected-mode yes\n"
        )
        executable = shutil.which("redis-server")
        if executable is None:
            raise RuntimeError("redis-server not found")
        self.process = subprocess.Popen(
            [executable, str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def redis_free_port() -> int:
    """A free port from 6390 up (the range this project's tests start Redis servers on)."""
    for port in range(6390, 6490):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for Redis between 6390 and 6489")


# --- WebSocket clients ---------------------------------------------------------------------


async def room_socket(port: int, session_key: str, *, timeout: float = 10) -> ClientConnection:
    """Opens ``/ws/room/`` on ``port`` as the visitor whose session is ``session_key``."""
    # The servers run with SECURE_COOKIES off (plain ws://), so the cookie is "sid".
    return await asyncio.wait_for(
        connect(
            f"ws://127.0.0.1:{port}/ws/room/",
            additional_headers={"Cookie": f"sid={session_key}", "Origin": f"http://127.0.0.1:{port}"},
            open_timeout=timeout,
            ping_interval=None,
            max_queue=None,
        ),
        timeout,
    )


async def frame(socket: ClientConnection, *, timeout: float = 10) -> dict[str, Any]:
    """The next JSON frame from ``socket``."""
    data = await asyncio.wait_for(socket.recv(), timeout)
    decoded = json.loads(data)
    assert isinstance(decoded, dict)
    return decoded


@dataclass
class Thread:
    """What one visitor's tab has seen of the room's thread, kept as the page script keeps it."""

    conversation: Any = None
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def last_seq(self) -> int:
        return max(self.messages, default=0)

    def take(self, frame_: dict[str, Any]) -> None:
        """Applies a ``messages`` frame (a ``reset`` replaces what was shown)."""
        if frame_.get("type") != "messages":
            return
        if frame_.get("reset"):
            self.messages.clear()
        self.conversation = frame_.get("conversation", self.conversation)
        for message in frame_["messages"]:
            self.messages[message["seq"]] = message

    def client_ids(self) -> list[str]:
        return [str(message["client_id"]) for _, message in sorted(self.messages.items())]

    def sync_request(self) -> str:
        return json.dumps({"type": "sync", "after": self.last_seq, "conversation": self.conversation})


def send_request(client_id: uuid.UUID | str, text: str) -> str:
    return json.dumps({"type": "send", "client_id": str(client_id), "text": text, "acute": False})

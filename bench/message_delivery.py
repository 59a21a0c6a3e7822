"""Message delivery latency over WebSockets, beside bare Channels consumers in the same server.

Starts the platform as production runs it: uvicorn with ``manage.py serve``'s options (access
log, proxy headers and server header off, lifespan off), DEBUG off, fresh random keys, on
PostgreSQL and Redis (the channel layer), with two benchmark-only routes added
(``bench/message_delivery_asgi.py``). The database is the benchmark's own (``--postgres``,
dropped and created again, dropped at the end); the Redis database (``--redis``) is flushed.

With ``--sockets`` WebSockets open (default 100 and 1,000: the idle ones are visitors' room
sockets, each in a room of its own, heartbeats and all), ``--active`` pairs measure three
kinds of delivery, interleaved in slices so machine drift hits each alike:

- ``echo``: a bare Channels consumer sends the frame back (round trip; the floor);
- ``relay``: a bare consumer forwards the frame through the channel layer (Redis) to its
  group, and the pair's other socket receives it (one way): a hint's path, and nothing else;
- ``platform``: a visitor sends a message (``{"type": "send"}``) on the room socket and the
  visitor's other tab, on a second socket, receives it (``{"type": "messages"}``): validation,
  encryption, the database transaction with its audit event, the hint after commit through
  Redis, and the other socket's read from the database. The sender's ``ack`` is timed too;
- ``counsellor``: the issue's measure. A visitor sends on the room socket and a signed-in
  counsellor's socket (``/ws/staff/conversations/``, subscribed to that conversation)
  receives the message's hint (``{"kind": "message", "seq": n}``, matched by the ``seq`` of
  the visitor's ack): the same path up to the hint, then the staff socket's access re-check
  (the counsellor must still see the conversation) before it forwards the hint. The
  counsellor's page then fetches the thread over HTTP, which this does not time.

Each active sender sends, waits for its delivery, pauses ``--pause`` seconds and sends again.
Prints p50/p99 latency per kind and socket count. Loopback only; every loop is bounded.

    .venv/bin/python bench/message_delivery.py [--sockets 100,1000] [--active 5] [--pause 0.5]
        [--seconds 3] [--rounds 3] [--postgres postgres://postgres@127.0.0.1:5432/h_scale2]
        [--redis redis://127.0.0.1:6379/7]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the other benchmarks' helpers are reused

from bench.audit_throughput import _drop_database, _recreate_database  # noqa: E402
from bench.public_pages import _free_port, _wait_until_up  # noqa: E402

KINDS = ("echo", "relay", "platform", "counsellor")
ACTIVE_SOCKETS_PER_SENDER = 7  # echo 1, relay 2, platform 2, counsellor 2

MAKE_ROOMS = """
import datetime as dt, json, os, secrets
from importlib import import_module
from django.conf import settings
from hedershus.core.consumers import ROOM_SESSION_KEY, room_session_mark_active
from hedershus.messaging.models import OpeningHours
from hedershus.rooms.models import Room
for weekday in range(7):  # open all day: no automatic answers in the figures
    OpeningHours.objects.create(weekday=weekday, opens=dt.time(0), closes=dt.time(23, 59, 59))
store = import_module(settings.SESSION_ENGINE).SessionStore
keys = []
for _ in range(int(os.environ["BENCH_ROOMS"])):
    room = Room.objects.create(code_digest=secrets.token_hex(32), language="sv")
    session = store()
    session[ROOM_SESSION_KEY] = str(room.pk)
    room_session_mark_active(session)
    session.create()
    keys.append(session.session_key)
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from hedershus.accounts.models import User
counsellor = User.objects.create_user(
    email="bench-counsellor@example.org", password=secrets.token_urlsafe(), role="counsellor"
)
TOTP.activate(counsellor, "JBSWY3DPEHPK3PXPBENCHAAA")  # staff sockets need a second factor
client = Client()
client.force_login(counsellor)
print(json.dumps({"rooms": keys, "staff": client.session.session_key}))
"""


def _manage(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        sys.exit(f"manage.py {args[0]} failed:\n{done.stderr[-4000:]}")
    return done.stdout


def _session_keys(count: int, env: dict[str, str]) -> tuple[list[str], str]:
    """Makes ``count`` rooms, each with a visitor's session in it, and a signed-in counsellor;
    returns the rooms' session keys and the counsellor's."""
    made = json.loads(
        _manage(["shell", "-c", MAKE_ROOMS], {**env, "BENCH_ROOMS": str(count)}).splitlines()[-1]
    )
    assert len(made["rooms"]) == count
    return list(made["rooms"]), str(made["staff"])


async def _open(port: int, path: str, session_key: str | None = None) -> ClientConnection:
    headers = {"Origin": f"http://127.0.0.1:{port}"}
    if session_key:
        headers["Cookie"] = f"sid={session_key}"
    return await connect(
        f"ws://127.0.0.1:{port}{path}", additional_headers=headers, open_timeout=120, max_queue=None
    )


class Pair:
    """A sending socket and a receiving one; ``deliver`` times one delivery (seconds)."""

    def __init__(self, kind: str, sender: ClientConnection, receiver: ClientConnection) -> None:
        self.kind = kind
        self.sender = sender
        self.receiver = receiver
        self.waiting: dict[str, asyncio.Future[float]] = {}
        self.acks: dict[str, asyncio.Future[float]] = {}
        # counsellor: the seq each ack named, and when each seq's hint reached the counsellor
        # (a hint may arrive before the visitor's ack: both follow the commit).
        self.seq_of: dict[str, int] = {}
        self.hint_at: dict[str, float] = {}
        self.readers: list[asyncio.Future[None]] = []

    def start(self) -> None:
        """Starts reading both sockets (after ``subscribe`` for a counsellor pair)."""
        self.readers = [asyncio.ensure_future(self._read(self.receiver, self.waiting))]
        if self.receiver is not self.sender:
            self.readers.append(asyncio.ensure_future(self._read(self.sender, self.acks)))

    async def _read(self, socket: ClientConnection, futures: dict[str, asyncio.Future[float]]) -> None:
        async for data in socket:
            now = time.perf_counter()
            frame = json.loads(data)
            if self.kind == "counsellor":
                if frame.get("type") == "ack" and futures is self.acks:
                    self.seq_of[frame["client_id"]] = frame["seq"]
                    keys = [frame["client_id"]]
                elif frame.get("kind") == "message" and futures is self.waiting:
                    self.hint_at[str(frame["seq"])] = now
                    keys = [str(frame["seq"])]
                else:
                    keys = []
            elif self.kind == "platform":
                if frame.get("type") == "ack":
                    keys = [frame["client_id"]] if futures is self.acks else []
                elif frame.get("type") == "messages" and futures is self.waiting:
                    keys = [str(message["client_id"]) for message in frame["messages"]]
                else:
                    keys = []
            else:
                keys = [frame["id"]]
            for key in keys:
                future = futures.pop(key, None)
                if future is not None and not future.done():
                    future.set_result(now)

    async def deliver(self) -> tuple[float, float | None]:
        """Sends one frame; returns (delivery latency, ack latency or None) in seconds."""
        key = str(uuid.uuid4())
        loop = asyncio.get_running_loop()
        if self.kind == "counsellor":
            return await self._deliver_to_counsellor(key, loop)
        delivered = self.waiting[key] = loop.create_future()
        acked: asyncio.Future[float] | None = None
        if self.kind == "platform":
            acked = self.acks[key] = loop.create_future()
        if self.kind == "platform":
            payload = {"type": "send", "client_id": key, "text": "Hej, hur gör jag?", "acute": False}
        else:
            payload = {"id": key}
        started = time.perf_counter()
        await self.sender.send(json.dumps(payload))
        arrived = await asyncio.wait_for(delivered, 30)
        ack = await asyncio.wait_for(acked, 30) - started if acked is not None else None
        return arrived - started, ack

    async def _deliver_to_counsellor(self, key: str, loop: asyncio.AbstractEventLoop) -> tuple[float, float]:
        acked = self.acks[key] = loop.create_future()
        payload = {"type": "send", "client_id": key, "text": "Hej, hur gör jag?", "acute": False}
        started = time.perf_counter()
        await self.sender.send(json.dumps(payload))
        ack = await asyncio.wait_for(acked, 30) - started
        seq = str(self.seq_of.pop(key))
        if seq not in self.hint_at:
            self.waiting[seq] = loop.create_future()
            await asyncio.wait_for(self.waiting[seq], 30)
        return self.hint_at.pop(seq) - started, ack

    async def subscribe(self) -> None:
        """counsellor: one first message opens the room's conversation; the counsellor's
        socket subscribes to it (it is in the queue, so the counsellor may)."""
        await self.sender.send(json.dumps({"type": "sync", "after": 0}))
        key = str(uuid.uuid4())
        await self.sender.send(json.dumps({"type": "send", "client_id": key, "text": "Hej", "acute": False}))
        conversation = None
        while conversation is None:  # before the readers start: nothing else reads these sockets
            frame = json.loads(await asyncio.wait_for(self.sender.recv(), 30))
            if frame.get("type") == "messages" and frame.get("messages"):
                conversation = frame["conversation"]
        await self.receiver.send(json.dumps({"type": "subscribe", "conversation": conversation}))
        while json.loads(await asyncio.wait_for(self.receiver.recv(), 30)).get("type") != "subscribed":
            pass


async def _slice(pairs: list[Pair], seconds: float, pause: float) -> tuple[list[float], list[float], int]:
    stop_at = time.monotonic() + seconds
    latencies: list[float] = []
    acks: list[float] = []
    failures = [0]

    async def loop(pair: Pair) -> None:
        while time.monotonic() < stop_at:
            try:
                latency, ack = await pair.deliver()
            except TimeoutError:
                failures[0] += 1
                continue
            latencies.append(latency)
            if ack is not None:
                acks.append(ack)
            await asyncio.sleep(pause)

    await asyncio.gather(*(loop(pair) for pair in pairs))
    return latencies, acks, failures[0]


def _quantiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return (float("nan"), float("nan"))
    q = statistics.quantiles(values, n=100)
    return q[49] * 1000, q[98] * 1000


async def _measure(
    port: int, keys: list[str], staff_key: str, args: argparse.Namespace
) -> list[dict[str, Any]]:
    sockets_wanted = sorted(int(n) for n in args.sockets.split(","))
    active = args.active
    # Active sockets: echo (1 each), relay (2 each), platform (2 each, one room per pair),
    # counsellor (a visitor's room socket and a counsellor's socket each).
    active_sockets = active * ACTIVE_SOCKETS_PER_SENDER
    rows: list[dict[str, Any]] = []
    pairs: dict[str, list[Pair]] = {kind: [] for kind in KINDS}
    for n in range(active):
        echo = await _open(port, "/ws/bench/echo/")
        pairs["echo"].append(Pair("echo", echo, echo))
        relay_a = await _open(port, f"/ws/bench/relay/{n}/")
        relay_b = await _open(port, f"/ws/bench/relay/{n}/")
        pairs["relay"].append(Pair("relay", relay_a, relay_b))
        tab_a = await _open(port, "/ws/room/", keys[n])
        tab_b = await _open(port, "/ws/room/", keys[n])
        pairs["platform"].append(Pair("platform", tab_a, tab_b))
        visitor = await _open(port, "/ws/room/", keys[active + n])
        staff = await _open(port, "/ws/staff/conversations/", staff_key)
        pair = Pair("counsellor", visitor, staff)
        await pair.subscribe()
        pairs["counsellor"].append(pair)
    for kind_pairs in pairs.values():
        for pair in kind_pairs:
            pair.start()
    idle: list[ClientConnection] = []
    next_key = 2 * active
    for total in sockets_wanted:
        want_idle = total - active_sockets
        semaphore = asyncio.Semaphore(10)

        async def open_idle(key: str, semaphore: asyncio.Semaphore = semaphore) -> ClientConnection:
            async with semaphore:
                return await _open(port, "/ws/room/", key)

        new = want_idle - len(idle)
        idle.extend(await asyncio.gather(*(open_idle(key) for key in keys[next_key : next_key + new])))
        next_key += new
        await asyncio.sleep(2)  # let the connects settle
        for kind in KINDS:  # warm-up
            await _slice(pairs[kind], 0.5, args.pause)
        results: dict[str, tuple[list[float], list[float], int]] = {kind: ([], [], 0) for kind in KINDS}
        for _ in range(args.rounds):
            for kind in KINDS:
                latencies, acks, failed = await _slice(pairs[kind], args.seconds, args.pause)
                old = results[kind]
                results[kind] = (old[0] + latencies, old[1] + acks, old[2] + failed)
        for kind in KINDS:
            latencies, acks, failed = results[kind]
            p50, p99 = _quantiles(latencies)
            ack50, ack99 = _quantiles(acks)
            rows.append(
                row := {
                    "sockets": active_sockets + len(idle),
                    "kind": kind,
                    "deliveries": len(latencies),
                    "per_second": len(latencies) / (args.seconds * args.rounds),
                    "p50": p50,
                    "p99": p99,
                    "ack_p50": ack50,
                    "ack_p99": ack99,
                    "failed": failed,
                }
            )
            _print_row(row)
    for kind_pairs in pairs.values():
        for pair in kind_pairs:
            for reader in pair.readers:
                reader.cancel()
            await pair.sender.close()
            await pair.receiver.close()
    await asyncio.gather(*(socket.close() for socket in idle))
    return rows


def _print_header(args: argparse.Namespace) -> None:
    print(
        f"{platform.node()}: {os.cpu_count()} CPUs, Python {platform.python_version()}, load average "
        f"{os.getloadavg()[0]:.1f}; {args.active} senders per kind, pause {args.pause:g} s, "
        f"{args.rounds} interleaved slices of {args.seconds:g} s\n\n"
        "| open sockets | delivery | deliveries/s | p50 ms | p99 ms | ack p50 ms | ack p99 ms | timeouts |\n"
        "|---|---|---|---|---|---|---|---|",
        flush=True,
    )


def _print_row(row: dict[str, Any]) -> None:
    """One table row, printed as soon as it is measured (a later row may not finish)."""
    has_ack = row["kind"] in ("platform", "counsellor")
    ack = f"{row['ack_p50']:.1f} | {row['ack_p99']:.1f}" if has_ack else "- | -"
    print(
        f"| {row['sockets']} | {row['kind']} | {row['per_second']:.0f} | {row['p50']:.1f} | "
        f"{row['p99']:.1f} | {ack} | {row['failed']} |",
        flush=True,
    )


def main() -> None:
    """Runs the benchmark and prints a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sockets", default="100,1000", help="open WebSockets per row, comma-separated")
    parser.add_argument("--active", type=int, default=5, help="measuring senders of each kind")
    parser.add_argument("--seconds", type=float, default=3, help="length of one slice")
    parser.add_argument("--rounds", type=int, default=3, help="slices per kind, interleaved")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between a sender's sends")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/h_scale2")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--port", type=int, default=0, help="loopback port for the server (0: any free one)")
    args = parser.parse_args()
    counts = [int(n) for n in args.sockets.split(",")]
    if not (
        0 < args.seconds <= 30
        and 0 < args.rounds <= 10
        and 0 < args.active <= 50
        and all(args.active * ACTIVE_SOCKETS_PER_SENDER <= n <= 5000 for n in counts)
    ):
        parser.error(
            "keep it bounded: --seconds ≤ 30, --rounds ≤ 10, --active ≤ 50, "
            f"{ACTIVE_SOCKETS_PER_SENDER} x active ≤ sockets ≤ 5000"
        )

    import redis

    redis.Redis.from_url(args.redis).flushdb()
    _recreate_database(args.postgres)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            static = Path(tmp) / "static"
            static.mkdir()
            # The start-up check wants a manifest; this server serves no static files.
            (static / "staticfiles.json").write_text('{"paths": {}, "version": "1.1", "hash": ""}')
            env = {
                **os.environ,
                "DEBUG": "false",
                "SECRET_KEY": secrets.token_urlsafe(48),
                "ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
                "AUDIT_HMAC_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
                "ROOM_CODE_PEPPERS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
                "DATABASE_URL": args.postgres,
                "REDIS_URL": args.redis,
                "SECURE_COOKIES": "false",
                "STATIC_ROOT": str(static),
                "ALLOWED_HOSTS": "127.0.0.1",
                "LOG_LEVEL": "WARNING",
                # Each benchmark room sends a message every few milliseconds: far above a
                # visitor's send rate (ROOM_MESSAGES_PER_MINUTE), which is not what is measured.
                "ROOM_MESSAGES_PER_MINUTE": "100000000",
            }
            _manage(["migrate", "-v", "0"], env)
            keys, staff_key = _session_keys(max(counts), env)
            port = args.port or _free_port()
            # manage.py serve's uvicorn options, with the benchmark's application.
            log_path = Path(tmp) / "server.log"
            log = log_path.open("wb")
            server = subprocess.Popen(
                [
                    *(sys.executable, "-m", "uvicorn", "bench.message_delivery_asgi:application"),
                    *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
                    *("--no-access-log", "--no-proxy-headers", "--no-server-header", "--lifespan", "off"),
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait_until_up(port, time.monotonic() + 60)
                _print_header(args)
                asyncio.run(_measure(port, keys, staff_key, args))
            except BaseException:
                log.flush()
                print(f"server log (tail):\n{log_path.read_text(errors='replace')[-4000:]}", file=sys.stderr)
                raise
            finally:
                server.terminate()
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:  # open sockets can hold uvicorn's shutdown
                    server.kill()
                    server.wait(timeout=20)
                log.close()
    finally:
        _drop_database(args.postgres)

    print(f"Load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

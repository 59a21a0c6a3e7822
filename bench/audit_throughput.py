"""Audited writes per second against the same writes without an audit event (issue 8, item 7).

On PostgreSQL only (SQLite serialises every writer anyway): a database of its own is created
on the server given by --postgres, migrated, measured and dropped; the server's other
databases are not touched. For 1, 8 and 32 concurrent writers (processes, forked after Django
is set up, each with its own connection: threads would measure the GIL, not the database),
each writer repeats one small realistic write for --seconds:

- ``plain``: in a transaction, change one field of its own user row;
- ``audited``: the same, plus ``audit_record("user.updated", ...)`` in the same transaction,
  as every service does, with the dedicated sealer (`manage.py audit_sealer`, one more
  process, as in production) sealing the events;
- ``after-commit`` (with ``--after-commit``): audited, without the dedicated sealer: each
  writer seals after its own commit (what happens when the sealer is not running).

Two workloads (``--workload``; both by default), each writer with its own row or case, so
the plain writes do not contend with each other: what the audited writes lose against them is
the audit log's cost.

- ``minimal``: one UPDATE of the writer's own user row (``user.updated``). The smallest write
  there is: its transaction is BEGIN, UPDATE, COMMIT, and the event's INSERT is a fourth
  statement, so this is the floor of the ratio, not what staff do.
- ``contact``: the platform's own service ``cases.services.contact_add`` (a counsellor records
  a phone call on a case assigned to them: access check, row lock, idempotency check,
  encrypted note, ``case.contact_added``); ``plain`` is the same service with its
  ``audit_record`` call replaced by nothing. Plain and audited runs alternate
per writer count, so drift on a shared machine touches both alike. Prints writes/s for each,
and the audited/plain ratio. Loopback only; every loop is bounded in time.

    .venv/bin/python bench/audit_throughput.py [--seconds 6] [--writers 1,8,32] [--rounds 1]
        [--after-commit] [--workload minimal,contact]
        [--postgres postgres://postgres@127.0.0.1:5432/h_i_bench]
"""

from __future__ import annotations

import argparse
import base64
import multiprocessing as mp
import os
import platform
import secrets
import statistics
import sys
import time
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/h_i_bench"
KINDS = ("plain", "audited", "after-commit")
WORKLOADS = ("minimal", "contact")


def _server_url(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


def _recreate_database(url: str) -> None:
    """Drops and creates the benchmark's own database (named by ``url``'s path)."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"Refusing an unusual database name: {name!r}")
    with psycopg.connect(_server_url(url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def _drop_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_server_url(url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _configure(url: str) -> None:
    """Settings as in production (DEBUG off) with throw-away keys made here."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    # Writers are forked after Django is set up; a connection pool's threads would not survive
    # the fork, and each writer holds one connection for the whole run anyway.
    os.environ["DATABASE_POOL_SIZE"] = "0"
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(48)
    os.environ["ENCRYPTION_KEYS"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    os.environ["AUDIT_HMAC_KEYS"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    os.environ["ROOM_CODE_PEPPERS"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hedershus.settings")
    import django

    django.setup()


def _write_function(workload: str, kind: str, user_id: int, case_id: int) -> Any:
    """The write one writer repeats: a function of the write's number."""
    import datetime as dt
    from contextlib import nullcontext
    from unittest import mock

    from django.db import transaction
    from django.utils import timezone

    from hedershus.accounts.models import User
    from hedershus.audit.services import audit_record

    user = User.objects.get(pk=user_id)
    if workload == "minimal":

        def minimal(n: int) -> None:
            with transaction.atomic():
                User.objects.filter(pk=user_id).update(first_name=f"w{n}")
                if kind != "plain":
                    audit_record("user.updated", target=user, data={"fields": ["first_name"]})

        return minimal

    from hedershus.cases.services import ContactInput, contact_add

    # "The same writes without an audit event": the service with its one audit call removed.
    without_audit = (
        mock.patch("hedershus.cases.services.audit_record", lambda *args, **kwargs: None)
        if kind == "plain"
        else nullcontext()
    )

    def contact(n: int) -> None:
        when = timezone.now() - dt.timedelta(minutes=1)
        with without_audit:
            contact_add(
                actor=user,
                case_id=case_id,
                contact=ContactInput(
                    channel="phone", occurred_at=when, duration_minutes=n % 60, note=f"Call {n}"
                ),
            )

    return contact


def _writer(
    workload: str, kind: str, user_id: int, case_id: int, seconds: float, barrier: Barrier, results: Any
) -> None:
    """One writer process: repeats its write for ``seconds``; puts (count, elapsed s, latencies)."""
    from django.db import connection

    write = _write_function(workload, kind, user_id, case_id)
    latencies: list[float] = []
    write(-1)  # the connection is open and warm before the clock starts
    barrier.wait(timeout=60)
    started = time.monotonic()
    deadline = started + seconds
    count = 0
    while (now := time.monotonic()) < deadline:
        write(count)
        latencies.append(time.monotonic() - now)
        count += 1
    elapsed = time.monotonic() - started
    connection.close()
    results.put((count, elapsed, latencies))


def _sealer(stop: Any) -> None:
    """The dedicated sealer, in a process of its own as in production."""
    from hedershus.audit.sealer import run_sealer

    run_sealer(stop)


def _start_sealer(context: Any) -> tuple[Any, Any]:
    """Starts the dedicated sealer and waits until writers can see it."""
    from django.db import connections

    from hedershus.audit.services import dedicated_sealer_running, forget_dedicated_sealer

    stop = context.Event()
    process = context.Process(target=_sealer, args=(stop,))
    process.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        forget_dedicated_sealer()
        if dedicated_sealer_running():
            break
        time.sleep(0.05)
    else:
        raise SystemExit("The dedicated sealer did not start.")
    forget_dedicated_sealer()
    connections.close_all()  # no connection may cross a fork
    return process, stop


def _stop_sealer(process: Any, stop: Any) -> None:
    """Lets the sealer seal what the writers left (at most 30 s), then stops it."""
    from django.db import connections

    from hedershus.audit.models import AuditPending

    deadline = time.monotonic() + 30
    while AuditPending.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    process.join(timeout=30)
    connections.close_all()


def _run(
    workload: str, kind: str, writers: int, user_ids: list[int], case_ids: list[int], seconds: float
) -> dict[str, Any]:
    from django.db import connections

    connections.close_all()  # no connection may cross a fork
    context = mp.get_context("fork")
    sealer = _start_sealer(context) if kind == "audited" else None
    barrier = context.Barrier(writers)
    results = context.Queue()
    processes = [
        context.Process(
            target=_writer, args=(workload, kind, user_ids[i], case_ids[i], seconds, barrier, results)
        )
        for i in range(writers)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=seconds + 120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        if process.exitcode != 0:
            raise SystemExit(f"A {kind} writer failed (exit code {process.exitcode}).")
    if sealer is not None:
        _stop_sealer(*sealer)
    total = sum(count for count, _elapsed, _latencies in outcomes)
    elapsed = max(elapsed for _count, elapsed, _latencies in outcomes)
    latencies = sorted(latency for _c, _e, per_writer in outcomes for latency in per_writer)
    return {"writes": total, "elapsed": elapsed, "latencies": latencies}


def _summary(runs: list[dict[str, Any]]) -> dict[str, float]:
    """Writes/s over all rounds of one kind (total writes / total time) and latency percentiles."""
    latencies = sorted(latency for run in runs for latency in run["latencies"])
    return {
        "rate": sum(run["writes"] for run in runs) / sum(run["elapsed"] for run in runs),
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


def _after_audited_run() -> str:
    """What the log holds after an audited run, checked: the chain must still verify."""
    from hedershus.audit.models import AuditEvent
    from hedershus.audit.services import audit_seal_pending
    from hedershus.audit.verify import audit_chain_verify

    left = audit_seal_pending(wait=True)  # should be none: the sealers have run
    report = audit_chain_verify()
    if not report.intact:
        raise SystemExit(f"The audit log does not verify after the run: {report.problem}")
    return (
        f"{AuditEvent.objects.count()} events, chain intact, {report.sealed} sealed, "
        f"{left} left for the safety net"
    )


def _case_for(user: Any) -> int:
    """A case assigned to ``user`` (opened by them, as the service does), for the contact workload."""
    from django.utils import timezone

    from hedershus.cases.services import ContactInput, case_open

    case = case_open(actor=user, contact=ContactInput(channel="phone", occurred_at=timezone.now()))
    return case.pk


def main() -> None:
    """Runs the benchmark and prints a Markdown table (writes/s, latency, ratio)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", default=DEFAULT_URL, help="a database of its own: dropped and created")
    parser.add_argument("--seconds", type=float, default=6.0, help="per run (default 6)")
    parser.add_argument("--writers", default="1,8,32", help="comma-separated writer counts")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="repeat the kinds in turn this many times per writer count (default 1): on a "
        "shared machine, drift then touches every kind alike",
    )
    parser.add_argument(
        "--after-commit",
        action="store_true",
        help="also measure audited writes without the dedicated sealer (each writer seals)",
    )
    parser.add_argument(
        "--workload",
        default=",".join(WORKLOADS),
        help="comma-separated: minimal (one UPDATE), contact (cases.services.contact_add)",
    )
    args = parser.parse_args()
    writer_counts = [int(n) for n in args.writers.split(",")]
    workloads = args.workload.split(",")
    if not set(workloads) <= set(WORKLOADS):
        parser.error(f"--workload takes {', '.join(WORKLOADS)}")

    _recreate_database(args.postgres)
    try:
        _configure(args.postgres)
        from django.core.management import call_command
        from django.db import connection

        from hedershus.accounts.models import User

        call_command("migrate", verbosity=0)
        users = [
            User.objects.create(email=f"writer{n}@example.org", role="counsellor")
            for n in range(max(writer_counts))
        ]
        user_ids = [user.pk for user in users]
        case_ids = [_case_for(user) for user in users]
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            server = cursor.fetchone()[0].split(" on ")[0]
        print(
            f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.system()} "
            f"{platform.release()} {platform.machine()}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}, {server}, {args.seconds:g} s per run, "
            f"{args.rounds} round(s) per kind"
        )
        print()
        kinds = KINDS if args.after_commit else KINDS[:2]
        print("| workload | writers | kind | writes/s | / plain | p50 / p99 ms |")
        print("|---|---:|---|---:|---:|---:|")
        notes = []
        for workload in workloads:
            for writers in writer_counts:
                runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
                for _round in range(args.rounds):
                    for kind in kinds:
                        runs[kind].append(_run(workload, kind, writers, user_ids, case_ids, args.seconds))
                        if kind != "plain":
                            notes.append(f"{workload}, {writers} writers, {kind}: {_after_audited_run()}")
                plain_rate = _summary(runs["plain"])["rate"]
                for kind in kinds:
                    result = _summary(runs[kind])
                    print(
                        f"| {workload} | {writers} | {kind} | {result['rate']:.0f} | "
                        f"{result['rate'] / plain_rate:.2f} | "
                        f"{result['p50_ms']:.1f} / {result['p99_ms']:.1f} |",
                        flush=True,
                    )
        print()
        for note in notes:
            print(f"- after {note}")
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            _drop_database(args.postgres)


if __name__ == "__main__":
    main()

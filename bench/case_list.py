"""The case list and search with 100,000 cases and 1,000,000 contacts (issue 10, item 8).

On PostgreSQL only: a database of its own is created on the server given by --postgres,
migrated, filled and dropped (``--keep`` keeps it and a second run reuses it, skipping the
minutes of filling). The data is generated with a fixed seed and loaded with ``COPY``:

- 36 staff who handle cases (30 counsellors, 6 supervisors); every case has one or two of
  the counsellors assigned and one supervisor, so each counsellor works on ~5,000 cases;
- ``--cases`` cases (default 100,000) opened over eight years: 60 % closed with an outcome,
  the rest new, in assessment, ongoing or referred; 3 % with protected identity;
- one to three persons per case with aliases from a list of common first names and a
  number, a municipality of the county, an age group and a role;
- one or two problem types per case; ``--contacts`` contacts (default 1,000,000) spread
  over the cases.

Then it times what a counsellor waits for, each ``--repeat`` times, on the counsellor with
the most cases: ``cases.selectors.case_rows_for`` (the selector) and a GET of
``/staff/cases/`` through Django's test client (the view: middleware, the audit event of the
list, the template), for the plain list of their cases and for searches over every case they
may find (alias, municipality, problem type, status and urgency, an opening-date range). It
prints p50/p95 per kind and EXPLAIN ANALYZE of the slowest selector's statements. The goal:
p95 under 100 ms. Loopback only; every loop is bounded.

    .venv/bin/python bench/case_list.py [--cases 100000] [--contacts 1000000] [--repeat 30]
        [--postgres postgres://postgres@127.0.0.1:5432/hedershus_cases_bench] [--keep]
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import os
import platform
import random
import secrets
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/hedershus_cases_bench"
ALIASES = (
    "Amina", "Sara", "Leyla", "Fatima", "Noor", "Hana", "Maryam", "Yasmin", "Zahra", "Elif",
    "Ali", "Omar", "Yusuf", "Ahmed", "Karim", "Mina", "Darya", "Rojin", "Sanna", "Emma",
)  # fmt: skip


def _server_url(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


def _database_exists(url: str) -> bool:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_server_url(url, "postgres"), autocommit=True) as connection:
        return (
            connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        )


def _recreate_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"Refusing an unusual database name: {name!r}")
    with psycopg.connect(_server_url(url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _configure(url: str) -> None:
    """Settings as in production (DEBUG off) with throw-away keys made here."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(48)
    os.environ["ENCRYPTION_KEYS"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    os.environ["AUDIT_HMAC_KEYS"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    os.environ["ROOM_CODE_PEPPERS"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    os.environ["SECURE_COOKIES"] = "false"
    # Django's test client calls itself "testserver"; static files collected once into
    # var/bench-static (DEBUG off needs the manifest to render a page).
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["STATIC_ROOT"] = str(ROOT / "var" / "bench-static")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hedershus.settings")
    import django

    django.setup()


def _copy(table: str, columns: list[str], rows: Any) -> int:
    """Loads ``rows`` (tuples in ``columns``' order) into ``table`` with COPY; returns the count."""
    from django.db import connection

    connection.ensure_connection()
    count = 0
    raw = connection.connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    raw.commit()
    return count


def _fill(cases: int, contacts: int, seed: int) -> None:
    """Generates the staff and the data above (see the module)."""
    from django.db import connection
    from django.utils import timezone

    from conftest import _make_user
    from hedershus.cases.models import (
        AgeGroup,
        CaseOutcome,
        CaseStatus,
        Channel,
        PersonRole,
        ProblemType,
        Urgency,
    )
    from hedershus.cases.municipalities import MUNICIPALITIES

    rng = random.Random(seed)
    counsellors = [_make_user("counsellor", f"counsellor{n}@bench.invalid").pk for n in range(30)]
    supervisors = [_make_user("supervisor", f"supervisor{n}@bench.invalid").pk for n in range(6)]
    problem_types = list(ProblemType.objects.values_list("pk", flat=True))
    now = timezone.now()
    start = now - dt.timedelta(days=8 * 365)
    statuses = [CaseStatus.CLOSED] * 12 + [CaseStatus.NEW, CaseStatus.ASSESSMENT] + [CaseStatus.ONGOING] * 4
    statuses += [CaseStatus.REFERRED] * 2
    opened = sorted(start + dt.timedelta(seconds=rng.randrange(8 * 365 * 86400)) for _ in range(cases))
    case_rows = []
    per_year: dict[int, int] = {}
    for opened_at in opened:
        status = rng.choice(statuses)
        per_year[opened_at.year] = per_year.get(opened_at.year, 0) + 1
        closed_at = (
            opened_at + dt.timedelta(days=rng.randrange(1, 400)) if status == CaseStatus.CLOSED else None
        )
        if closed_at is not None and closed_at > now:
            closed_at = now
        case_rows.append(
            (
                f"{opened_at.year}-{per_year[opened_at.year]:05d}",
                status,
                rng.choices(Urgency.values, weights=(80, 15, 5))[0],
                rng.random() < 0.03,
                rng.choice(supervisors),
                rng.choice(counsellors),
                opened_at,
                closed_at or opened_at,
                closed_at,
                rng.choice(CaseOutcome.values) if closed_at else "",
            )
        )
    _copy(
        "cases_case",
        [
            "reference", "status", "urgency", "protected_identity", "supervisor_id", "opened_by_id",
            "opened_at", "updated_at", "closed_at", "outcome",
        ],
        case_rows,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, opened_at, opened_by_id FROM cases_case ORDER BY id")
        ids = cursor.fetchall()
    assignments, persons, links = [], [], []
    for case_id, opened_at, opener in ids:
        team = {opener} | ({rng.choice(counsellors)} if rng.random() < 0.5 else set())
        assignments += [(case_id, user, opener, opened_at) for user in team]
        for n in range(rng.choice((1, 1, 2, 2, 3))):
            persons.append(
                (
                    case_id,
                    f"{rng.choice(ALIASES)} {rng.randrange(1, 100)}",
                    PersonRole.values[0] if n == 0 else rng.choice(PersonRole.values),
                    rng.choice(AgeGroup.values),
                    "unknown",
                    rng.choice(MUNICIPALITIES),
                    "",
                    "",
                    "",
                    opener,
                    opened_at,
                )
            )
        for problem_type in rng.sample(problem_types, rng.choice((1, 1, 2))):
            links.append((case_id, problem_type))
    _copy("cases_caseassignment", ["case_id", "user_id", "assigned_by_id", "assigned_at"], assignments)
    _copy(
        "cases_person",
        [
            "case_id", "alias", "role", "age_group", "gender", "municipality", "district",
            "name_encrypted", "identity_number_encrypted", "created_by_id", "created_at",
        ],
        persons,
    )  # fmt: skip
    _copy("cases_caseproblemtype", ["case_id", "problem_type_id"], links)

    def contact_rows() -> Any:
        for _ in range(contacts):
            case_id, opened_at, opener = ids[
                int(rng.paretovariate(1.2)) % len(ids) if rng.random() < 0.3 else rng.randrange(len(ids))
            ]
            moment = opened_at + dt.timedelta(minutes=rng.randrange(0, 400 * 24 * 60))
            yield (
                case_id,
                rng.choice(Channel.values),
                moment,
                rng.randrange(5, 90),
                opener,
                "",
                False,
                moment,
            )

    _copy(
        "cases_contact",
        [
            "case_id", "channel", "occurred_at", "duration_minutes", "taken_by_id", "note_encrypted",
            "from_conversation", "created_at",
        ],
        contact_rows(),
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", default=DEFAULT_URL)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the database and reuse it next time")
    args = parser.parse_args()
    if not (0 < args.cases <= 1_000_000 and 0 <= args.contacts <= 10_000_000 and 0 < args.repeat <= 500):
        parser.error("keep it bounded: --cases ≤ 1,000,000, --contacts ≤ 10,000,000, --repeat ≤ 500")

    reuse = args.keep and _database_exists(args.postgres)
    if not reuse:
        _recreate_database(args.postgres)
    _configure(args.postgres)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from conftest import sign_in
    from hedershus.accounts.models import User
    from hedershus.cases.models import Case, CaseAssignment, CaseStatus, Contact, ProblemType, Urgency
    from hedershus.cases.selectors import CaseFilters, case_rows_for

    try:
        call_command("migrate", verbosity=0)
        call_command("collectstatic", verbosity=0, interactive=False)
        started = time.monotonic()
        if not reuse:
            _fill(args.cases, args.contacts, args.seed)
        filled = time.monotonic() - started
        counts = (Case.objects.count(), Contact.objects.count())
        from django.db.models import Count

        busiest = (
            CaseAssignment.objects.values("user_id").annotate(n=Count("id")).order_by("-n").first() or {}
        )
        user = User.objects.get(pk=busiest["user_id"])
        problem_type = ProblemType.objects.order_by("pk").values_list("pk", flat=True).first()
        today = dt.date.today()
        kinds: list[tuple[str, CaseFilters, bool, dict[str, str]]] = [
            ("my cases", CaseFilters(), False, {}),
            ("my ongoing cases", CaseFilters(status=CaseStatus.ONGOING), False, {"status": "ongoing"}),
            ("search: alias", CaseFilters(alias="Amina 4"), True, {"alias": "Amina 4", "scope": "all"}),
            ("search: municipality", CaseFilters(municipality="Botkyrka"), True,
             {"municipality": "Botkyrka", "scope": "all"}),
            (
                "search: problem type",
                CaseFilters(problem_type=problem_type),
                True,
                {"problem_type": str(problem_type), "scope": "all"},
            ),
            (
                "search: status + urgency",
                CaseFilters(status=CaseStatus.ONGOING, urgency=Urgency.ACUTE),
                True,
                {"status": "ongoing", "urgency": "acute", "scope": "all"},
            ),
            (
                "search: opened in a month",
                CaseFilters(
                    opened_from=today - dt.timedelta(days=400), opened_to=today - dt.timedelta(days=370)
                ),
                True,
                {
                    "opened_from": (today - dt.timedelta(days=400)).isoformat(),
                    "opened_to": (today - dt.timedelta(days=370)).isoformat(),
                    "scope": "all",
                },
            ),
        ]  # fmt: skip
        client = sign_in(Client(), user)
        url = reverse("cases:list")
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = "PostgreSQL " + cursor.fetchone()[0].split()[0]
        print(
            f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.system()} "
            f"{platform.release()} {platform.machine()}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}, {server}\n\n{counts[0]:,} cases, {counts[1]:,} contacts "
            f"({'reused' if reuse else f'filled in {filled:.0f} s'}); "
            f"the counsellor measured works on {busiest['n']:,} cases; {args.repeat} runs per kind; "
            f"load average before: {os.getloadavg()[0]:.2f}\n"
        )
        print("| kind | rows | selector p50 | selector p95 | view p50 | view p95 |")
        print("|---|---:|---:|---:|---:|---:|")
        slowest: tuple[float, str, CaseFilters, bool] = (0.0, "", CaseFilters(), False)
        for name, filters, search, query in kinds:
            selector: list[float] = []
            view: list[float] = []
            rows = 0
            for _ in range(args.repeat):
                begun = time.perf_counter()
                rows = len(case_rows_for(user, filters, search=search))
                selector.append(time.perf_counter() - begun)
                begun = time.perf_counter()
                response = client.get(url, query)
                view.append(time.perf_counter() - begun)
                if response.status_code != 200:
                    raise RuntimeError(f"{name}: the list answered {response.status_code}")
            p95 = _percentile(selector, 0.95)
            if p95 > slowest[0]:
                slowest = (p95, name, filters, search)
            print(
                f"| {name} | {rows} | {_percentile(selector, 0.5) * 1000:.1f} ms | {p95 * 1000:.1f} ms | "
                f"{_percentile(view, 0.5) * 1000:.1f} ms | {_percentile(view, 0.95) * 1000:.1f} ms |",
                flush=True,
            )
        print(f"\nload average after: {os.getloadavg()[0]:.2f}\n\nEXPLAIN ANALYZE, {slowest[1]}:\n\n```")
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            case_rows_for(user, slowest[2], search=slowest[3])
        for query in captured.captured_queries:
            if query["sql"].lstrip().upper().startswith("SELECT"):
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    print("\n".join(row[0] for row in cursor.fetchall()) + "\n")
        print("```")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            import psycopg

            name = urlsplit(args.postgres).path.lstrip("/")
            with psycopg.connect(_server_url(args.postgres, "postgres"), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
